"""The sources page ``/sources``: the health table every role reads (as `bantin sources check` and
GET /api/v1/sources: rolled-up health, last success and error, items per day and the 304 ratio over the
last 7 days, each feed's own row in a <details>), and for admins adding a source by URL (feed
autodiscovery from a home page) and disabling or enabling one.

The changes call the API's route functions (api/routes/sources.py): the same fetch rules (robots, SSRF and
loopback, size caps, in a child process), the same audit rows ("sources.add", "sources.update").
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from bantin.api.deps import CtxDep, CurrentUser, SessionDep
from bantin.api.ids import MAX_INT32_ID
from bantin.api.routes.sources import add_source, sources_public, update_source
from bantin.api.schemas.sources import MAX_SOURCE_NAME_CHARS, SourceAdded, SourceCreate, SourceUpdate
from bantin.store.schema import URL_MAX
from bantin.web.guard import page
from bantin.web.i18n import _
from bantin.web.templating import render

router = APIRouter(include_in_schema=False)
# Health states, worst first: the table lists failing and dead sources before the healthy ones.
HEALTH_ORDER = ("dead", "failing", "quiet", "new", "ok")
# The health states' labels (English msgids; sources.po translates them): sources/schedule.py's states.
HEALTH_LABELS = {"ok": "working", "quiet": "quiet", "failing": "failing", "dead": "dead", "new": "new"}
# Characters of an error shown in the table (the full text is in the feed's row and the title attribute).
ERROR_LINE_CHARS = 140


def _one_line(text: str | None, limit: int = ERROR_LINE_CHARS) -> str | None:
    if not text:
        return None
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _page(request: Request, ctx: Any, status: int = 200, **extra: Any) -> Response:
    with ctx.read_sessions() as r:
        rows = sources_public(r)
    rows.sort(key=lambda x: (HEALTH_ORDER.index(x.health) if x.health in HEALTH_ORDER else 0, x.name))
    counts = {h: sum(1 for x in rows if x.health == h) for h in HEALTH_ORDER}
    return render(request, "sources.html", status_code=status, sources=rows, counts=counts, one_line=_one_line, health_labels=HEALTH_LABELS,
                  **{"url": "", "name": "", "added": None, "error": None, **extra})


@router.get("/sources", dependencies=[page("viewer")])
def sources_page(request: Request, ctx: CtxDep) -> Response:
    return _page(request, ctx)


@router.post("/sources", dependencies=[page("admin")])
def add_by_url(request: Request, ctx: CtxDep, me: CurrentUser,
               url: Annotated[str, Form(max_length=URL_MAX)] = "",
               name: Annotated[str, Form(max_length=MAX_SOURCE_NAME_CHARS)] = "") -> Response:
    typed = {"url": url, "name": name}
    try:
        body = SourceCreate(url=url.strip(), name=name.strip() or None)
    except ValidationError:
        return _page(request, ctx, 422, error=_("This is not a web address (http:// or https://)."), **typed)
    try:
        added: SourceAdded = add_source(body, ctx, me)
    except HTTPException as exc:
        message = _one_line(str(exc.detail), 300) or ""
        return _page(request, ctx, exc.status_code, error=_("The source was not added: %(why)s", why=message),
                     **typed)
    return _page(request, ctx, added=added)


@router.post("/sources/{source_id}/enabled", dependencies=[page("admin")])
def set_enabled(source_id: int, s: SessionDep, me: CurrentUser,
                enabled: Annotated[str, Form(max_length=5)] = "") -> Response:
    if not 1 <= source_id <= MAX_INT32_ID or enabled not in ("true", "false"):
        raise HTTPException(404, "source")
    update_source(source_id, SourceUpdate(enabled=enabled == "true"), s, me)
    return RedirectResponse("/sources", status_code=303)
