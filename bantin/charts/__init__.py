"""Charts as SVG bytes from plain data: bars per day (stacked: coverage by topic, outlet or language;
domestic against foreign outlets) and horizontal grouped bars (response times per priority).

Owns: drawing (matplotlib's ``Figure`` and SVG backend directly, never pyplot's global state), the
colour-blind-safe palette, the fonts that carry Vietnamese, the bounds of what a chart accepts, and the
accessible name (``<title>``/``<desc>``) of every SVG. Imports nothing of bantin: callers (``web``, and
the daily digest of issue #11) pass plain Python data, series of ``(label, values)``, with titles and axis
labels already translated, and get deterministic SVG bytes back (the same data gives the same bytes), or
PNG bytes with ``fmt="png"`` (the digest's email, which needs an inline PNG).
"""

from bantin.charts.bars import day_bars, hbars
from bantin.charts.series import (
           MAX_CATEGORIES,
           MAX_LABEL_CHARS,
           MAX_POINTS,
           MAX_SERIES,
           ChartInputError,
           fold_top,
)
from bantin.charts.style import EMPTY_TEXT, PALETTE, vi_number

__all__ = ["EMPTY_TEXT", "MAX_CATEGORIES", "MAX_LABEL_CHARS", "MAX_POINTS", "MAX_SERIES", "PALETTE",
           "ChartInputError", "day_bars", "fold_top", "hbars", "vi_number"]
