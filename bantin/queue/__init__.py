"""The review queue of stories: which syndication clusters enter it (``admission``), the states a story
moves through and who may move it (``states``), changes with history, audit and optimistic concurrency
(``actions``), due dates from the office's response times (``due``), and the filtered listing (``listing``).

A queue item is a story (a cluster), not one copy: copies joining a cluster update its story.
Principle 2 (docs/principles.md): a story ends ``responded`` or ``dismissed`` with a reason; there is no
state or label for dissent. Principle 3: every change and note writes an audit row in its own transaction.

May import: ``store``, ``classify``, ``search`` (saved searches' queries), ``app.audit``, ``app.settings``.
Never ``api`` or ``cli``.
"""
