"""What one real page becomes in the database, row by row (SQLite and PostgreSQL): the article with its
fingerprints and credit, its URLs, its near-duplicate band keys, its search document, its cluster, the
fetch-log row and the frontier row, all in the page's one transaction; delivered again, nothing new."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from bantin.dedup.index import band_keys
from bantin.dedup.minhash import content_hash, signature, signature_to_bytes
from bantin.ingest.core import CrawlCore, Fetched
from bantin.search.tokens import document
from bantin.store.schema import Article, ArticleBand, ArticleURL, Cluster, FetchLog, FrontierItem
from bantin.store.searchindex import ArticleSearch
from tests.ingest.test_pipeline import LATER, T0, _feed, _fetched

PAGE = "crawl/pages/vi/fundus-vnexpress-2025/VnExpress_2025_10_22.html.gz"
URL = "https://vnexpress.net/dau-bung-keo-dai-phat-hien-ung-thu-lymphoma-ruot-non-4954454.html"
FEED_LINK = URL + "?utm_source=rss"  # what feeds list: the link with a tracking parameter


@pytest.fixture
def stored(core: CrawlCore, shared_data: Path):  # type: ignore[no-untyped-def]  # noqa: F811
    body = gzip.decompress((shared_data / PAGE).read_bytes())
    [task] = _feed(core, [("Đau bụng kéo dài", FEED_LINK, T0)])
    res = Fetched(FEED_LINK, FEED_LINK, 200, {"content-type": "text/html; charset=utf-8"}, body, 0.25)
    return task, res, _fetched(core, task, res)


def _rows(core: CrawlCore, model: type) -> list:  # type: ignore[type-arg]
    with core.sessions() as s:
        return list(s.scalars(select(model)))


def test_a_real_page_is_stored_with_every_row_that_belongs_to_it(core: CrawlCore, stored) -> None:  # noqa: F811
    task, res, result = stored
    assert result is not None and result.outcome == "new"
    [art] = _rows(core, Article)
    assert art.id == result.article_id
    assert art.canonical_url == URL
    assert art.title == "Đau bụng kéo dài, phát hiện ung thư lymphoma ruột non"
    assert art.text.startswith("Người đàn ông 63 tuổi đau bụng kéo dài, bác sĩ chẩn đoán ung thư lymphoma")
    assert art.text.endswith("có thể phẫu thuật, hóa trị hoặc xạ trị.")
    assert "Lê Phương" not in art.text  # the reporter's signature is not stored (principle 1)
    assert art.summary == task.summary and art.summary  # the feed item's summary comes first
    assert art.published_at.isoformat() == "2025-10-22T12:25:52+00:00"  # 19:25:52 +07:00
    assert art.language == "vi" and art.source_id == task.source_id
    assert art.content_hash == content_hash(art.text) and len(art.content_hash) == 64
    assert art.minhash == signature_to_bytes(signature(art.text))
    assert art.credit is None  # the page names no other publisher
    assert art.fetched_at is not None

    [cluster] = _rows(core, Cluster)
    assert (art.cluster_id, cluster.origin_article_id, cluster.size) == (cluster.id, art.id, 1)
    assert result.cluster_id == cluster.id

    urls = {(u.url, u.article_id) for u in _rows(core, ArticleURL)}
    assert urls == {(URL, art.id)}  # the feed link's tracking parameter is not part of its identity

    bands = {(b.key, b.article_id) for b in _rows(core, ArticleBand)}
    assert bands == {(k, art.id) for k in band_keys(signature(art.text)).tolist()} and len(bands) == 64

    [log] = [r for r in _rows(core, FetchLog) if r.kind == "article"]
    assert (log.url, log.status, log.outcome, log.error, log.bytes, log.duration_ms, log.source_id) == \
        (FEED_LINK, 200, "ok", None, len(res.body), 250, task.source_id)
    [item] = _rows(core, FrontierItem)
    assert (item.state, item.article_id, item.attempts) == ("done", art.id, 1) and item.done_at is not None

    doc = document(art.title, art.summary, art.text)
    assert "lymphoma" in doc.split() and "ruot" in doc.split()  # folded: "ruột" → ruot
    with core.sessions() as s:
        if s.get_bind().dialect.name == "sqlite":
            assert s.scalar(select(ArticleSearch.doc)) == doc
            hits = s.execute(text("SELECT rowid FROM article_fts WHERE article_fts MATCH 'lymphoma'")).scalars().all()
        else:
            assert s.scalar(select(ArticleSearch.doc == func.to_tsvector(text("'simple'::regconfig"), doc)))
            hits = s.execute(text("SELECT article_id FROM article_search WHERE doc @@ 'lymphoma'::tsquery")).scalars().all()
        assert hits == [art.id]


def test_the_same_page_delivered_again_adds_only_its_fetch_record(core: CrawlCore, stored) -> None:  # noqa: F811
    task, res, first = stored
    before = {m: len(_rows(core, m)) for m in (Article, ArticleURL, ArticleBand, Cluster, ArticleSearch)}
    again = _fetched(core, task, res)
    assert again is not None and (again.outcome, again.article_id, again.cluster_id) == \
        ("dup_url", first.article_id, first.cluster_id)
    assert {m: len(_rows(core, m)) for m in before} == before
    outcomes = sorted(r.outcome for r in _rows(core, FetchLog) if r.kind == "article")
    assert outcomes == ["dup_url", "ok"]
    assert LATER > T0
