"""The pages, one module per area (admin, story, queue and search in packages of their own); each route declares
its least role with ``page(...)`` (web/guard.py) and is left out of the API's schema (``include_in_schema=False``)."""

from __future__ import annotations

from bantin.web.routes import analysts, auth, reports, sources, unsubscribe
from bantin.web.routes.admin import alerts as admin_alerts
from bantin.web.routes.admin import audit as admin_audit
from bantin.web.routes.admin import home as admin
from bantin.web.routes.admin import rules as admin_rules
from bantin.web.routes.admin import subscriptions as admin_subscriptions
from bantin.web.routes.admin import users as admin_users
from bantin.web.routes.admin import webhooks as admin_webhooks
from bantin.web.routes.queue import page as queue
from bantin.web.routes.search import page as search
from bantin.web.routes.search import saved as search_saved
from bantin.web.routes.story import actions as story_actions
from bantin.web.routes.story import labels as story_labels
from bantin.web.routes.story import page as story
from bantin.web.routes.story import responses as story_responses

ROUTERS = [auth.router, queue.router, reports.router, search.router, search_saved.router, sources.router,
           story.router, story_actions.router, story_labels.router, story_responses.router,
           analysts.router,
           admin.router, admin_users.router, admin_rules.router, admin_audit.router,
           admin_subscriptions.router, admin_alerts.router, admin_webhooks.router, unsubscribe.router]
