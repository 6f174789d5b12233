"""The plain hour-of-week Poisson test the issue compares against (and the detector must beat).

Once per clock hour, when the hour has ended, its count is compared with the plain mean of the same hour of
the week over the last ``weeks`` weeks under a Poisson law; it fires when P(X ≥ count) < ``alpha``. No sliding
window, no trimming, no dispersion, no minimum count. The same cool-down as the detector groups its repeated
firing, so that both are counted as the alerts an officer would receive.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from bantin.alerts.baseline import lagged, window_counts
from bantin.alerts.detector import BASELINE_WEEKS, COOLDOWN, MIN_BASELINE_WEEKS
from bantin.alerts.explain import Alert
from bantin.alerts.grid import SLOTS_PER_HOUR, SLOTS_PER_WEEK, STEP, Grid
from bantin.alerts.tails import poisson_upper_tail

# The conventional significance level: what a "plain" test is usually run at.
PLAIN_ALPHA = 0.01
# A mean of zero (nothing in that hour for weeks) is taken as half an item over the weeks, not as certainty.
PLAIN_ZERO_MEAN = 0.5 / BASELINE_WEEKS

PlainScores = dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]


def plain_scores(grid: Grid, weeks: int = BASELINE_WEEKS) -> PlainScores:
    """Per series: (evaluation slots at the end of each clock hour, counts, p-values, means)."""
    width = SLOTS_PER_HOUR
    offset = (-grid.start.minute // 10) % SLOTS_PER_HOUR  # the first slot that starts on the hour
    out: PlainScores = {}
    for series, counts in grid.counts.items():
        win = window_counts(counts, width)
        samples = lagged(win, grid.first[series], width, [k * SLOTS_PER_WEEK for k in range(1, weeks + 1)])
        valid = ~np.isnan(samples)
        n = valid.sum(axis=1)
        mean = np.where(valid, samples, 0.0).sum(axis=1) / np.maximum(n, 1)
        ends = np.arange(offset + width, len(win), SLOTS_PER_HOUR)
        ends = ends[n[ends] >= MIN_BASELINE_WEEKS]
        mu = np.maximum(mean[ends], PLAIN_ZERO_MEAN)
        out[series] = (ends, win[ends], poisson_upper_tail(win[ends], mu), mu)
    return out


def plain_fire(grid: Grid, scores: PlainScores, alpha: float = PLAIN_ALPHA,
               cooldown: timedelta = COOLDOWN) -> list[Alert]:
    """The plain test's alerts in time order, grouped by the same cool-down as the detector's."""
    gap = cooldown // STEP
    alerts = []
    for series, (ends, count, p, mu) in scores.items():
        previous = -(10**9)
        for j in np.flatnonzero(p < alpha):
            i = int(ends[j])
            if i - previous > gap:
                at = grid.time(i)
                alerts.append(Alert.make(series, at - timedelta(hours=1), at, int(count[j]), float(mu[j]),
                                         float(p[j])))
            previous = i
    return sorted(alerts, key=lambda a: (a.fired_at, a.series))
