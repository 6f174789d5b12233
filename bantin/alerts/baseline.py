"""The expected count of a window and its dispersion, from the same window in the past (no look-ahead).

For a window of ``w`` slots ending at evaluation slot ``i`` the samples are the same window ``k`` weeks back
(``k = 1..weeks``: hour of day *and* day of week), summarised by a trimmed mean (the highest and the lowest
sample dropped, so one past burst or one crawler outage does not move it), then scaled by the recent level (the
last seven days against the weeks before). The dispersion is robust too: the median absolute deviation of the
samples from their trimmed mean, as a variance-to-mean ratio.
"""

from __future__ import annotations

import warnings

import numpy as np

from bantin.alerts.grid import SLOTS_PER_WEEK

# 1.4826 · MAD estimates the standard deviation of a normal sample: the usual robust-scale constant.
MAD_TO_SD = 1.4826
# The recent level moves the weekly estimate by at most half or double: a crawler outage (a week at zero) or a
# week of big news must not silence or blind the test.
LEVEL_CLIP = (0.5, 2.0)


def window_counts(counts: np.ndarray, width: int) -> np.ndarray:
    """``out[i]`` = items in slots ``[i - width, i)`` for ``i = 0..n`` (0 where the window starts before 0)."""
    cum = np.concatenate(([0], np.cumsum(counts)))
    out = np.zeros(len(cum), dtype=np.int64)
    out[width:] = cum[width:] - cum[:-width]
    return out


def lagged(win: np.ndarray, first: int, width: int, lags: list[int]) -> np.ndarray:
    """Samples ``win[i - lag]`` per lag as floats, NaN where that window starts before the series' first item."""
    n = len(win)
    out = np.full((n, len(lags)), np.nan)
    for col, lag in enumerate(lags):
        start = first + width + lag  # the first evaluation slot whose lagged window is fully known
        if start < n:
            out[start:, col] = win[start - lag: n - lag]
    return out


def trimmed_mean(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(trimmed mean, number of valid samples) per row: the highest and lowest dropped when 4 or more."""
    valid = ~np.isnan(samples)
    n = valid.sum(axis=1)
    total = np.where(valid, samples, 0.0).sum(axis=1)
    hi = np.where(valid, samples, -np.inf).max(axis=1, initial=-np.inf)
    lo = np.where(valid, samples, np.inf).min(axis=1, initial=np.inf)
    trim = n >= 4
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(trim, (total - np.where(trim, hi + lo, 0.0)) / np.maximum(n - 2, 1),
                        total / np.maximum(n, 1))
    return np.where(n > 0, mean, np.nan), n


def robust_dispersion(samples: np.ndarray, centre: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """Variance-to-mean ratio from the MAD of the samples around their centres (NaN where none)."""
    dev = np.abs(samples - centre)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # rows with no samples: NaN, filtered by the caller
        mad = np.nanmedian(dev, axis=1)
    return (MAD_TO_SD * mad) ** 2 / np.maximum(mu, 1e-9)


def expected(counts: np.ndarray, win: np.ndarray, first: int, width: int, weeks: int,
             recent_weight: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(expected count, dispersion, weekly samples available) for every evaluation slot.

    The recent level is a ratio, not a same-hour average (which would erase the day of the week): the last
    seven days' total over the trimmed mean of the seven-day totals before, clipped to ``LEVEL_CLIP``, and
    it scales the weekly estimate by ``ratio ** recent_weight``.
    """
    lags = [k * SLOTS_PER_WEEK for k in range(1, weeks + 1)]
    weekly = lagged(win, first, width, lags)
    seasonal, n_weeks = trimmed_mean(weekly)
    totals = window_counts(counts, SLOTS_PER_WEEK)
    before, _ = trimmed_mean(lagged(totals, first, SLOTS_PER_WEEK, lags))
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.clip(np.nan_to_num(totals / before, nan=1.0, posinf=1.0), *LEVEL_CLIP)
    blend = seasonal * ratio**recent_weight
    phi = robust_dispersion(weekly, seasonal[:, None], blend)
    return blend, phi, n_weeks
