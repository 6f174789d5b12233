"""The pages, one module per area; each route declares its least role with ``page(...)`` (web/guard.py)
and is left out of the API's schema (``include_in_schema=False``)."""

from __future__ import annotations

from bantin.web.routes import auth, queue, reports, search, search_saved, sources

ROUTERS = [auth.router, queue.router, reports.router, search.router, search_saved.router, sources.router]
