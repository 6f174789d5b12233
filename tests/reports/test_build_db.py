"""bench/build_db.py: the bulk copy of an imported, classified set is what the API's queries see."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bantin.search.index import index_articles
from bantin.search.listing import ArticleFilters, article_query
from bantin.store.db import make_engine
from bantin.store.migrate import upgrade
from bantin.store.office import Story, User
from bantin.store.schema import Article, Classification, Cluster, Source
from bantin.store.searchindex import ArticleSearch

BENCH = Path(__file__).resolve().parents[2] / "bench"
T0 = datetime(2026, 3, 1, 3, 0, tzinfo=UTC)


def _module() -> ModuleType:
    sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location("build_db", BENCH / "build_db.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _real_set(url: str) -> None:
    """Three articles as the import leaves them: two copies of one story (admitted) and a lone one."""
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as s:
        src = Source(name="Báo Nghệ An", kind="import", enabled=False)
        s.add(src)
        s.flush()
        c1, c2 = Cluster(size=2), Cluster(size=1)
        s.add_all([c1, c2])
        s.flush()
        texts = ["Lũ quét ở Kỳ Sơn, Nghệ An", "Lũ quét ở Kỳ Sơn, Nghệ An. Theo Báo Nghệ An.", "Đầu tư công ở Vinh"]
        arts = [Article(canonical_url=f"https://baonghean.vn/tin-{i}.html", source_id=src.id, title=t, text=t,
                        published_at=T0 + timedelta(hours=i), language="vi", content_hash=hashlib.sha256(t.encode()).hexdigest(),
                        cluster_id=(c1.id if i < 2 else c2.id)) for i, t in enumerate(texts)]
        s.add_all(arts)
        s.flush()
        c1.origin_article_id, c2.origin_article_id = arts[0].id, arts[2].id
        index_articles(s, arts)
        for a in arts:
            s.add(Classification(article_id=a.id, topics="{}", top_topic="disaster", relevance="primary",
                                 relevance_score=0.9, province="Nghệ An", places="[]", language="vi"))
        s.add(Story(cluster_id=c1.id, origin_article_id=arts[0].id, title=texts[0], state="new", priority="normal",
                    entered_by="relevance:primary", copies=2, first_published_at=T0,
                    latest_published_at=T0 + timedelta(hours=1), created_at=T0, updated_at=T0, due_at=T0))
        s.commit()
    engine.dispose()


def test_copies_get_new_ids_urls_hashes_and_clusters_and_are_searchable(db_url: str) -> None:
    bd = _module()
    _real_set(db_url)
    report = bd.replicate(db_url, 8)  # two full rounds and a partial one (two of the three articles)
    assert report["counts"]["articles"] == 8 and report["rounds"] == 2
    engine = make_engine(db_url)
    with Session(engine) as s:
        arts = s.execute(select(Article.id, Article.canonical_url, Article.content_hash, Article.cluster_id,
                                Article.published_at)).all()
        assert len({a.canonical_url for a in arts}) == 8 and len({a.content_hash for a in arts}) == 8
        start = bd.build_archive.END - timedelta(days=bd.SPAN_DAYS)
        assert all(start <= a.published_at < bd.build_archive.END for a in arts)
        # copies of one story share their round's new cluster, and keep their delay (one hour)
        by_cluster: dict[int, list] = {}
        for a in arts:
            by_cluster.setdefault(a.cluster_id, []).append(a)
        pairs = [sorted(v, key=lambda a: a.id) for v in by_cluster.values() if len(v) == 2]
        assert len(pairs) == 3
        assert all(p[1].published_at - p[0].published_at == timedelta(hours=1) for p in pairs)
        assert s.scalar(select(func.count()).select_from(Classification)) == 8
        assert s.scalar(select(func.count()).select_from(ArticleSearch)) == 8
        stories = list(s.scalars(select(Story).order_by(Story.id)))
        assert len(stories) == 3 and {st.cluster_id for st in stories} == {p[0].cluster_id for p in pairs}
        officers = set(s.scalars(select(User.id).where(User.name.like("bench-officer-%"))))
        assert len(officers) == bd.OFFICERS
        assert all(st.owner_id is None or st.owner_id in officers for st in stories)
        # the search index of the copies answers through the API's own query, diacritics or not
        dialect = engine.dialect.name
        folded = [r.id for r in s.execute(article_query(ArticleFilters(q="ky son"), dialect, limit=50))]
        marked = [r.id for r in s.execute(article_query(ArticleFilters(q="Kỳ Sơn"), dialect, limit=50))]
        assert folded == marked and len(folded) == 6  # two per round, the partial round included
    engine.dispose()
