"""Rendering pages: one Jinja2 environment (autoescaped, gettext through web/i18n.py), the context every
page gets (who is signed in, what their role allows, the masked CSRF token, the language), and the
Content-Security-Policy of HTML answers (no inline script or style: htmx and app.js are files)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bantin import __version__
from bantin.api.roles import CSRF_HEADER, RANK, Principal
from bantin.web import csrf, i18n

TEMPLATES = Path(__file__).parent / "templates"
# Scripts and styles only from our own static files; images may be data: URIs (none are remote);
# htmx talks to this origin only; no framing; forms post here only.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
PAGE_HEADERS = {"Content-Security-Policy": CSP, "Referrer-Policy": "same-origin", "Cache-Control": "no-store"}

env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(("html", "svg")),
                  extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
env.install_gettext_callables(  # type: ignore[attr-defined]
    lambda m: i18n.translations(i18n.current_locale()).gettext(m),
    lambda s, p, n: i18n.translations(i18n.current_locale()).ngettext(s, p, n), newstyle=True)
env.filters.update(dt=i18n.fmt_datetime, date=i18n.fmt_date, num=i18n.fmt_number, pct=i18n.fmt_percent)


def page_context(request: Request) -> dict[str, Any]:
    me: Principal | None = getattr(request.state, "principal", None)

    def can(role: str) -> bool:
        return me is not None and RANK[me.role] >= RANK[role]

    token = me.csrf_token if me is not None else None
    masked = csrf.mask(token) if token else ""
    return {"request": request, "me": me, "can": can, "csrf_token": masked, "csrf_header": CSRF_HEADER,
            "lang": i18n.current_locale(), "version": __version__, "path": request.url.path,
            "htmx": request.headers.get("hx-request") == "true"}


def render(request: Request, template: str, status_code: int = 200, headers: dict[str, str] | None = None,
           **context: Any) -> HTMLResponse:
    """The page (or, for an htmx request, whatever fragment ``template`` is) in the reader's language."""
    html = env.get_template(template).render(**page_context(request), **context)
    return HTMLResponse(html, status_code=status_code, headers={**PAGE_HEADERS, **(headers or {})})
