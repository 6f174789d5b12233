"""The reports as they were computed before the rollup (grouping the articles themselves): the reference
the rollup's reports must equal, and the direct GROUP BY of the rollup's own key."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, literal_column, select
from sqlalchemy.orm import Session

from bantin.reports.days import as_date, day_range, vn_day
from bantin.store.schema import Article, Classification, Source

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
    """Per day ``{day, domestic, foreign, unknown}`` (the rule is in ``bantin.reports.coverage``)."""
    day = vn_day(session, Article.published_at).label("day")
    origin = _origin_class().label("origin")
    q = _base(session, frm, to, relevance, [day, origin, func.count().label("n")], outlets=True)
    per_day: dict[date, dict[str, Any]] = {}
    for d, o, n in session.execute(q.group_by(literal_column("day"), literal_column("origin"))).all():
        row = per_day.setdefault(as_date(d), {"day": as_date(d), "domestic": 0, "foreign": 0, "unknown": 0})
        row[str(o)] += int(n)
    return [per_day[d] for d in sorted(per_day)]


def rollup_key_counts(session: Session) -> dict[tuple[Any, ...], int]:
    """The rollup's key counted from the articles (day, relevance, top topic, outlet id, language), with the
    rollup's "none" sentinels; undated articles have no day and are left out."""
    cols = [vn_day(session, Article.published_at), func.coalesce(Classification.relevance, ""),
            func.coalesce(Classification.top_topic, ""), func.coalesce(Article.source_id, 0),
            func.coalesce(Article.language, "")]
    q = (select(*(c.label(f"k{i}") for i, c in enumerate(cols)), func.count()).select_from(Article)
         .outerjoin(Classification, Classification.article_id == Article.id)
         .where(Article.published_at.is_not(None)).group_by(*(literal_column(f"k{i}") for i in range(len(cols)))))
    return {(as_date(d), r, t, int(src), lang): int(n) for d, r, t, src, lang, n in session.execute(q)}
