"""Admin pages (users, alert rules, subscriptions, webhooks, audit): one module per page group; may import the API's route
functions and schemas, web/guard and web/forms (role: admin, docs/principles.md)."""
