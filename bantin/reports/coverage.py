"""Coverage volume per Vietnamese calendar day: by topic, outlet or language, and domestic against foreign.

Counted: articles whose ``published_at`` falls in the range (an undated article has no day and is not
counted), by default only those relevant to the province (``relevance`` "province": primary or mention).
The counts come from the daily rollup ``coverage_days`` (``bantin.store.rollup``: one row per day and
relevance, top topic, outlet and language, kept by database triggers), so a year's report sums tens of
thousands of rows instead of grouping up to a million articles; the rollup's "none" sentinels come back
as None.

Domestic and foreign (``domestic_foreign``), by the article's outlet (``sources``, joined when read):
- domestic: the outlet's country is "VN"; or no country is recorded and the language (the outlet's, else
  the article's) is Vietnamese ("vi") — a Vietnamese-language outlet of unknown country is taken as domestic;
- foreign: a country is recorded and it is not "VN" (whatever the language: BBC Tiếng Việt is foreign);
- unknown: no country and a language other than Vietnamese (or none), including articles without an outlet.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from sqlalchemy import and_, case, func, literal_column, select
from sqlalchemy.orm import Session

from bantin.reports.days import as_date, day_range
from bantin.store.rollup import NO_VALUE, CoverageDay
from bantin.store.schema import Source

By = Literal["topic", "outlet", "language"]
Relevance = Literal["province", "primary", "all"]
BY_VALUES: tuple[str, ...] = ("topic", "outlet", "language")
RELEVANCE_VALUES: tuple[str, ...] = ("province", "primary", "all")
# what each relevance choice keeps (None: every article, classified or not)
_RELEVANCE_SETS: dict[str, tuple[str, ...] | None] = {"province": ("primary", "mention"), "primary": ("primary",),
                                                      "all": None}


def _counted(frm: date, to: date, relevance: str, cols: list[Any], *, outlets: bool = False) -> Any:
    """The rollup's rows of the counted articles (the outlet joined where a key needs it: a few hundred
    outlets, one primary-key lookup per rollup row)."""
    if relevance not in _RELEVANCE_SETS:
        raise ValueError(f"unknown relevance {relevance!r}")
    day_range(frm, to)  # the range's checks (length, order, the fixed-offset era); the rollup is by day
    keep = _RELEVANCE_SETS[relevance]
    cd = CoverageDay
    q = select(*cols).select_from(cd).where(cd.day >= frm, cd.day <= to)
    if keep is not None:
        q = q.where(cd.relevance.in_(keep))
    if outlets:
        q = q.outerjoin(Source, Source.id == cd.source_id)
    return q


def _none(value: Any) -> Any:
    return None if value == NO_VALUE else value


def coverage(session: Session, frm: date, to: date, by: str = "topic",
             relevance: str = "province") -> list[dict[str, Any]]:
    """Rows ``{day, key, count}`` ordered by day then key; ``key`` is the topic key (``top_topic``), the
    outlet's name or the language code, None where unknown. Days without articles have no row."""
    keys = {"topic": CoverageDay.top_topic, "outlet": Source.name, "language": CoverageDay.language}
    if by not in keys:
        raise ValueError(f"unknown grouping {by!r}")
    n = func.sum(CoverageDay.n)
    q = _counted(frm, to, relevance, [CoverageDay.day, keys[by].label("key"), n.label("n")], outlets=by == "outlet")
    rows = session.execute(q.group_by(CoverageDay.day, literal_column("key")).having(n > 0)).all()
    out = [{"day": as_date(d), "key": _none(k), "count": int(c)} for d, k, c in rows]
    out.sort(key=lambda r: (r["day"], r["key"] is None, r["key"] or ""))
    return out


def _origin_class() -> Any:
    country = Source.country
    language = func.coalesce(Source.language, CoverageDay.language)  # NO_VALUE is not "vi", as None is not
    return case(
        (country == literal_column("'VN'"), literal_column("'domestic'")),
        (and_(country.is_(None), language == literal_column("'vi'")), literal_column("'domestic'")),
        (country.is_not(None), literal_column("'foreign'")),
        else_=literal_column("'unknown'"),
    )


def domestic_foreign(session: Session, frm: date, to: date,
                     relevance: str = "province") -> list[dict[str, Any]]:
    """Per day ``{day, domestic, foreign, unknown}`` (the rule is in this module's docstring)."""
    n = func.sum(CoverageDay.n)
    q = _counted(frm, to, relevance, [CoverageDay.day, _origin_class().label("origin"), n.label("n")], outlets=True)
    per_day: dict[date, dict[str, Any]] = {}
    for d, o, c in session.execute(q.group_by(CoverageDay.day, literal_column("origin")).having(n > 0)).all():
        row = per_day.setdefault(as_date(d), {"day": as_date(d), "domestic": 0, "foreign": 0, "unknown": 0})
        row[str(o)] += int(c)
    return [per_day[d] for d in sorted(per_day)]
