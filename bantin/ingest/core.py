"""What the crawler does with each response, as plain functions over the database (no Twisted here).

Each handler runs one transaction that holds both the effect and its fetch-log record, so a crawler
killed at any moment either did both or neither, and the next run redoes what is missing.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, or_, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bantin.app.stats import StatsLike
from bantin.extract.byline import strip_bylines
from bantin.feeds.parse import parse_feed
from bantin.ingest import frontier
from bantin.ingest.store import IngestResult, NewArticle, ingest
from bantin.search.index import index_articles
from bantin.sources import schedule
from bantin.store.schema import Feed, FetchLog, Source
from bantin.store.types import utcnow

# What store_many hands back for each page: its result, or the exception that page could not get past.
StoreOutcome = IngestResult | None | Exception
# A handler that loses a unique-constraint race to another process retries; the retry sees the row.
TX_RETRIES = 3
# 4xx other than these means "this URL is gone": no point retrying the article later.
RETRYABLE_4XX = {408, 425, 429}


# A page whose extracted text is shorter than this is not an article but a notice served with 200 ("Bảo trì hệ
# thống", a login wall): stored, it became the item's text, and the next item's notice was then an exact duplicate
# of it and lost (bench/soak.py). Real news texts run to 1,000+ characters, the shortest real page under
# ../shared/data/crawl/pages to 445; a feed summary (100-300) stands in when it is longer.
MIN_PAGE_TEXT_CHARS = 100


@dataclass(frozen=True)
class FeedTask:
    feed_id: int
    source_id: int
    url: str
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class Fetched:
    """A finished HTTP exchange, as the fetch layer reports it."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    body: bytes
    elapsed_s: float = 0.0


