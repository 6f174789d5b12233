"""The office's HTTP API (FastAPI), under ``/api/v1``: who may do what (roles), the queue of stories,
response cases, search, reports, exports and the audit log. Every route declares its role
(:func:`bantin.api.roles.requires`); none returns an ORM row (schemas in ``api/schemas``); every list
has a bounded ``limit``. Every read of the queue and every export is audited before any output
(docs/principles.md, principle 3).

The app wiring: may import every stage below it (``accounts``, ``queue``, ``responses``, ``reports``,
``search``, ``store``, ``classify``, ``ingest``, ``sources``, ``app``); nothing below imports it.
"""
