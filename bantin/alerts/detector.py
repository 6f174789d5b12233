"""The spike test: a negative-binomial upper-tail test on sliding 1 h and 2 h windows, every 10 minutes.

At each evaluation time ``t`` (a multiple of ten minutes) and for each window (the last hour, the last two
hours) the count of items is compared with its expected value from :mod:`bantin.alerts.baseline` (the same
hour of the week over the last weeks, optionally scaled by the recent level). The window is unusual
when P(X ≥ count) under a negative binomial with that mean and the baseline's dispersion is below
``p_threshold`` *and* the count reaches ``min_count`` (a quiet series does not alarm on 0 → 2). Repeated firing
of one series is grouped by a cool-down: once it fired, it stays silent until it has been quiet for
``cooldown``. Why this method, and how the numbers were chosen: ``docs/alerts.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from bantin.alerts.baseline import expected, window_counts
from bantin.alerts.explain import Alert
from bantin.alerts.grid import SLOTS_PER_HOUR, STEP, Grid
from bantin.alerts.tails import nb_upper_tail

# The windows: 1 h for a sharp burst, 2 h for a slower one that 1 h misses. Tuned: adding 30 minutes made the
# busiest series fire 1.8 alarms a week instead of 0.8 at the same threshold, for no more bursts caught.
WINDOW_HOURS: tuple[float, ...] = (1, 2)
# Eight weeks of the same hour of the week: enough samples to trim one outlier each side, recent enough to follow
# an outlet's changing schedule.
BASELINE_WEEKS = 8
# No test before four weeks of history: the fewest samples a trimmed mean (one dropped each side) needs.
MIN_BASELINE_WEEKS = 4
# Exponent of the recent level (last 7 days / the weeks before) on the weekly estimate: 0 ignores it, 1 follows it
# fully. Tuned on the first half of the year (docs/alerts.md): 1 caught one burst more than 0 or 0.5 (22 of 82
# against 21) at the same alarm rate — a small gain: the outlets' volume drifts (May–June 2026 is ~30 % lower).
RECENT_WEIGHT = 1.0
# Expected counts never go below this rate per hour: a series that is usually silent at 3 am is not
# "infinitely" surprised by one item.
EXPECTED_FLOOR_PER_HOUR = 0.5
# Dispersion (variance / mean) is at least this. Tuned on the first half: floors of 1.5 and 2.5 caught 18 % and
# 5 % of the bursts instead of 27 %; the robust (MAD) estimate of each baseline carries the series' clumping.
DISPERSION_FLOOR = 1.0
# ...and at most this: a baseline with one wild week must not make the test blind.
DISPERSION_CAP = 4.0
# The tail probability that fires (~2,000 overlapping tests a week per series). Tuned on the first half with
# MIN_COUNT: the pair that caught most bursts while every series fired ≤ 1 alarm a week outside them (the
# busiest 0.78; 1e-3 gave 1.8–2.2).
P_THRESHOLD = 1e-4
# A window needs at least this many items to fire at all (a quiet series does not alarm on 0 → 2); tuned with
# P_THRESHOLD: with 3 to 6 the busiest series fired 1.1 a week.
MIN_COUNT = 8
# One alert per episode: firing again within this of the previous firing extends the episode silently.
COOLDOWN = timedelta(hours=3)


@dataclass(frozen=True)
class Params:
    window_hours: tuple[float, ...] = WINDOW_HOURS
    weeks: int = BASELINE_WEEKS
    min_weeks: int = MIN_BASELINE_WEEKS
    recent_weight: float = RECENT_WEIGHT
    floor_per_hour: float = EXPECTED_FLOOR_PER_HOUR
    dispersion_floor: float = DISPERSION_FLOOR
    dispersion_cap: float = DISPERSION_CAP
    p_threshold: float = P_THRESHOLD
    min_count: int = MIN_COUNT
    cooldown: timedelta = COOLDOWN


@dataclass
class Scores:
    """Per series and window: count, expected and p-value at every evaluation slot (p = 1 where not tested)."""

    grid: Grid
    params: Params
    by_series: dict[str, list[tuple[float, np.ndarray, np.ndarray, np.ndarray]]] = field(default_factory=dict)


def score(grid: Grid, params: Params = Params(), min_count: int | None = None) -> Scores:
    """Count, expected and p-value for every series, window and slot. Only windows with at least
    ``min_count`` items (default ``params.min_count``) above their expectation get a p-value (the others
    cannot fire), which keeps the tail sums few."""
    floor = params.min_count if min_count is None else min_count
    out = Scores(grid, params)
    for series, counts in grid.counts.items():
        rows = []
        for hours in params.window_hours:
            width = round(hours * SLOTS_PER_HOUR)
            win = window_counts(counts, width)
            mu, phi, n_weeks = expected(counts, win, grid.first[series], width, params.weeks,
                                        params.recent_weight)
            mu = np.maximum(np.nan_to_num(mu), params.floor_per_hour * hours)
            phi = np.clip(np.nan_to_num(phi, nan=params.dispersion_floor), params.dispersion_floor,
                          params.dispersion_cap)
            # The mean itself is estimated from the weeks kept after trimming: its own variance mu/n widens the
            # predictive law (a baseline from 4 weeks is less sure than one from 8).
            phi = phi * (1 + 1 / np.maximum(np.where(n_weeks >= 4, n_weeks - 2, n_weeks), 1))
            p = np.ones(len(win))
            test = (n_weeks >= params.min_weeks) & (win >= floor) & (win > mu)
            if test.any():
                p[test] = nb_upper_tail(win[test], mu[test], phi[test])
            rows.append((hours, win, mu, p))
        out.by_series[series] = rows
    return out


def fire(scores: Scores, p_threshold: float | None = None, min_count: int | None = None,
         cooldown: timedelta | None = None, until: datetime | None = None) -> list[Alert]:
    """The alerts, in time order: per series the first firing of each episode (see ``COOLDOWN``)."""
    params = scores.params
    thr = params.p_threshold if p_threshold is None else p_threshold
    least = params.min_count if min_count is None else min_count
    gap = (params.cooldown if cooldown is None else cooldown) // STEP
    last = scores.grid.slots if until is None else max(0, min(scores.grid.slots, scores.grid.index(until)))
    alerts: list[Alert] = []
    for series, rows in scores.by_series.items():
        fired = np.zeros(last + 1, dtype=bool)
        for _, win, _, p in rows:
            fired |= (p[: last + 1] < thr) & (win[: last + 1] >= least)
        previous = -(10**9)
        for i in np.flatnonzero(fired):
            if i - previous > gap:
                hours, win, mu, p = _strongest(rows, int(i), thr, least)
                at = scores.grid.time(int(i))
                alerts.append(Alert.make(series, at - timedelta(hours=hours), at, int(win[i]), float(mu[i]),
                                         float(p[i])))
            previous = int(i)
    return sorted(alerts, key=lambda a: (a.fired_at, a.series))


def _strongest(rows: list[tuple[float, np.ndarray, np.ndarray, np.ndarray]], i: int, thr: float,
               least: int) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """Of the windows that fire at slot ``i``, the one with the smallest p-value: the alert reports it."""
    return min((r for r in rows if r[3][i] < thr and r[1][i] >= least), key=lambda r: float(r[3][i]))


def detect(grid: Grid, params: Params = Params(), until: datetime | None = None) -> list[Alert]:
    """Score and fire with ``params``: the alerts the detector would have sent, in time order."""
    return fire(score(grid, params), until=until)
