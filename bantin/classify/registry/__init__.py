"""Model registry: every version with its metrics, training-data hash and sha256-verified skops
artifact (``store``: storage and verification), frozen evaluation sets (``evalset``) and the promotion gate
with rollback (``promote``).

Artifacts live at ``settings.models_dir/<name>/<version>.skops``. Loading reads the bytes once, refuses them
unless their sha256 is the registered one and their types exactly the registered, allowed ones, and only
then calls ``skops.io.loads(data, trusted=<that list>)``. Nothing is ever unpickled. Every promotion and
rollback is audited (docs/principles.md, principle 3).

May import: ``app.audit``, ``store``, ``classify.io``, ``classify.topics``.
"""
