"""What the office did about a story, and what became of the original (docs/principles.md, principle 2:
the queue ends in a public response or a dismissal).

Owns: response cases (a published response, a correction requested from an outlet: :mod:`.cases`) and the
tracking of originals (re-fetch on a schedule, text diff, gone or error: :mod:`.tracking`, with
:mod:`.schedule`, :mod:`.textdiff` and :mod:`.fetching`). Every change writes a story history row and, for
people's actions, an audit row in the same transaction.

May import: ``bantin.store``, ``bantin.queue`` (its state table), ``bantin.app`` (audit, settings, context), ``bantin.fetch`` (one-off fetches:
robots, SSRF, size caps), ``bantin.extract`` and ``bantin.text``. Never ``bantin.api`` or ``bantin.cli``.
"""
