"""The FastAPI application: routers under ``/api/v1``, protections (api/security.py), JSON errors (never a
stack trace, api/errors.py)."""

from __future__ import annotations

from fastapi import FastAPI

from bantin import __version__
from bantin.app.context import AppContext

API_PREFIX = "/api/v1"


def create_app(ctx: AppContext) -> FastAPI:
    from bantin.api.errors import install_errors
    from bantin.api.routes import (
        articles,
        audit,
        auth,
        exports,
        health,
        models,
        reports,
        rules,
        schema,
        searches,
        sources,
        users,
    )
    from bantin.api.routes.review import labels, responses, stories, story_actions
    from bantin.api.security import install_security, security_headers

    app = FastAPI(title="bantin", version=__version__, openapi_url=None, docs_url=None,
                  redoc_url=None, debug=False,
                  description="bantin — theo dõi báo chí cho tỉnh (press monitoring for a province's office)")
    app.state.ctx = ctx
    # the queue and the article listing first: a request is matched against the routers in this order
    # (each one passed over cost ~15 us), and those are what the office's pages ask for most
    for module in (stories, story_actions, articles, health, auth, users, audit, rules, responses, searches,
                   sources, models, labels, reports, exports):
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(schema.router)  # /openapi.json and /api/docs, for signed-in users
    install_errors(app, security_headers())
    from bantin.web.app import install_web

    install_web(app, security_headers())  # the pages (HTML errors for them; the API keeps JSON)
    install_security(app, ctx.settings)
    return app
