"""What a chart accepts: series of ``(label, values)``, bounded, and the fold of small series into "khác"."""

from __future__ import annotations

from collections.abc import Sequence

Values = Sequence[float | int | None]
Series = Sequence[tuple[str, Values]]

# Series a reader can tell apart in one legend: the palette's seven colours and one grey ("khác");
# callers fold the rest with fold_top.
MAX_SERIES = 8
# A year of daily bars (366 days) with room to spare; more points than pixels per bar make no chart.
MAX_POINTS = 400
# Rows of horizontal bars that still fit one readable chart (4 priorities x 2 stages, with room).
MAX_CATEGORIES = 24
# Labels longer than this are cut with "…" (an outlet's long name); the table beside keeps the full text.
MAX_LABEL_CHARS = 40


class ChartInputError(ValueError):
    """Data a chart refuses (too many series or points, or values that do not match the axis)."""


def short(label: str) -> str:
    label = " ".join(str(label).split())
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"


def check(axis: Sequence[str], series: Series, max_axis: int, axis_name: str) -> None:
    """Refuse what the chart cannot draw, with a message that says which bound and by how much."""
    if len(axis) > max_axis:
        raise ChartInputError(f"too many {axis_name}: {len(axis)} (at most {max_axis})")
    if len(series) > MAX_SERIES:
        raise ChartInputError(f"too many series: {len(series)} (at most {MAX_SERIES}; fold the rest with fold_top)")
    for label, values in series:
        if len(values) != len(axis):
            raise ChartInputError(f"series {label!r} has {len(values)} values for {len(axis)} {axis_name}")
        for v in values:
            if v is not None and not (v >= 0 and v != float("inf")):  # also refuses NaN
                raise ChartInputError(f"series {label!r} has a value that is not a finite count or duration: {v!r}")


def fold_top(series: Series, n: int, other_label: str) -> list[tuple[str, list[float]]]:
    """The ``n`` series with the largest totals (ties by label), then one ``other_label`` series summing the
    rest (only when there is a rest). The order of the top series is by total, largest first."""
    if n < 1:
        raise ChartInputError("fold_top needs n >= 1")
    clean = [(label, [float(v or 0) for v in values]) for label, values in series]
    ranked = sorted(clean, key=lambda s: (-sum(s[1]), s[0]))
    top, rest = ranked[:n], ranked[n:]
    if rest:
        width = len(rest[0][1])
        top.append((other_label, [sum(s[1][i] for s in rest) for i in range(width)]))
    return top
