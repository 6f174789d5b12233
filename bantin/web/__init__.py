"""The web UI (issue #10): server-rendered pages (Jinja2) with htmx partial updates, for officers, analysts,
leaders and admins, in Vietnamese first (gettext catalogs, Babel formats) and English on a toggle.

Owns: the HTML routes (``web/routes``), templates, static files (vendored htmx with its licence), the page
guard (roles, CSRF in forms and htmx headers), the catalogs under ``web/locale``.
May import: ``api`` (its view helpers, schemas and role guard: one answer to "who may do what"), ``queue``,
``responses``, ``search``, ``reports``, ``accounts``, ``app`` (settings, audit), ``store``, ``charts``,
``classify`` (the taxonomy's topic names), ``text`` (language names) and ``delivery`` (the unsubscribe pages).
Nothing imports ``web`` but the app wiring (``api.app.create_app``).

Principle 3 (docs/principles.md): every page that shows the queue, a story or an export writes its audit row
and commits it before rendering, as the API routes do.
"""
