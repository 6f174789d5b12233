"""Adaptive poll intervals and health, per feed, rolled up to the source.

Each feed keeps its own interval: a publisher's "latest" feed that brings new items on every poll stays
at the minimum while its section feeds, whose items the latest feed already brought, back off on their
own. One feed's success never clears a sibling's failures, so a dead feed shows as dead; the source
shows the best of its feeds (ok if any feed is ok; failing or dead only if every feed is).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bantin.app.settings import DEFAULT_POLL_MAX_S, DEFAULT_POLL_MIN_S
from bantin.store.schema import Feed, Source

# New feeds start at 15 min, a common feed TTL, and adapt from there (a first poll happens at once).
DEFAULT_POLL_S = 900
# Only duplicates / 304: back off gently (x1.5) so the next burst is not missed by much.
SLOW_DOWN_FACTOR = 1.5
# ...but only once the feed has brought nothing new for this many intervals: a feed publishing every 8 s polled
# every 5 s has every other poll empty, and backing off at each one put it at 7.5 s half the time (the freshness
# bench's 1.5 s publisher: p95 10.4 s against a 10.5 s bound). A feed that stopped still backs off two polls later.
QUIET_INTERVALS_BEFORE_BACKOFF = 2
# Failures back off faster (x2) so a broken host is not hammered.
FAILURE_FACTOR = 2.0
# A feed that succeeds but brings nothing new for 3 days is "quiet" (probably moved or abandoned).
QUIET_AFTER = timedelta(days=3)
# Ten failures in a row spanning at least a day: "dead"; a human should look at the URL.
DEAD_AFTER_FAILURES = 10
DEAD_AFTER = timedelta(days=1)
# The next poll is due an interval after this one was sent, not after its answer came back (a publisher that
# took 1.5 s to answer was polled every interval + 1.5 s); at most half an interval is credited, so a publisher
# slower than that is still given a pause between polls rather than polled back to back.
RESPONSE_CREDIT_MAX = 0.5
# Roll-up order, best first: the source shows the best state any of its feeds is in.
HEALTH_ORDER = ("ok", "quiet", "new", "failing", "dead")


@dataclass(frozen=True)
class PollBounds:
    """The operator's poll interval bounds (BANTIN_POLL_MIN_S / BANTIN_POLL_MAX_S)."""

    min_s: int = DEFAULT_POLL_MIN_S
    max_s: int = DEFAULT_POLL_MAX_S

    def clamp(self, seconds: float) -> int:
        return int(min(self.max_s, max(self.min_s, seconds)))


DEFAULT_BOUNDS = PollBounds()


def on_success(feed: Feed, now: datetime, new_items: int, bounds: PollBounds = DEFAULT_BOUNDS,
               response_s: float = 0.0) -> None:
    """A feed fetch worked (200 or 304); ``new_items`` is how many items were new to bantin.

    New items mean items appeared since the last poll, so the feed goes straight to the minimum (and
    stays there while it keeps bringing new items); nothing new backs off by :data:`SLOW_DOWN_FACTOR` once the
    last new item is more than :data:`QUIET_INTERVALS_BEFORE_BACKOFF` intervals old.
    The next poll is due an interval after this one was sent (``response_s`` before ``now``), capped by
    :data:`RESPONSE_CREDIT_MAX`.
    """
    interval = feed.poll_interval_s or DEFAULT_POLL_S
    if new_items > 0:
        feed.poll_interval_s = bounds.min_s
        feed.last_new_item_at = now
    else:
        last = feed.last_new_item_at
        recent = last is not None and (now - last).total_seconds() <= interval * QUIET_INTERVALS_BEFORE_BACKOFF
        feed.poll_interval_s = bounds.clamp(interval if recent else interval * SLOW_DOWN_FACTOR)
    feed.last_success_at = now
    feed.consecutive_failures = 0
    credit = min(max(response_s, 0.0), feed.poll_interval_s * RESPONSE_CREDIT_MAX)
    feed.next_poll_at = now + timedelta(seconds=feed.poll_interval_s - credit)
    since_new = now - (feed.last_new_item_at or feed.created_at or now)
    feed.health = "quiet" if since_new > QUIET_AFTER else "ok"


def on_failure(feed: Feed, now: datetime, error: str, retry_after_s: float | None = None,
               bounds: PollBounds = DEFAULT_BOUNDS) -> None:
    """A feed fetch failed (network, HTTP error, unparseable, refused); a Retry-After is honoured."""
    feed.consecutive_failures = (feed.consecutive_failures or 0) + 1
    feed.last_error = error[:2000]
    feed.last_error_at = now
    wait = bounds.clamp((feed.poll_interval_s or DEFAULT_POLL_S) * FAILURE_FACTOR)
    if retry_after_s:
        wait = max(wait, int(retry_after_s))
    feed.poll_interval_s = min(wait, bounds.max_s)
    feed.next_poll_at = now + timedelta(seconds=wait)
    first_bad = now - (feed.last_success_at or feed.created_at or now)
    dead = feed.consecutive_failures >= DEAD_AFTER_FAILURES and first_bad >= DEAD_AFTER
    feed.health = "dead" if dead else "failing"


def rolled_up_health(states: Sequence[str]) -> str:
    """The source's health: the best of its feeds' (ok if any is ok; dead only if all are)."""
    ranked = [HEALTH_ORDER.index(h) for h in states if h in HEALTH_ORDER]
    return HEALTH_ORDER[min(ranked)] if ranked else "new"


def rollup(source: Source, feeds: Sequence[Feed]) -> None:
    """Copy the roll-up of the feeds onto the source's columns (what `sources check` and old readers see)."""
    if not feeds:
        return
    source.health = rolled_up_health([f.health for f in feeds])
    source.poll_interval_s = min(f.poll_interval_s or DEFAULT_POLL_S for f in feeds)
    pending = [f.next_poll_at for f in feeds]
    source.next_poll_at = None if None in pending else min(p for p in pending if p is not None)
    source.last_success_at = max((f.last_success_at for f in feeds if f.last_success_at), default=None)
    source.last_new_item_at = max((f.last_new_item_at for f in feeds if f.last_new_item_at), default=None)
    # a source fails in a row only while every one of its feeds does
    source.consecutive_failures = min(f.consecutive_failures or 0 for f in feeds)
    errored = [f for f in feeds if f.last_error_at is not None]
    if errored:
        latest = max(errored, key=lambda f: f.last_error_at)  # type: ignore[arg-type, return-value]
        source.last_error_at, source.last_error = latest.last_error_at, latest.last_error
