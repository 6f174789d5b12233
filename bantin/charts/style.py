"""The look every chart shares, and the figure-to-SVG step.

- Palette: Okabe and Ito's colour-blind-safe colours (vermillion, blue, bluish green, reddish purple),
  with the light ones (orange, sky blue, yellow) replaced by darker hues (gold, indigo, wine) so that every
  colour has at least 3:1 contrast against the white background (WCAG 1.4.11); grey is kept for "khác"
  (other) and "không rõ" (unknown).
- Text stays text (``svg.fonttype: none``): the reader's fonts draw the Vietnamese diacritics, and the file
  is a few kilobytes. The font list starts with DejaVu Sans (what matplotlib measures with, so the layout
  fits when the viewer has it) and falls back to Noto Sans, Liberation Sans, Arial: all carry Vietnamese.
- Deterministic: a fixed ``svg.hashsalt`` (element ids) and no date in the metadata.
- PNG (``to_png``, ``fmt="png"``): for the daily digest's email (mail readers show ``cid:`` PNG, not SVG);
  drawn by matplotlib's Agg canvas with the same look, text rasterised with the DejaVu Sans that matplotlib
  ships (it carries Vietnamese), no software or date metadata, so the same data gives the same bytes on one
  matplotlib version.
- matplotlib reads the SVG settings from its global rcParams at save time, so drawing holds one lock around
  ``rc_context`` and the save (a chart takes ~0.1 s; concurrent requests wait their turn instead of
  changing each other's settings). No pyplot and no ``matplotlib.use``: figures are
  ``matplotlib.figure.Figure`` objects, and ``savefig(format="svg")`` picks the SVG canvas itself.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from xml.sax.saxutils import escape

import matplotlib
from matplotlib.figure import Figure

PALETTE: tuple[str, ...] = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8A6D00", "#332288", "#882255")
GREY = "#767676"  # "khác" / "không rõ": neutral, still 4.5:1 on white
INK = "#1b1f24"  # the web UI's text colour (app.css --ink)
GRID = "#d4d9de"  # app.css --line: light enough not to compete with the bars
FONTS = ["DejaVu Sans", "Noto Sans", "Liberation Sans", "Arial"]
# the default message of a chart without data (callers pass the reader's language)
EMPTY_TEXT = "Không có dữ liệu"
# Size in inches at matplotlib's 72 pt per inch: 960 x 400 px at 100 dpi, the width of the page's column
# at 1366 px; the SVG scales to its box, and 11 pt text stays readable scaled down to a tablet's 760 px.
FIGSIZE = (9.6, 4.0)
FONT_SIZE = 11
# Any fixed string: it seeds the ids matplotlib puts in the SVG (clip paths), so output is reproducible.
HASH_SALT = "bantin-charts"
RC: dict[str, Any] = {
    "svg.fonttype": "none", "svg.hashsalt": HASH_SALT, "font.family": "sans-serif", "font.sans-serif": FONTS,
    "font.size": FONT_SIZE, "text.color": INK, "axes.labelcolor": INK, "axes.edgecolor": GRID,
    "xtick.color": INK, "ytick.color": INK, "axes.titlesize": FONT_SIZE + 2, "axes.titleweight": "bold",
    "axes.titlelocation": "left", "legend.frameon": False, "legend.fontsize": FONT_SIZE,
}
# PNG resolution: 1.5 x the figure's 100 px per inch (1440 x 600 px), sharp when a mail reader scales the
# image to its 600-700 px column on a high-density screen, and still ~50 KB.
PNG_DPI = 150
_LOCK = threading.Lock()


@contextmanager
def drawing() -> Iterator[None]:
    """Hold the drawing lock with the charts' settings in effect (figure creation through the save)."""
    with _LOCK, matplotlib.rc_context(RC):  # type: ignore[arg-type]
        yield


def new_figure(figsize: tuple[float, float] | None = None) -> Figure:
    return Figure(figsize=figsize or FIGSIZE, layout="constrained", facecolor="#ffffff")


def style_axes(ax: Any) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_axisbelow(True)
    ax.tick_params(length=0)


def vi_number(value: float) -> str:
    """A number as Vietnamese writes it: "1.234" and "3,5" (the default; callers pass the reader's format)."""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def to_svg(fig: Figure, title: str, desc: str) -> bytes:
    """The figure as SVG bytes, with ``<title>`` and ``<desc>`` first in the root (its accessible name and
    description, for the digest's readers and anyone opening the file alone); call inside ``drawing()``."""
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    svg = buf.getvalue().decode("utf-8")
    head, sep, rest = svg.partition("<svg ")
    tag_end = rest.index(">") + 1
    opening = rest[:tag_end].replace(" version=", ' role="img" aria-labelledby="chart-title chart-desc" version=', 1)
    accessible = (f'\n <title id="chart-title">{escape(title)}</title>\n'
                  f' <desc id="chart-desc">{escape(desc)}</desc>')
    return (head + sep + opening + accessible + rest[tag_end:]).encode("utf-8")


def to_png(fig: Figure) -> bytes:
    """The figure as PNG bytes (no metadata but the size: deterministic); call inside ``drawing()``."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=PNG_DPI, metadata={"Software": None})
    return buf.getvalue()


def output(fig: Figure, fmt: str, title: str, desc: str) -> bytes:
    """``fmt`` "svg" (with its accessible name) or "png" (the caller puts title and desc in the alt text)."""
    if fmt == "png":
        return to_png(fig)
    if fmt == "svg":
        return to_svg(fig, title, desc)
    raise ValueError(f"unknown chart format {fmt!r} (svg or png)")
