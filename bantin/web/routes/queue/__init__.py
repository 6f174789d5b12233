"""The review queue's page: parameters, the table's view helpers and bulk actions; may import the queue and
api/story_params (every read audited first, docs/principles.md principle 3)."""
