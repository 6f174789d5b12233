"""The pages, one module per area; each route declares its least role with ``page(...)`` (web/guard.py)
and is left out of the API's schema (``include_in_schema=False``)."""

from __future__ import annotations

from bantin.web.routes import (
    admin,
    admin_alerts,
    admin_audit,
    admin_rules,
    admin_subscriptions,
    admin_users,
    admin_webhooks,
    analysts,
    auth,
    queue,
    reports,
    search,
    search_saved,
    sources,
    story,
    story_actions,
    story_labels,
    story_responses,
    unsubscribe,
)

ROUTERS = [auth.router, queue.router, reports.router, search.router, search_saved.router, sources.router,
           story.router, story_actions.router, story_labels.router, story_responses.router,
           analysts.router,
           admin.router, admin_users.router, admin_rules.router, admin_audit.router,
           admin_subscriptions.router, admin_alerts.router, admin_webhooks.router, unsubscribe.router]
