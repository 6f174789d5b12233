"""The digest as email-safe HTML and as plain text, from the Jinja2 templates beside this module
(``templates/digest.html``, ``templates/digest.txt``): Vietnamese only, numbers and dates as Vietnamese
writes them, times in Asia/Ho_Chi_Minh."""

from __future__ import annotations

import textwrap
from datetime import date, datetime
from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from bantin.charts import vi_number
from bantin.digest.chart import chart_alt
from bantin.digest.model import Digest
from bantin.reports.days import VN_TZ

# Plain-text lines wrap here (a mail reader's 78-character convention, less the indent).
TEXT_WIDTH = 76
TEXT_INDENT = "   "


def subject_of(digest: Digest) -> str:
    """ "Điểm báo ngày 01/12/2026 — tỉnh Nghệ An" (the email's subject and the page's title)."""
    return f"Điểm báo ngày {digest.day:%d/%m/%Y} — tỉnh {digest.province}"


def _vntime(moment: datetime) -> str:
    return moment.astimezone(VN_TZ).strftime("%H:%M ngày %d/%m/%Y")


def _wrap(text: str) -> str:
    return textwrap.fill(text, TEXT_WIDTH, initial_indent=TEXT_INDENT, subsequent_indent=TEXT_INDENT)


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=PackageLoader("bantin.digest", "templates"), undefined=StrictUndefined,
                      autoescape=select_autoescape(["html"]), keep_trailing_newline=True)
    env.filters.update(num=lambda v: vi_number(float(v)), vndate=lambda d: f"{d:%d/%m/%Y}",
                       vnday=lambda d: f"{d:%d/%m}" if isinstance(d, date) else str(d), vntime=_vntime, wrap=_wrap)
    return env


def render_html(digest: Digest, chart_src: str, unsubscribe_url: str | None = None) -> str:
    """``chart_src``: "cid:..." (the email's inline part) or a "data:image/png;base64,..." URI (the PDF)."""
    return environment().get_template("digest.html").render(
        d=digest, chart_src=chart_src, chart_alt=chart_alt(digest), subject=subject_of(digest),
        unsubscribe_url=unsubscribe_url)


def render_text(digest: Digest, unsubscribe_url: str | None = None) -> str:
    return environment().get_template("digest.txt").render(d=digest, unsubscribe_url=unsubscribe_url)
