"""A feed item whose page is a meta-refresh stub is stored from the page the stub points to, in a real
`bantin crawl --once` against a loopback site; the crawl logs no warning about its own middlewares."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from bantin.store.db import make_engine, session_factory
from bantin.store.schema import Article, FetchLog
from tests import pagefactory as pf
from tests.httpfixtures import Handler, HostileServer
from tests.ingest.crawl_run import crawl_env, crawl_once, write_sources

T0 = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)


def test_a_meta_refresh_stub_is_followed_to_the_article(tmp_path: Path) -> None:
    body = pf.texts(1)[0]
    with HostileServer() as srv:
        stub_url, real_url = srv.url("/chuyen-huong"), srv.url("/bai-that")
        hits: list[str] = []

        def stub(h: Handler) -> None:  # an old CMS moving its articles: a 200 page that refreshes at once
            hits.append("stub")
            h.reply(200, b'<html><head><meta http-equiv="refresh" content="0; url=/bai-that"></head>'
                         b"<body>\xc4\x90ang chuy\xe1\xbb\x83n trang...</body></html>", {"Content-Type": "text/html"})

        def real(h: Handler) -> None:
            hits.append("real")
            h.reply(200, pf.page("Tin Nghệ An", body, real_url, T0))

        srv.route("/chuyen-huong", stub)
        srv.route("/bai-that", real)
        srv.route("/rss.rss", lambda h: h.reply(200, pf.rss([("Tin Nghệ An", stub_url, T0)]),
                                                {"Content-Type": "application/rss+xml"}))
        env = crawl_env(f"sqlite:///{tmp_path / 'bantin.db'}", write_sources(tmp_path / "sources.toml",
                        {"Báo Thử": srv.url("/rss.rss")}), tmp_path, BANTIN_EXTRACT_WORKERS="0")
        proc = crawl_once(env)
        assert proc.returncode == 0, proc.stderr.decode()
    assert hits == ["stub", "real"]
    assert "WARNING" not in proc.stderr.decode(errors="replace"), proc.stderr.decode(errors="replace")
    with session_factory(make_engine(env["BANTIN_DATABASE_URL"]))() as s:
        texts = s.scalars(select(Article.text)).all()
        outcomes = s.scalars(select(FetchLog.outcome).where(FetchLog.kind == "article")).all()
    assert len(texts) == 1 and body[:60] in texts[0]  # the article, not the stub's "Đang chuyển trang..."
    assert "chuyển trang" not in texts[0]
    assert outcomes == ["ok"]
