"""Staff accounts and their credentials: users with a role and an Argon2 password, API tokens for scripts,
browser sessions with their CSRF token. Users are the office's staff, never people in the news
(docs/principles.md, principle 1). No default credential exists anywhere: the first admin is created with
``bantin users create NAME --role admin --password-stdin``.

May import: ``store``, ``app.settings``, ``app.audit``.
"""
