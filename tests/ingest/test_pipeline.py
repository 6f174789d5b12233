"""CrawlCore on a real database (SQLite and PostgreSQL): feeds → frontier → articles, exactly once."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from bantin.app.stats import CounterStats
from bantin.extract.workers import Extractor
from bantin.ingest import store as ingest_mod
from bantin.ingest.core import CrawlCore, Fetched
from bantin.ingest.frontier import ArticleTask
from bantin.ingest.store import IngestResult
from bantin.sources.registry import SourceSpec, upsert
from bantin.store.schema import Article, ArticleURL, Cluster, Feed, FetchLog, FrontierItem, Source
from tests import pagefactory as pf
from tests.ingest.conftest import FEED

T0 = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
# feeds are due again by then, whatever the adaptive interval chose
LATER = datetime.now(UTC) + timedelta(days=2)




def _count(core: CrawlCore, model: type) -> int:
    with core.sessions() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def _feed(core: CrawlCore, items: list[tuple[str, str, datetime]], url: str = FEED) -> list:
    task = next(t for t in core.due_feeds(LATER) if t.url == url)
    body = pf.rss(items)
    return core.feed_fetched(task, Fetched(url, url, 200, {"content-type": "application/rss+xml", "etag": '"v1"'}, body))


def _fetched(core: CrawlCore, task: ArticleTask, res: Fetched) -> IngestResult | None:
    """The spider's path for a fetched page: the Extractor (inline here), then CrawlCore.store_extracted."""
    ex = asyncio.run(Extractor(0).extract(res.body, res.final_url or task.url, res.headers.get("content-type"),
                                          core.feed_hint(task), core.stats))
    return core.store_extracted(task, res, ex)


def _article(core: CrawlCore, task: ArticleTask, title: str, text: str, published: datetime | None = None,
             url: str | None = None) -> IngestResult | None:
    url = url or task.url
    body = pf.page(title, text, task.url, published)
    return _fetched(core, task, Fetched(url, url, 200, {"content-type": "text/html; charset=utf-8"}, body))


def test_feed_items_go_to_the_frontier_once_with_validators_kept(core: CrawlCore) -> None:
    items = [(f"Tin {i}", f"http://news.example.test/tin-{i}.html", T0) for i in range(3)]
    new = _feed(core, items)
    assert [t.url for t in new] == [u for _, u, _ in items]
    # the same feed again: nothing new, and duplicates are counted
    assert _feed(core, items) == []
    assert core.stats.get_value("ingest/dup_url") == 3
    assert _count(core, FrontierItem) == 3
    with core.sessions() as s:
        logs = s.execute(select(FetchLog.outcome, FetchLog.items_new).where(FetchLog.kind == "feed")).all()
    assert sorted(logs) == [("ok", 0), ("ok", 3)]
    task = next(t for t in core.due_feeds(LATER) if t.url == FEED)
    assert task.etag == '"v1"'


def test_tracking_parameters_do_not_make_a_new_item(core: CrawlCore) -> None:
    _feed(core, [("Tin", "http://news.example.test/tin-1.html", T0)])
    again = _feed(core, [("Tin", "http://news.example.test/tin-1.html?utm_source=rss&utm_medium=feed", T0)])
    assert again == []


def test_same_article_ingested_twice_gives_one_row(core: CrawlCore) -> None:
    [task] = _feed(core, [("Tin", "http://news.example.test/tin-1.html", T0)])
    text = pf.texts(1)[0]
    first = _article(core, task, "Tin một", text, T0)
    second = _article(core, task, "Tin một", text, T0)
    assert first is not None and second is not None
    assert first.outcome == "new" and second.outcome == "dup_url"
    assert first.article_id == second.article_id
    assert _count(core, Article) == 1


def test_same_text_at_another_url_becomes_an_alias(core: CrawlCore) -> None:
    t1, t2 = _feed(core, [("A", "http://news.example.test/a.html", T0), ("B", "http://news.example.test/b.html", T0)])
    text = pf.texts(1)[0]
    a = _article(core, t1, "Tin", text, T0)
    b = _fetched(core, t2, Fetched(t2.url, t2.url, 200, {}, pf.page("Tin", text, t2.url, T0)))
    assert a is not None and b is not None
    assert b.outcome == "dup_hash" and b.article_id == a.article_id
    with core.sessions() as s:
        urls = set(s.scalars(select(ArticleURL.url).where(ArticleURL.article_id == a.article_id)))
    assert {"http://news.example.test/a.html", "http://news.example.test/b.html"} <= urls


