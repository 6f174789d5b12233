"""Article pages are fetched at the URL the feed gave; the canonical form (query sorted, trackers
stripped) is the article's identity only. A real `bantin crawl --once` against a loopback site that
answers 404 to the canonical form."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import select

from bantin.extract.canonical import canonicalize_url
from bantin.store.db import make_engine, session_factory
from bantin.store.schema import Article, ArticleURL, FetchLog
from tests import pagefactory as pf
from tests.httpfixtures import Handler, HostileServer
from tests.ingest.crawl_run import crawl_env, crawl_once, write_sources

T0 = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
GIVEN_QUERY = "id=5&cat=2&utm_source=rss"  # what the feed links to; canonical: "cat=2&id=5"


def test_article_is_fetched_at_the_feed_url_not_its_canonical_form(tmp_path: Path) -> None:
    body = pf.texts(1)[0]
    with HostileServer() as srv:
        given = srv.url(f"/tin?{GIVEN_QUERY}")
        canonical = canonicalize_url(given)
        assert canonical != given

        seen: list[str] = []

        def article(h: Handler) -> None:  # this CMS rejects reordered or stripped parameters
            seen.append(urlsplit(h.path).query)
            if seen[-1] == GIVEN_QUERY:
                h.reply(200, pf.page("Tin Nghệ An", body, canonical, T0))
            else:
                h.reply(404, b"not found")

        srv.route("/tin", article)
        srv.route("/rss.rss", lambda h: h.reply(200, pf.rss([("Tin Nghệ An", given, T0)]),
                                                {"Content-Type": "application/rss+xml"}))
        env = crawl_env(f"sqlite:///{tmp_path / 'bantin.db'}", write_sources(tmp_path / "sources.toml",
                        {"Báo Thử": srv.url("/rss.rss")}), tmp_path, BANTIN_EXTRACT_WORKERS="0")
        proc = crawl_once(env)
        assert proc.returncode == 0, proc.stderr.decode()
    assert seen == [GIVEN_QUERY]  # one fetch, at the feed's own link
    with session_factory(make_engine(env["BANTIN_DATABASE_URL"]))() as s:
        stored = s.execute(select(Article.canonical_url, Article.text)).all()
        urls = set(s.scalars(select(ArticleURL.url)))
        fetched = s.scalars(select(FetchLog.url).where(FetchLog.kind == "article")).all()
    assert [c for c, _ in stored] == [canonical]
    assert body[:60] in stored[0][1]  # the article text, not an error page
    assert canonical in urls  # the identity: the next feed poll knows this article
    assert fetched == [given]
