"""Wiring the web UI into the app: static files, the language of each request, HTML errors for pages
(the API keeps its JSON ones), gzip for every answer (the queue's first load has a 200 KB budget)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from bantin.api.errors import json_http_error, json_unexpected
from bantin.web import i18n
from bantin.web.guard import LoginRequired, login_url
from bantin.web.templating import render

log = logging.getLogger("bantin.web")
STATIC = __import__("pathlib").Path(__file__).parent / "static"
# Answers smaller than this are sent as they are (gzip's header costs more than it saves).
GZIP_MIN_BYTES = 800
# zlib level 5: within a few per cent of level 9 (Starlette's default) on our pages at about half its CPU time.
GZIP_LEVEL = 5
API_PATHS = ("/api/", "/openapi.json")


# Static files linked with ?v=<version> never change under that address: browsers keep them a year.
# Without ?v= (the favicon, a hand-typed address) they revalidate with the ETag StaticFiles sends.
STATIC_IMMUTABLE = "public, max-age=31536000, immutable"
STATIC_REVALIDATE = "no-cache"


class VersionedStatic(StaticFiles):
    """StaticFiles with the Cache-Control above (StaticFiles itself sends only ETag and Last-Modified)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            versioned = b"v=" in scope.get("query_string", b"")
            response.headers["Cache-Control"] = STATIC_IMMUTABLE if versioned else STATIC_REVALIDATE
        return response


def is_page(request: Request) -> bool:
    return not request.url.path.startswith(API_PATHS)


class LocaleMiddleware:
    """The language of this request from the toggle's cookie (Vietnamese when there is none)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            cookie = None
            for name, value in scope.get("headers") or []:
                if name == b"cookie":
                    for part in value.decode("latin-1").split(";"):
                        key, _, val = part.strip().partition("=")
                        if key == i18n.LANG_COOKIE:
                            cookie = val
            i18n.set_locale(i18n.pick_locale(cookie))
        await self.app(scope, receive, send)


def _error_page(request: Request, status: int, reason: str = "") -> Response:
    return render(request, "error.html", status_code=status, status=status, reason=reason)


def install_web(app: FastAPI, security_headers: dict[str, str]) -> None:
    from bantin.web.routes import ROUTERS

    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", VersionedStatic(directory=STATIC), name="static")

    async def login_required(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LoginRequired)
        target = login_url(exc.next_url)
        if request.headers.get("hx-request") == "true":
            return Response(status_code=401, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if not is_page(request):
            return await json_http_error(request, exc)
        return _error_page(request, exc.status_code, str(exc.detail))

    async def invalid(request: Request, exc: Exception) -> Response:
        if not is_page(request):
            from fastapi.exception_handlers import request_validation_exception_handler

            return await request_validation_exception_handler(request, exc)  # type: ignore[arg-type]
        return _error_page(request, 422, "invalid")

    async def unexpected(request: Request, exc: Exception) -> Response:
        if not is_page(request):
            return await json_unexpected(request, exc, security_headers)
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _error_page(request, 500)

    handlers: dict[Any, Any] = {LoginRequired: login_required, StarletteHTTPException: http_error,
                                RequestValidationError: invalid, Exception: unexpected}
    for exc_class, handler in handlers.items():
        app.add_exception_handler(exc_class, handler)
    app.add_middleware(LocaleMiddleware)
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MIN_BYTES, compresslevel=GZIP_LEVEL)
