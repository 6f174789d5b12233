"""The database: the schema (no author or byline column anywhere: docs/principles.md, principle 1),
column types that behave alike on SQLite and PostgreSQL, engines and sessions, Alembic migrations, export.

May import: ``app.settings``, ``app.stats``.
"""
