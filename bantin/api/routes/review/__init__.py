"""The review queue's routes: stories (the queue, counts, one story), their state actions and bulk actions,
response cases and tracking, and the analysts' labels; each route declares its role, every read is audited
first (docs/principles.md, principle 3)."""