class CrawlCore:
    def __init__(self, sessions: sessionmaker[Session], stats: StatsLike,
                 poll: schedule.PollBounds = schedule.DEFAULT_BOUNDS):
        # nothing to load: the near-duplicate lookup is the shared article_bands table (ingest.neardup)
        self.sessions = sessions
        self.stats = stats
        self.poll = poll

    def _tx(self, fn: Any, *args: Any) -> Any:
        for attempt in range(TX_RETRIES):
            with self.sessions() as session:
                try:
                    out = fn(session, *args)
                    session.commit()
                    return out
                except (IntegrityError, OperationalError):
                    session.rollback()
                    if attempt == TX_RETRIES - 1:
                        raise
                    self.stats.inc_value("db/tx_retry")
                    time.sleep(0.05 * (attempt + 1))
        return None

    # ---- feeds ----
    def due_feeds(self, now: datetime | None = None) -> list[FeedTask]:
        """Feeds of enabled sources whose own next poll has come (each feed keeps its own schedule)."""
        now = now or utcnow()
        with self.sessions() as s:
            rows = s.execute(
                select(Feed.id, Feed.source_id, Feed.url, Feed.etag, Feed.last_modified)
                .join(Source)
                .where(Source.enabled.is_(True), Feed.enabled.is_(True))
                .where(or_(Feed.next_poll_at.is_(None), Feed.next_poll_at <= now))
                .order_by(Feed.next_poll_at.nulls_first(), Feed.id)
            ).all()
        self.stats.inc_value("feed/due", len(rows))
        return [FeedTask(*r) for r in rows]

    def next_feed_due(self, now: datetime | None = None) -> datetime | None:
        """When the next feed of an enabled source falls due after ``now`` (None: nothing is scheduled later)."""
        now = now or utcnow()
        with self.sessions() as s:
            due: datetime | None = s.scalar(
                select(func.min(Feed.next_poll_at)).join(Source)
                .where(Source.enabled.is_(True), Feed.enabled.is_(True), Feed.next_poll_at > now))
        return due

    def _succeeded(self, feed: Feed, source: Source, now: datetime, new_items: int, response_s: float) -> None:
        schedule.on_success(feed, now, new_items, self.poll, response_s)
        schedule.rollup(source, source.feeds)
        self.stats.inc_value("feed/poll_sooner" if new_items else "feed/poll_later")

    def _failed(self, feed: Feed, source: Source, now: datetime, error: str, retry_after_s: float | None) -> None:
        schedule.on_failure(feed, now, error, retry_after_s, self.poll)
        schedule.rollup(source, source.feeds)
        self.stats.inc_value(f"feed/health_{feed.health}")

    def feed_fetched(self, task: FeedTask, res: Fetched) -> list[frontier.ArticleTask]:
        return self._tx(self._feed_fetched, task, res)  # type: ignore[no-any-return]

    def _feed_fetched(self, s: Session, task: FeedTask, res: Fetched) -> list[frontier.ArticleTask]:
        now = utcnow()
        feed, source = s.get(Feed, task.feed_id), s.get(Source, task.source_id)
        assert feed is not None and source is not None
        feed.last_fetched_at, feed.last_status = now, res.status
        log = FetchLog(source_id=source.id, url=task.url, kind="feed", status=res.status, at=now,
                       bytes=len(res.body), duration_ms=int(res.elapsed_s * 1000), outcome="ok")
        s.add(log)
        if res.status == 304:
            self.stats.inc_value("feed/not_modified")
            log.outcome, log.items_total, log.items_new = "not_modified", 0, 0
            self._succeeded(feed, source, now, 0, res.elapsed_s)
            return []
        parsed = parse_feed(res.body, res.final_url or task.url, res.headers.get("content-type"), res.headers, self.stats)
        if not parsed.items and parsed.error:
            log.outcome, log.error = "unparseable", parsed.error
            self._failed(feed, source, now, f"{task.url}: {parsed.error}", None)
            return []
        if parsed.kind == "sitemap_index":
            # children are sitemaps, not articles: poll them as feeds of the same source
            added = _add_child_feeds(s, source.id, [i.url for i in parsed.items])
            self.stats.inc_value("feed/child_sitemaps_added", added)
            new: list[frontier.ArticleTask] = []
        else:
            new = frontier.enqueue(s, source.id, parsed.items, self.stats)
        feed.etag = res.headers.get("etag") or None
        feed.last_modified = res.headers.get("last-modified") or None
        log.outcome = "ok_bozo" if parsed.bozo else "ok"
        log.items_total, log.items_new = len(parsed.items), len(new)
        self._succeeded(feed, source, now, len(new), res.elapsed_s)
        return new

    def feed_failed(self, task: FeedTask, error: str, status: int | None = None,
                    retry_after_s: float | None = None, outcome: str = "error") -> None:
        def run(s: Session) -> None:
            now = utcnow()
            feed, source = s.get(Feed, task.feed_id), s.get(Source, task.source_id)
            s.add(FetchLog(source_id=task.source_id, url=task.url, kind="feed", status=status, at=now,
                           outcome=outcome, error=error[:2000]))
            if feed is not None and source is not None:
                self._failed(feed, source, now, f"{task.url}: {error}", retry_after_s)
        self._tx(run)

    # ---- articles ----
    def due_articles(self, limit: int = frontier.DUE_BATCH) -> list[frontier.ArticleTask]:
        with self.sessions() as s:
            return frontier.due(s, limit=limit)

    @staticmethod
    def feed_hint(task: frontier.ArticleTask) -> dict[str, Any]:
        """What the feed item said: the page's fallbacks for title, summary, date and language."""
        return {"title": task.title, "summary": task.summary, "published": task.published, "language": task.language}

    def store_extracted(self, task: frontier.ArticleTask, res: Fetched, ex: Any) -> IngestResult | None:
        """Store an extracted page (falling back to the feed summary when the page had no text)."""
        result: IngestResult | None = self._tx(self._article_fetched, *self._with_text(task, ex), res, ex)
        return result

    def store_many(self, items: Sequence[tuple[frontier.ArticleTask, Fetched, Any]]) -> list[StoreOutcome]:
        """``store_extracted`` for several pages in one transaction (``ingest.storegroups``): one commit instead of
        one per page. A group that fails (a unique-constraint race with another crawler, a locked database,
        one page's bug) is rolled back whole and stored again page by page, each with its own retries; a page
        that still fails gets its exception back in its place, and the others are stored."""
        prepared = [(*self._with_text(task, ex), res, ex) for task, res, ex in items]
        if len(prepared) > 1:
            try:
                with self.sessions() as s:
                    search: list[Any] = []
                    out: list[StoreOutcome] = [self._article_fetched(s, *p, search_rows=search) for p in prepared]
                    index_articles(s, search)  # last: FTS5 then flushes its terms once for the group
                    s.commit()
                return out
            except Exception:  # noqa: BLE001 - the pages are stored one by one below, each with its own error
                self.stats.inc_value("ingest/group_split")
        results: list[StoreOutcome] = []
        for p in prepared:
            try:
                results.append(self._tx(self._article_fetched, *p))
            except Exception as exc:  # noqa: BLE001 - handed back to that page's caller, who records it
                results.append(exc)
        return results

    def _with_text(self, task: frontier.ArticleTask, ex: Any) -> tuple[frontier.ArticleTask, str]:
        """The task with its feed summary cleaned, and the text to store: the page's, else the feed summary (a
        page text under MIN_PAGE_TEXT_CHARS is no article: without a longer summary the page is retried)."""
        text = (ex.text or "").strip()
        if task.summary:  # the feed's summary is stored too: no reporter's name in it (docs/principles.md, 1)
            task = replace(task, summary=strip_bylines(task.summary, vietnamese=(ex.language or task.language) == "vi",
                                                       stats=self.stats))
        if len(text) < MIN_PAGE_TEXT_CHARS:
            summary = (task.summary or "").strip()
            if len(summary) > len(text):
                self.stats.inc_value("ingest/text_from_feed_summary")
                return task, summary
            self.stats.inc_value("ingest/page_text_too_short" if text else "ingest/page_without_text")
            return task, ""
        return task, ex.text

    def _article_fetched(self, s: Session, task: frontier.ArticleTask, text: str, res: Fetched,
                         ex: Any, search_rows: list[Any] | None = None) -> IngestResult | None:
        log: dict[str, Any] = {"source_id": task.source_id, "url": task.url, "kind": "article", "status": res.status,
               "bytes": len(res.body), "duration_ms": int(res.elapsed_s * 1000), "outcome": "ok", "error": None}
        if not text.strip():
            log["outcome"], log["error"] = "no_text", "no article text found in the page or the feed item"
            # a maintenance page served with 200 looks like this: retried with backoff, then given up
            self.stats.inc_value("ingest/article_no_text")
            frontier.mark_failed(s, task.frontier_id, log["error"], False, self.stats, frontier.NO_TEXT_ATTEMPTS)
            s.connection().execute(_INSERT_FETCH_LOG, log)
            return None
        art = NewArticle(
            canonical_url=ex.canonical_url or task.canonical or task.url,
            urls=tuple(u for u in (task.canonical, task.url, res.url, res.final_url, *ex.aliases) if u),
            title=ex.title or task.title, text=text, summary=task.summary or ex.description,
            published=ex.published or task.published, language=ex.language or task.language, source_id=task.source_id,
        )
        result = ingest(s, art, self.stats, search_rows)
        log["outcome"] = "ok" if result.outcome == "new" else result.outcome
        conn = s.connection()  # Core statements, as ingest's: the ORM's unit of work adds nothing to two rows
        conn.execute(_INSERT_FETCH_LOG, log)
        frontier.mark_done(conn, task.frontier_id, result.article_id)
        return result

    def article_failed(self, task: frontier.ArticleTask, error: str, status: int | None = None,
                       outcome: str = "error") -> None:
        permanent = status is not None and 400 <= status < 500 and status not in RETRYABLE_4XX
        # robots.txt that says "disallow" (2xx rules) is final; an unreachable or 5xx robots.txt is not
        robots_final = outcome == "robots_forbidden" and error.rstrip().endswith("2xx")
        permanent = permanent or robots_final or outcome in {"refused", "too_large"}

        def run(s: Session) -> None:
            s.add(FetchLog(source_id=task.source_id, url=task.url, kind="article", status=status,
                           outcome=outcome, error=error[:2000]))
            frontier.mark_failed(s, task.frontier_id, error, permanent, self.stats)
        self._tx(run)


# the fetch-log row of a stored article, written with the article (the same columns the ORM wrote)
_INSERT_FETCH_LOG = insert(FetchLog)


# A sitemap index can list thousands of sitemaps; the newest few cover what a news monitor needs.
MAX_CHILD_SITEMAPS = 20


def _add_child_feeds(s: Session, source_id: int, urls: list[str]) -> int:
    known = set(s.scalars(select(Feed.url).where(Feed.url.in_(urls[:MAX_CHILD_SITEMAPS]))))
    added = 0
    for url in urls[:MAX_CHILD_SITEMAPS]:
        if url not in known:
            s.add(Feed(source_id=source_id, url=url))
            added += 1
    return added

