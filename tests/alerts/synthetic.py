"""Seeded synthetic timelines for the detector's tests: Poisson arrivals at a rate that may depend on the hour."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import numpy as np

START = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday, 07:00 in Vietnam


def poisson_times(rate_per_hour: Callable[[datetime], float], weeks: int, seed: int,
                  start: datetime = START) -> list[datetime]:
    """Arrival times of an inhomogeneous Poisson process, hour by hour."""
    rng = np.random.default_rng(seed)
    out: list[datetime] = []
    for h in range(weeks * 7 * 24):
        hour = start + timedelta(hours=h)
        for _ in range(rng.poisson(rate_per_hour(hour))):
            out.append(hour + timedelta(seconds=float(rng.uniform(0, 3600))))
    return sorted(out)


def burst(at: datetime, items: int, seed: int, length: timedelta = timedelta(hours=2)) -> list[datetime]:
    rng = np.random.default_rng(seed)
    return sorted(at + length * float(u) for u in rng.uniform(0, 1, items))


def events(series: str, times: list[datetime]) -> list[tuple[str, datetime]]:
    return [(series, t) for t in times]
