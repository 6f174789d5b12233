"""The FastAPI application: routers under ``/api/v1``, JSON errors (never a stack trace)."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from bantin import __version__
from bantin.app.context import AppContext

API_PREFIX = "/api/v1"
log = logging.getLogger("bantin.api")


def create_app(ctx: AppContext) -> FastAPI:
    from bantin.api.routes import articles, auth, health, searches

    app = FastAPI(title="bantin", version=__version__, openapi_url="/openapi.json", docs_url="/api/docs",
                  redoc_url=None,
                  description="bantin — theo dõi báo chí cho tỉnh (press monitoring for a province's office)")
    app.state.ctx = ctx
    for module in (health, auth):
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(articles.router, prefix=API_PREFIX)
    app.include_router(searches.router, prefix=API_PREFIX)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "lỗi máy chủ (internal error; it was logged)"}, status_code=500)

    return app
