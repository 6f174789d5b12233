"""Coverage volume per Vietnamese calendar day: by topic, outlet or language, and domestic against foreign.

Counted: articles whose ``published_at`` falls in the range (an undated article has no day and is not
counted), by default only those relevant to the province (``relevance`` "province": primary or mention).

Domestic and foreign (``domestic_foreign``), by the article's outlet (``sources``):
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

from bantin.reports.days import as_date, day_range, vn_day
from bantin.store.schema import Article, Classification, Source

By = Literal["topic", "outlet", "language"]
Relevance = Literal["province", "primary", "all"]
BY_VALUES: tuple[str, ...] = ("topic", "outlet", "language")
RELEVANCE_VALUES: tuple[str, ...] = ("province", "primary", "all")
# what each relevance choice keeps (None: every article, classified or not)
_RELEVANCE_SETS: dict[str, tuple[str, ...] | None] = {"province": ("primary", "mention"), "primary": ("primary",),
                                                      "all": None}


def _base(session: Session, frm: date, to: date, relevance: str, cols: list[Any], *, topics: bool = False,
          outlets: bool = False) -> Any:
    """The counted articles; classifications and sources are joined only where a filter or key needs them
    (each join is one primary-key lookup per counted article)."""
    if relevance not in _RELEVANCE_SETS:
        raise ValueError(f"unknown relevance {relevance!r}")
    start, end = day_range(frm, to)
    keep = _RELEVANCE_SETS[relevance]
    q = select(*cols).select_from(Article)
    if keep is not None:
        q = q.join(Classification, Classification.article_id == Article.id).where(Classification.relevance.in_(keep))
    elif topics:
        q = q.outerjoin(Classification, Classification.article_id == Article.id)
    if outlets:
        q = q.outerjoin(Source, Source.id == Article.source_id)
    return q.where(Article.published_at >= start, Article.published_at < end)


def coverage(session: Session, frm: date, to: date, by: str = "topic",
             relevance: str = "province") -> list[dict[str, Any]]:
    """Rows ``{day, key, count}`` ordered by day then key; ``key`` is the topic key (``top_topic``), the
    outlet's name or the language code, None where unknown. Days without articles have no row."""
    keys = {"topic": Classification.top_topic, "outlet": Source.name, "language": Article.language}
    if by not in keys:
        raise ValueError(f"unknown grouping {by!r}")
    day = vn_day(session, Article.published_at).label("day")
    key = keys[by].label("key")
    q = _base(session, frm, to, relevance, [day, key, func.count().label("n")], topics=by == "topic",
              outlets=by == "outlet")
    rows = session.execute(q.group_by(literal_column("day"), literal_column("key"))).all()
    out = [{"day": as_date(d), "key": k, "count": int(n)} for d, k, n in rows]
    out.sort(key=lambda r: (r["day"], r["key"] is None, r["key"] or ""))
    return out


def _origin_class() -> Any:
    country = Source.country
    language = func.coalesce(Source.language, Article.language)
    return case(
        (country == literal_column("'VN'"), literal_column("'domestic'")),
        (and_(country.is_(None), language == literal_column("'vi'")), literal_column("'domestic'")),
        (country.is_not(None), literal_column("'foreign'")),
        else_=literal_column("'unknown'"),
    )


def domestic_foreign(session: Session, frm: date, to: date,
                     relevance: str = "province") -> list[dict[str, Any]]:
    """Per day ``{day, domestic, foreign, unknown}`` (the rule is in this module's docstring)."""
    day = vn_day(session, Article.published_at).label("day")
    origin = _origin_class().label("origin")
    q = _base(session, frm, to, relevance, [day, origin, func.count().label("n")], outlets=True)
    per_day: dict[date, dict[str, Any]] = {}
    for d, o, n in session.execute(q.group_by(literal_column("day"), literal_column("origin"))).all():
        row = per_day.setdefault(as_date(d), {"day": as_date(d), "domestic": 0, "foreign": 0, "unknown": 0})
        row[str(o)] += int(n)
    return [per_day[d] for d in sorted(per_day)]
