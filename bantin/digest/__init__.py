"""The daily digest ("điểm báo", issue #11): what it says and how it is rendered.

Owns: the digest of one Vietnamese calendar day as plain data (``build``: the province's coverage by topic
against the last 30 days, the top stories by number of outlets with their lead sentences, the foreign
coverage, the queue's numbers), the lead sentences of a stored text (``sentences``), its chart (``chart``:
a PNG through ``bantin.charts``), and its renderings: email-safe HTML and plain text (``render``, Jinja2
templates under ``templates/``, Vietnamese only), DOCX from a template the office can edit (``docx``),
PDF from the same HTML (``pdf``, WeasyPrint) and the MIME message (``mime``).

May import ``store``, ``queue``, ``reports``, ``charts``, ``classify``'s taxonomy names, ``text`` and
``app.settings``; imported by the CLI (``bantin digest render``), the delivery wiring and ``web``.
Principle 1 (docs/principles.md): the digest names outlets and stories, never authors; principle 3: every
render of a digest is an export and is audited by its caller before the output is written.
"""

from bantin.digest.build import build_digest
from bantin.digest.chart import chart_png
from bantin.digest.mime import digest_email, digest_subject
from bantin.digest.model import CoverageRow, Digest, ForeignItem, QueueNumbers, StoryItem
from bantin.digest.pdf import render_pdf
from bantin.digest.render import render_html, render_text
from bantin.digest.word import render_docx

__all__ = ["CoverageRow", "Digest", "ForeignItem", "QueueNumbers", "StoryItem", "build_digest", "chart_png",
           "digest_email", "digest_subject", "render_docx", "render_html", "render_pdf", "render_text"]
