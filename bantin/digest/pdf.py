"""The digest as PDF: WeasyPrint from the same HTML as the email, the chart as a data URI, A4 pages.

The email's HTML names 'Noto Sans', 'DejaVu Sans' inline; the PDF's own stylesheet maps every element to
``DigestSans``, an ``@font-face`` on the local Noto Sans (Debian's fonts-noto-core) or DejaVu Sans
(fonts-dejavu-core, also what matplotlib ships), both with every Vietnamese letter and tone mark; WeasyPrint
embeds the subset it uses, so the file reads the same on any machine.
"""

from __future__ import annotations

import base64

from bantin.digest.chart import chart_png
from bantin.digest.model import Digest
from bantin.digest.render import render_html

PDF_CSS = """
@font-face { font-family: DigestSans; font-weight: normal;
  src: local("Noto Sans"), local("NotoSans-Regular"), local("DejaVu Sans"), local("DejaVuSans"); }
@font-face { font-family: DigestSans; font-weight: bold;
  src: local("Noto Sans Bold"), local("NotoSans-Bold"), local("DejaVu Sans Bold"), local("DejaVuSans-Bold"); }
@page { size: A4; margin: 14mm 12mm 16mm 12mm;
  @bottom-right { content: "Trang " counter(page) "/" counter(pages); font-family: DigestSans; font-size: 9pt;
                  color: #5a636e; } }
html, body, table, td, th, p, h1, h2, a, span, strong { font-family: DigestSans, sans-serif !important; }
body, table[role=presentation] { background: #ffffff !important; }
td { padding-left: 0; padding-right: 0; }
table.digest { border: 0 !important; max-width: none !important; width: 100% !important; }
tr { break-inside: auto; } table.digest table tr { break-inside: avoid; }
img { max-width: 100% !important; }
"""


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def render_pdf(digest: Digest, chart: bytes | None = None) -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    html = render_html(digest, data_uri(chart if chart is not None else chart_png(digest)))
    fonts = FontConfiguration()
    pdf = HTML(string=html).write_pdf(stylesheets=[CSS(string=PDF_CSS, font_config=fonts)], font_config=fonts,
                                        presentational_hints=True)  # the email's width/align attributes
    assert pdf is not None  # write_pdf without a target returns the bytes
    return bytes(pdf)
