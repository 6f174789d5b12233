"""The Vietnamese "why" of an alert, its JSON, and the tail probabilities against their closed forms."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np

from bantin.alerts.explain import Alert, vi_number, why
from bantin.alerts.tails import nb_upper_tail, poisson_upper_tail


def test_why_reads_like_the_issue() -> None:
    assert why(14, 2, 3.0) == "14 bài trong 2 giờ, thường 3"
    assert why(9, 1, 2.46) == "9 bài trong 1 giờ, thường 2,5"
    assert why(40, 2, 12.4) == "40 bài trong 2 giờ, thường 12"
    assert vi_number(0.44) == "0,4"
    assert why(6, 0.5, 1.0) == "6 bài trong 30 phút, thường 1"
    assert why(11, 1.5, 4.0) == "11 bài trong 1 giờ 30 phút, thường 4"


def test_an_alert_says_its_window_and_times_in_vietnam_time() -> None:
    at = datetime(2026, 3, 2, 3, 20, tzinfo=UTC)
    alert = Alert.make("topic:thiên tai", at - timedelta(hours=2), at, 14, 3.04, 1.234e-6)
    data = alert.as_json()
    assert data == {"series": "topic:thiên tai", "window_start": "2026-03-02T08:20:00+07:00",
                    "fired_at": "2026-03-02T10:20:00+07:00", "count": 14, "expected": 3.04, "p_value": 1.23e-06,
                    "why": "14 bài trong 2 giờ, thường 3"}


def test_poisson_tail_matches_the_sum_of_its_terms() -> None:
    for c, mu in ((0, 3.0), (1, 3.0), (5, 3.0), (14, 3.0), (30, 6.0)):
        exact = 1.0 if c == 0 else sum(math.exp(-mu) * mu**k / math.factorial(k) for k in range(c, 120))
        got = float(poisson_upper_tail(np.array([c]), np.array([mu]))[0])
        assert math.isclose(got, exact, rel_tol=1e-9), (c, mu)


def test_negative_binomial_tail_matches_the_closed_form() -> None:
    for c, mu, phi in ((5, 3.0, 2.0), (14, 3.0, 2.0), (20, 4.0, 3.0)):
        r = mu / (phi - 1)
        p = r / (r + mu)
        exact = 1 - sum(math.gamma(k + r) / (math.gamma(r) * math.factorial(k)) * p**r * (1 - p) ** k
                        for k in range(c))
        got = float(nb_upper_tail(np.array([c]), np.array([mu]), np.array([phi]))[0])
        assert math.isclose(got, exact, rel_tol=1e-6), (c, mu, phi)
    # overdispersion makes a count less surprising than under the Poisson
    assert nb_upper_tail(np.array([14]), np.array([3.0]), np.array([2.0]))[0] > poisson_upper_tail(
        np.array([14]), np.array([3.0]))[0]
