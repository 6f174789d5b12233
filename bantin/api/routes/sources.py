"""Sources: the health table (viewer), adding one by URL with feed autodiscovery, and changing one (admin).

Routes are sync ``def`` (FastAPI runs them in its threadpool). Adding fetches through
:func:`bantin.sources.add.add_source`, exactly as `bantin sources add` does: the fetch runs the full Scrapy
stack (robots, SSRF and loopback rules, size caps) in a child process (:mod:`bantin.fetch.oneoff`), so the
server process never needs a Twisted reactor. Every change is audited in its own transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from fastapi import APIRouter, HTTPException
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bantin.api.deps import CtxDep, CurrentUser, ReadSessionDep, SessionDep
from bantin.api.ids import Int32Id
from bantin.api.listing.pagination import CursorQ, LimitQ, Page, decode_cursor, encode_cursor
from bantin.api.roles import requires
from bantin.api.schemas.sources import SourceAdded, SourceCreate, SourcePublic, SourceUpdate
from bantin.app import audit
from bantin.store.schema import Source

router = APIRouter(prefix="/sources", tags=["sources"])


def sources_public(session: Session, names: set[str] | None = None) -> list[SourcePublic]:
    """The rows of `bantin sources check` (sorted by name), with each source's id and kind."""
    from bantin.sources.registry import health_rows

    ids = {name: (sid, kind) for sid, name, kind in session.execute(select(Source.id, Source.name, Source.kind))}
    out = []
    for row in health_rows(session):
        if names is not None and row["name"] not in names:
            continue
        sid, kind = ids[row["name"]]
        out.append(SourcePublic(id=sid, kind=kind, feeds=row["feed_detail"],
                                **{k: v for k, v in row.items() if k not in ("feeds", "feed_detail")}))
    return out


@router.get("", response_model=Page[SourcePublic], dependencies=[requires("viewer")])
def list_sources(s: ReadSessionDep, limit: LimitQ = 50, cursor: CursorQ = None) -> Page[SourcePublic]:
    """Tình trạng nguồn tin (source health, last 7 days; each feed's own below), by name."""
    after = decode_cursor(cursor, 1)
    rows = [r for r in sources_public(s) if after is None or r.name > str(after[0])]
    page = rows[:limit]
    more = len(rows) > limit
    return Page(items=page, next_cursor=encode_cursor(page[-1].name) if more and page else None)


@contextmanager
def _audited(sessions: sessionmaker[Session], actor: str, **detail: Any) -> Iterator[Session]:
    """A write session whose transaction already holds the audit row (the add commits both, or neither)."""
    with sessions() as s:
        audit.record(s, actor, "sources.add", **detail)
        yield s


@router.post("", response_model=SourceAdded, status_code=201, dependencies=[requires("admin")])
def add_source(body: SourceCreate, ctx: CtxDep, me: CurrentUser) -> SourceAdded:
    """Thêm nguồn từ URL feed hoặc trang chủ (add a source; feeds are autodiscovered from a home page)."""
    from bantin.sources.add import AddSourceError
    from bantin.sources.add import add_source as add

    url = body.url.strip()
    factory = cast(sessionmaker[Session], lambda: _audited(ctx.sessions, me.actor, url=url, name=body.name))
    try:
        added = add(ctx.settings, factory, url, body.name)
    except AddSourceError as exc:  # not a URL, not fetchable (robots, SSRF, HTTP error), no readable feed
        raise HTTPException(422, " ".join(str(exc).split())) from None
    except ValueError as exc:  # urlsplit: "http://[" and the like
        raise HTTPException(422, f"URL không hợp lệ (invalid URL): {exc}") from None
    except RuntimeError as exc:
        raise HTTPException(503, "không chạy được bộ tải (the fetcher could not run; it was logged)") from exc
    with ctx.read_sessions() as s:
        source = sources_public(s, {added.name})[0]
    return SourceAdded(source=source, new_feeds=added.new_feeds, known_feeds=added.known_feeds)


@router.patch("/{source_id}", response_model=SourcePublic, dependencies=[requires("admin")])
def update_source(source_id: Int32Id, body: SourceUpdate, s: SessionDep, me: CurrentUser) -> SourcePublic:
    """Bật / tắt, đổi tên, đổi chu kỳ (enable or disable, rename, change the poll interval; audited)."""
    src = s.get(Source, source_id)
    if src is None:
        raise HTTPException(404, "không tìm thấy nguồn (source not found)")
    changes: dict[str, Any] = {}
    if body.name is not None and body.name != src.name:
        name = body.name
        if s.scalar(select(Source.id).where(Source.name == name, Source.id != src.id)) is not None:
            raise HTTPException(409, f"đã có nguồn tên này (a source is already named) {name!r}")
        changes["name"] = [src.name, name]
        src.name = name
    if body.enabled is not None and body.enabled != src.enabled:
        changes["enabled"] = [src.enabled, body.enabled]
        src.enabled = body.enabled
    if body.poll_minutes is not None and body.poll_minutes * 60 != src.poll_interval_s:
        seconds = body.poll_minutes * 60
        changes["poll_interval_s"] = [src.poll_interval_s, seconds]
        src.poll_interval_s = seconds
        for feed in src.feeds:  # the starting point, as `sources sync` does: each feed then adapts on its own
            feed.poll_interval_s = seconds
    if changes:
        audit.record(s, me.actor, "sources.update", audit_target=f"source:{src.id}", **changes)
        s.commit()
    return sources_public(s, {src.name})[0]
