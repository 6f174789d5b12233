"""``GET /api/v1/health`` (anonymous): is the database reachable, is the crawler alive, the queue size."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import func, select

from bantin.api.roles import ANONYMOUS, requires
from bantin.store.office import OPEN_STATES, Story
from bantin.store.schema import Feed, FetchLog
from bantin.store.types import utcnow

router = APIRouter(tags=["health"])

# The crawler fetches something at least every few minutes while any feed is due; 15 minutes of silence
# (three heartbeats) means it is not running, when no supervisor reports on it.
CRAWLER_SILENCE = timedelta(minutes=15)


class Health(BaseModel):
    status: str  # ok | degraded | down
    database: bool
    crawler_alive: bool | None
    last_fetch_at: datetime | None
    last_successful_poll_at: datetime | None
    queue_open: int | None
    detail: str | None = None
    # from `bantin serve`'s supervisor (None when the crawler runs on its own, or not at all: --no-crawl)
    crawler_restarts: int | None = None
    crawler_last_exit: int | None = None  # exit code; negative: killed by that signal
    crawler_last_exit_at: datetime | None = None


@router.get("/health", response_model=Health, dependencies=[requires(ANONYMOUS)])
def health(request: Request) -> JSONResponse | Health:
    ctx = request.app.state.ctx
    try:
        with ctx.read_sessions() as s:
            last_fetch = s.scalar(select(func.max(FetchLog.at)))
            last_ok = s.scalar(select(func.max(Feed.last_success_at)))
            queue_open = s.scalar(select(func.count()).select_from(Story).where(Story.state.in_(OPEN_STATES)))
    except Exception as exc:  # noqa: BLE001 - any database failure is "down", said in one line
        body = Health(status="down", database=False, crawler_alive=None, last_fetch_at=None,
                      last_successful_poll_at=None, queue_open=None, detail=type(exc).__name__)
        return JSONResponse(body.model_dump(mode="json"), status_code=503)
    supervisor = getattr(request.app.state, "supervisor", None)
    restarts = last_code = last_at = None
    if supervisor is not None:
        alive: bool | None = bool(supervisor.alive())
        restarts, last_exit = supervisor.restarts, supervisor.last_exit
        if last_exit is not None:
            last_code, last_at = last_exit.code, last_exit.at
    else:
        alive = last_fetch is not None and utcnow() - last_fetch < CRAWLER_SILENCE
    return Health(status="ok" if alive else "degraded", database=True, crawler_alive=alive,
                  last_fetch_at=last_fetch, last_successful_poll_at=last_ok, queue_open=queue_open,
                  crawler_restarts=restarts, crawler_last_exit=last_code, crawler_last_exit_at=last_at)
