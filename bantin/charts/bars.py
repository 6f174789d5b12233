"""The two chart kinds: bars per day (stacked or side by side) and horizontal grouped bars.

Both take labels already translated and a ``number`` function for the value axis and labels (the reader's
number format); both draw a readable "no data" chart when there is nothing to draw.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from bantin.charts.series import MAX_CATEGORIES, MAX_POINTS, ChartInputError, Series, check, short
from bantin.charts.style import (
    EMPTY_TEXT,
    GREY,
    GRID,
    PALETTE,
    drawing,
    new_figure,
    output,
    style_axes,
    vi_number,
)

# Day labels shown under the bars: every k-th day so that dd/MM labels never touch at the chart's width.
MAX_DAY_TICKS = 16
# Legend columns below the chart: four Vietnamese topic names fit on one line at the chart's width.
LEGEND_COLUMNS = 4
# Narrower bars than this (in points of the 960 px figure) lose the white line between stacked parts.
MIN_EDGE_POINTS = 60
# Stacked days beyond this are drawn as filled steps (one path per series): a year as bars is ~3,000
# rectangles, a 0.5 MB SVG that took 1-4.5 s to draw; as steps 0.2-0.4 s at half the size (bench: reports).
MAX_BAR_DAYS = 92
# Room above the highest bar (what matplotlib's autoscaling leaves for bars: 5 %).
Y_HEADROOM = 1.05
Number = Callable[[float], str]


def _colours(series: Series, grey: Sequence[str]) -> list[str]:
    out, i = [], 0
    for label, _ in series:
        if label in grey:
            out.append(GREY)
        else:
            if i == len(PALETTE):
                raise ChartInputError(f"too many coloured series: at most {len(PALETTE)} and grey ones ({list(grey)})")
            out.append(PALETTE[i])
            i += 1
    return out


def _has_data(series: Series, zero_counts: bool = False) -> bool:
    """Counts of zero draw nothing; a duration of zero hours is a value (``zero_counts``)."""
    return any(v is not None and (zero_counts or v) for _, values in series for v in values)


def _empty(fig: Figure, title: str, empty_text: str) -> None:
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.set_title(title)  # "" when the page shows the title itself
    ax.text(0.5, 0.5, empty_text, ha="center", va="center", fontsize=16, color=GREY, transform=ax.transAxes)


def _legend(fig: Figure, ax: Any, n: int) -> None:
    if n:  # even one series: the legend says what the bars count
        fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncols=min(n, LEGEND_COLUMNS))


def day_bars(days: Sequence[str], series: Series, *, title: str, desc: str, ylabel: str = "",
             stacked: bool = True, grey: Sequence[str] = (), empty_text: str = EMPTY_TEXT,
             number: Number = vi_number, heading: bool = True, fmt: str = "svg") -> bytes:
    """One bar per day (``days`` are the labels, e.g. "01/11"), the series stacked (or side by side).
    ``heading=False`` leaves the title out of the drawing (a page that shows it above the image); the
    SVG's <title> has it either way. ``fmt="png"`` gives PNG bytes instead of SVG (the digest's email)."""
    check(days, series, MAX_POINTS, "days")
    with drawing():
        fig = new_figure()
        if not days or not _has_data(series):
            _empty(fig, title if heading else "", empty_text)
            return output(fig, fmt, title, desc)
        ax = fig.add_subplot()
        style_axes(ax)
        n, k = len(days), max(1, len(series))
        edge = 0.6 if n <= MIN_EDGE_POINTS else 0
        width = 0.8 if stacked else 0.8 / k
        bottom = [0.0] * n
        top = 0.0
        for i, ((label, values), colour) in enumerate(zip(series, _colours(series, grey), strict=True)):
            vals = [float(v or 0) for v in values]
            if stacked and n > MAX_BAR_DAYS:  # one filled step outline per series, not n rectangles
                tops = [b + v for b, v in zip(bottom, vals, strict=True)]
                ax.stairs(tops, [x - 0.5 for x in range(n + 1)], baseline=bottom, fill=True, color=colour,
                          label=short(label), linewidth=0)
                bottom = tops
                top = max(top, *tops)
                continue
            xs = list(range(n)) if stacked else [x - 0.4 + width * (i + 0.5) for x in range(n)]
            bases = bottom if stacked else [0.0] * n
            # one collection per series (ax.bar adds a patch per day, ~0.4 ms each to place and draw)
            verts = [[(x - width / 2, b), (x - width / 2, b + v), (x + width / 2, b + v), (x + width / 2, b)]
                     for x, v, b in zip(xs, vals, bases, strict=True) if v]
            ax.add_collection(PolyCollection(verts, facecolors=colour, edgecolors="#ffffff", linewidths=edge,
                                             label=short(label)))
            top = max(top, *(b + v for b, v in zip(bases, vals, strict=True)))
            if stacked:
                bottom = [b + v for b, v in zip(bottom, vals, strict=True)]
        step = math.ceil(n / MAX_DAY_TICKS)
        ax.set_xticks(range(0, n, step), [days[i] for i in range(0, n, step)])
        ax.set_xlim(-0.6, n - 0.4)
        ax.set_ylim(0, top * Y_HEADROOM)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: number(v)))
        ax.grid(axis="y", color=GRID, linewidth=0.8)
        ax.set_ylabel(ylabel)
        ax.set_title(title if heading else "")
        _legend(fig, ax, len(series))
        return output(fig, fmt, title, desc)


def hbars(categories: Sequence[str], series: Series, *, title: str, desc: str, xlabel: str = "",
          grey: Sequence[str] = (), empty_text: str = EMPTY_TEXT, number: Number = vi_number,
          heading: bool = True, fmt: str = "svg", figsize: tuple[float, float] | None = None) -> bytes:
    """One row per category (top to bottom in the given order), one bar per series in each row, the value
    written at the bar's end; a missing value (None) draws no bar. ``figsize`` (inches at 100 px each)
    replaces the page column's size: the digest's email draws it at its 632 px column, so text stays legible."""
    check(categories, series, MAX_CATEGORIES, "categories")
    with drawing():
        fig = new_figure(figsize)
        if not categories or not _has_data(series, zero_counts=True):
            _empty(fig, title if heading else "", empty_text)
            return output(fig, fmt, title, desc)
        ax = fig.add_subplot()
        style_axes(ax)
        n, k = len(categories), max(1, len(series))
        height = 0.8 / k
        for i, ((label, values), colour) in enumerate(zip(series, _colours(series, grey), strict=True)):
            ys = [(n - 1 - row) + 0.4 - height * (i + 0.5) for row in range(n)]
            vals = [float(v) if v is not None else 0.0 for v in values]
            bars = ax.barh(ys, vals, height, label=short(label), color=colour)
            ax.bar_label(bars, labels=[number(float(v)) if v is not None else "" for v in values], padding=3,
                         fontsize=FONT_SIZE_LABEL)
        ax.set_yticks([n - 1 - row for row in range(n)], [short(c) for c in categories])
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: number(v)))
        ax.margins(x=0.12)  # room for the value written after the longest bar
        ax.grid(axis="x", color=GRID, linewidth=0.8)
        ax.set_xlabel(xlabel)
        ax.set_title(title if heading else "")
        _legend(fig, ax, len(series))
        return output(fig, fmt, title, desc)


FONT_SIZE_LABEL = 10  # values at the bars' ends: a step below the axis text, still readable