def test_losing_a_race_to_another_process_records_a_duplicate_not_an_error(core: CrawlCore,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process commits the same article between our duplicate check and our insert: the unique
    constraint fails our transaction, the retry sees their row, and exactly one article remains."""
    t1, t2 = _feed(core, [("A", "http://news.example.test/a.html", T0), ("B", "http://news.example.test/b.html", T0)])
    text = pf.texts(1)[0]
    theirs = _article(core, t1, "Tin", text, T0)
    real_existing, blind = ingest_mod._existing, iter([True])

    def stale_check(*args: object) -> object:  # our check ran before their commit: it saw nothing
        return None if next(blind, False) else real_existing(*args)

    monkeypatch.setattr(ingest_mod, "_existing", stale_check)
    ours = _fetched(core, t2, Fetched(t2.url, t2.url, 200, {}, pf.page("Tin", text, t2.url, T0)))
    assert theirs is not None and ours is not None
    assert ours.outcome == "dup_hash" and ours.article_id == theirs.article_id
    assert core.stats.get_value("db/tx_retry") == 1
    assert _count(core, Article) == 1
    with core.sessions() as s:
        logs = s.execute(select(FetchLog.url, FetchLog.outcome).where(FetchLog.kind == "article")).all()
        done = s.scalar(select(FrontierItem.article_id).where(FrontierItem.url == t2.url))
    assert sorted(logs) == [(t1.url, "ok"), (t2.url, "dup_hash")]  # the failed attempt left no record
    assert done == theirs.article_id


def test_syndicated_copy_joins_the_cluster_and_the_earliest_copy_is_origin(core: CrawlCore) -> None:
    text = pf.texts(2)[0]
    [orig] = _feed(core, [("Gốc", "http://news.example.test/goc.html", T0)])
    [copy] = _feed(core, [("Đăng lại", "http://other.example.test/copy.html", T0)], "http://other.example.test/rss.rss")
    paras = text.split(". ")
    trimmed = ". ".join(paras[: int(len(paras) * 0.85)]) + ". Theo Báo Thử"
    # the copy is fetched first but published later
    c = _article(core, copy, "Tiêu đề khác hẳn", trimmed, T0 + timedelta(hours=3))
    o = _article(core, orig, "Gốc", text, T0)
    assert c is not None and o is not None and o.outcome == "new"
    assert o.cluster_id == c.cluster_id
    with core.sessions() as s:
        cluster = s.get(Cluster, o.cluster_id)
        assert cluster is not None
        assert cluster.origin_article_id == o.article_id
        assert cluster.size == 2


def test_unrelated_articles_get_separate_clusters(core: CrawlCore) -> None:
    a_text, b_text = pf.texts(2)
    ta, tb = _feed(core, [("A", "http://news.example.test/a.html", T0), ("B", "http://news.example.test/b.html", T0)])
    a, b = _article(core, ta, "A", a_text, T0), _article(core, tb, "B", b_text, T0)
    assert a is not None and b is not None and a.cluster_id != b.cluster_id


def test_pending_items_survive_a_restart(core: CrawlCore) -> None:
    _feed(core, [("A", "http://news.example.test/a.html", T0), ("B", "http://news.example.test/b.html", T0)])
    fresh = CrawlCore(core.sessions, CounterStats())  # a new process after a crash
    assert {t.url for t in fresh.due_articles()} == {"http://news.example.test/a.html", "http://news.example.test/b.html"}


def test_gone_article_is_given_up_and_transient_error_retried_later(core: CrawlCore) -> None:
    ta, tb = _feed(core, [("A", "http://news.example.test/a.html", T0), ("B", "http://news.example.test/b.html", T0)])
    core.article_failed(ta, "HTTP 404", 404, outcome="http_error")
    core.article_failed(tb, "TimeoutError", None)
    with core.sessions() as s:
        states = dict(s.execute(select(FrontierItem.url, FrontierItem.state)).all())
    assert states == {ta.url: "failed", tb.url: "pending"}
    assert core.due_articles() == []  # B waits for its backoff


def test_not_modified_feed_is_logged_and_slows_polling(core: CrawlCore) -> None:
    task = next(t for t in core.due_feeds(LATER) if t.url == FEED)
    assert core.feed_fetched(task, Fetched(FEED, FEED, 304, {}, b"")) == []
    with core.sessions() as s:
        assert s.scalar(select(FetchLog.outcome).where(FetchLog.kind == "feed")) == "not_modified"
    assert core.stats.get_value("feed/not_modified") == 1


def test_broken_feed_is_recorded_as_a_source_failure(core: CrawlCore) -> None:
    task = next(t for t in core.due_feeds(LATER) if t.url == FEED)
    assert core.feed_fetched(task, Fetched(FEED, FEED, 200, {"content-type": "text/html"}, b"\x00\xff garbage")) == []
    with core.sessions() as s:
        src = s.scalar(select(Source).where(Source.name == "Báo Thử"))
        assert src is not None and src.health == "failing" and src.last_error


def test_credit_line_names_the_origin_even_when_the_copy_has_an_earlier_timestamp(core: CrawlCore) -> None:
    text = pf.texts(3)[2]
    [orig] = _feed(core, [("Gốc", "http://news.example.test/goc2.html", T0)])
    [copy] = _feed(core, [("Copy", "http://other.example.test/copy2.html", T0)], "http://other.example.test/rss.rss")
    paras = text.split(". ")
    copied = ". ".join(paras[1:]) + ". Theo Báo Thử"
    c = _article(core, copy, "Bản đăng lại", copied, T0 - timedelta(hours=5))  # wrong clock on the copy
    o = _article(core, orig, "Gốc", text, T0)
    assert c is not None and o is not None and o.cluster_id == c.cluster_id
    with core.sessions() as s:
        cluster = s.get(Cluster, o.cluster_id)
        assert cluster is not None and cluster.origin_article_id == o.article_id
    # the one origin decision (when the second copy joined) was made by the credit line, not the clock
    assert (core.stats.get_value("dedup/origin_by_credit"), core.stats.get_value("dedup/origin_by_time")) == (1, None)


def test_an_uncredited_copy_leaves_the_origin_to_the_earliest_and_the_decision_is_counted(core: CrawlCore) -> None:
    text = pf.texts(3)[1]
    [orig] = _feed(core, [("Gốc", "http://news.example.test/goc3.html", T0)])
    [copy] = _feed(core, [("Copy", "http://other.example.test/copy3.html", T0)], "http://other.example.test/rss.rss")
    paras = text.split(". ")
    c = _article(core, copy, "Bản đăng lại", ". ".join(paras[: int(len(paras) * 0.85)]), T0 + timedelta(hours=2))
    o = _article(core, orig, "Gốc", text, T0)
    assert c is not None and o is not None and o.cluster_id == c.cluster_id
    with core.sessions() as s:
        cluster = s.get(Cluster, o.cluster_id)
        assert cluster is not None and cluster.origin_article_id == o.article_id
    assert (core.stats.get_value("dedup/origin_by_time"), core.stats.get_value("dedup/origin_by_credit")) == (1, None)
    assert core.stats.get_value("dedup/near_dup") == 1


def test_a_redirect_with_tracking_parameters_is_stored_canonical_and_known_when_listed_again(core: CrawlCore) -> None:
    [task] = _feed(core, [("Tin", "http://news.example.test/tin-1.html", T0)])
    moved = "http://news.example.test/chuyen/tin-1.html?utm_source=rss&zarsrc=30"
    body = pf.page("Tin một", pf.texts(1)[0], task.url, T0)
    stored = _fetched(core, task, Fetched(task.url, moved, 200, {"content-type": "text/html; charset=utf-8"}, body))
    assert stored is not None and stored.outcome == "new"
    with core.sessions() as s:
        urls = set(s.scalars(select(ArticleURL.url).where(ArticleURL.article_id == stored.article_id)))
    assert urls == {"http://news.example.test/tin-1.html", "http://news.example.test/chuyen/tin-1.html"}
    # another feed lists the redirect target with other trackers: the article is known, nothing is queued
    listed = _feed(core, [("Tin", "http://news.example.test/chuyen/tin-1.html?fbclid=x&utm_medium=social", T0)])
    assert listed == [] and _count(core, FrontierItem) == 1


def _rss(core: CrawlCore, task, items: list[tuple[str, str, datetime]]) -> list:  # type: ignore[no-untyped-def]
    body = pf.rss(items)
    return core.feed_fetched(task, Fetched(task.url, task.url, 200, {"content-type": "application/rss+xml"}, body))


def test_busy_publishers_latest_feed_stays_near_the_minimum_while_section_feeds_repeat_it(core: CrawlCore) -> None:
    from bantin.sources.registry import DEFAULT_SOURCES_FILE, load_sources_file

    [spec] = [s for s in load_sources_file(DEFAULT_SOURCES_FILE) if s.name == "VnExpress"]
    latest, *sections = spec.feeds
    assert len(sections) == 4 and latest.endswith("tin-moi-nhat.rss")
    with core.sessions() as s:
        upsert(s, spec)
        s.commit()
    seen: list[tuple[str, str, datetime]] = []
    for rnd in range(5):  # five polls: the latest feed has 3 new items each time, sections repeat them
        seen += [(f"Tin {rnd}-{i}", f"https://vnexpress.net/tin-{rnd}-{i}.html", T0) for i in range(3)]
        due = {t.url: t for t in core.due_feeds(LATER)}
        assert len(_rss(core, due[latest], seen[-20:])) == 3
        for url in sections:
            assert _rss(core, due[url], seen[-6:]) == []
    soon = datetime.now(UTC) + timedelta(seconds=core.poll.min_s + 30)
    assert latest in {t.url for t in core.due_feeds(soon)}  # polled again within the minimum, not hours later
    assert not {t.url for t in core.due_feeds(soon)} & set(sections)
    with core.sessions() as s:
        src = s.scalar(select(Source).where(Source.name == "VnExpress"))
        assert src is not None and src.poll_interval_s == core.poll.min_s and src.health == "ok"


def test_dead_feed_shows_as_dead_beside_a_healthy_sibling(core: CrawlCore) -> None:
    from bantin.sources import schedule
    from bantin.sources.registry import health_rows

    gone = "http://news.example.test/rss/chuyen-muc-cu.rss"
    with core.sessions() as s:
        upsert(s, SourceSpec(name="Báo Thử", feeds=(FEED, gone)))
        s.execute(update(Feed).where(Feed.url == gone).values(created_at=datetime.now(UTC) - timedelta(days=2)))
        s.commit()
    for i in range(schedule.DEAD_AFTER_FAILURES):
        due = {t.url: t for t in core.due_feeds(LATER)}
        core.feed_failed(due[gone], "HTTP 404", 404)
        _rss(core, due[FEED], [(f"Tin {i}", f"http://news.example.test/song-{i}.html", T0)])
    with core.sessions() as s:
        [row] = [r for r in health_rows(s) if r["name"] == "Báo Thử"]
    by_url = {f["url"]: f for f in row["feed_detail"]}
    assert row["health"] == "ok"
    assert by_url[FEED]["health"] == "ok" and by_url[FEED]["consecutive_failures"] == 0
    assert by_url[gone]["health"] == "dead" and by_url[gone]["consecutive_failures"] == schedule.DEAD_AFTER_FAILURES
    assert "HTTP 404" in by_url[gone]["last_error"]


def _maintenance(core: CrawlCore, task):  # type: ignore[no-untyped-def]
    body = b"<html><head><title>Bao tri</title></head><body><div></div></body></html>"  # 200, no article
    return _fetched(core, task, Fetched(task.url, task.url, 200, {"content-type": "text/html"}, body))


def test_a_page_without_article_text_is_retried_with_backoff_and_stored_once_it_has_text(core: CrawlCore) -> None:
    [task] = _feed(core, [("Tin", "http://news.example.test/bao-tri.html", T0)])
    task = replace(task, summary=None)  # nothing to fall back on
    assert _maintenance(core, task) is None
    with core.sessions() as s:
        item = s.scalar(select(FrontierItem).where(FrontierItem.url == task.url))
        assert item is not None and item.state == "pending" and item.attempts == 1
        assert item.next_attempt_at is not None and item.next_attempt_at > datetime.now(UTC)
    assert core.stats.get_value("ingest/article_no_text") == 1
    stored = _article(core, task, "Tin", pf.texts(1)[0], T0)  # the site is back
    assert stored is not None and stored.outcome == "new"
    assert _count(core, Article) == 1


def test_a_short_notice_served_with_200_is_no_article_and_cannot_swallow_the_next_item(core: CrawlCore) -> None:
    notice = "<html><body><p>Bảo trì hệ thống, vui lòng quay lại sau.</p></body></html>".encode()
    tasks = _feed(core, [("Tin một", "http://news.example.test/mot.html", T0), ("Tin hai", "http://news.example.test/hai.html", T0)])
    for task in tasks:
        task = replace(task, summary=None)
        assert _fetched(core, task, Fetched(task.url, task.url, 200, {"content-type": "text/html"}, notice)) is None
    with core.sessions() as s:
        assert [(i.state, i.attempts) for i in s.scalars(select(FrontierItem))] == [("pending", 1), ("pending", 1)]
    assert _count(core, Article) == 0 and core.stats.get_value("ingest/page_text_too_short") == 2
    texts = pf.texts(2)
    for task, text in zip(tasks, texts, strict=True):  # the site is back: each item stored with its own text
        assert _article(core, replace(task, summary=None), task.title or "", text, T0).outcome == "new"
    with core.sessions() as s:
        stored = {a.canonical_url: a.text for a in s.scalars(select(Article))}
    assert len(stored) == 2 and not any("Bảo trì" in t for t in stored.values())
    for task, text in zip(tasks, texts, strict=True):
        assert text.split(". ")[0][:60] in stored[task.url]


def test_a_page_that_never_has_text_is_given_up_after_the_no_text_attempts(core: CrawlCore) -> None:
    from bantin.ingest.frontier import NO_TEXT_ATTEMPTS

    [task] = _feed(core, [("Tin", "http://news.example.test/trong.html", T0)])
    task = replace(task, summary=None)
    states = []
    for _ in range(NO_TEXT_ATTEMPTS):
        _maintenance(core, task)
        with core.sessions() as s:
            states.append(s.scalar(select(FrontierItem.state).where(FrontierItem.url == task.url)))
    assert states == ["pending"] * (NO_TEXT_ATTEMPTS - 1) + ["failed"]
    assert core.stats.get_value("ingest/article_given_up") == 1


def test_the_feed_link_is_fetched_as_given_and_its_canonical_form_stays_the_identity(core: CrawlCore) -> None:
    given = "http://news.example.test/tin.aspx?id=5&cat=2&utm_source=rss"
    [task] = _feed(core, [("Tin", given, T0)])
    assert task.url == given and task.canonical == "http://news.example.test/tin.aspx?cat=2&id=5"
    assert _feed(core, [("Tin", "http://news.example.test/tin.aspx?cat=2&id=5", T0)]) == []  # same article
    stored = _article(core, task, "Tin", pf.texts(1)[0], T0)
    assert stored is not None
    with core.sessions() as s:
        assert s.scalar(select(Article.canonical_url)) == task.canonical
        assert task.canonical in set(s.scalars(select(ArticleURL.url)))


def test_a_feed_summary_is_stored_without_the_reporters_signature(core: CrawlCore) -> None:
    [task] = _feed(core, [("Tin", "http://news.example.test/ky-ten.html", T0)])
    signed = "Tỉnh Nghệ An khởi công tuyến đường ven biển dài 12 km qua ba huyện.\nVăn Dũng - TTXVN"
    task = replace(task, summary=signed)
    stored = _article(core, task, "Tin", pf.texts(1)[0], T0)
    assert stored is not None
    with core.sessions() as s:
        summary = s.scalar(select(Article.summary).where(Article.id == stored.article_id))
    assert summary is not None and "Văn Dũng" not in summary
    assert summary.startswith("Tỉnh Nghệ An khởi công") and summary.rstrip().endswith("TTXVN")
