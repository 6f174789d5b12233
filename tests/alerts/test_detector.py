"""The spike detector on seeded synthetic series: bursts caught, steady and seasonal series quiet, cool-down."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bantin.alerts.detector import Params, detect, fire, score
from bantin.alerts.explain import VIETNAM
from bantin.alerts.grid import build
from tests.alerts.synthetic import START, burst, events, poisson_times

RATE = 6.0  # items an hour: a main outlet's usual rate
WEEKS = 10
BURST_AT = START + timedelta(weeks=9, days=2, hours=3, minutes=17)  # Wednesday 10:17 in Vietnam


def steady() -> list:
    return events("topic:thiên tai", poisson_times(lambda _: RATE, WEEKS, seed=1))


def with_burst(hours: float = 2, rate_factor: float = 3) -> list:
    extra = round((rate_factor - 1) * RATE * hours)
    return steady() + events("topic:thiên tai", burst(BURST_AT, extra, seed=2, length=timedelta(hours=hours)))


def in_burst(alerts: list, hours: float = 2) -> list:
    return [a for a in alerts if BURST_AT < a.fired_at <= BURST_AT + timedelta(hours=hours)]


def test_a_three_fold_burst_is_caught_within_its_two_hours() -> None:
    alerts = detect(build(with_burst()))
    assert len(in_burst(alerts)) == 1
    assert [a for a in alerts if a not in in_burst(alerts)] == detect(build(steady()))  # nothing else changed
    alert = in_burst(alerts)[0]
    assert BURST_AT < alert.fired_at <= BURST_AT + timedelta(hours=2)
    assert alert.window_start < alert.fired_at and alert.count > 2 * alert.expected
    assert alert.p_value < Params().p_threshold


def test_a_steady_poisson_series_of_the_same_rate_does_not_alarm() -> None:
    """~2,000 overlapping tests a week at p < 1e-4: a pure Poisson series may fire by chance, rarely."""
    alerts = detect(build(steady()))
    assert not in_burst(alerts, hours=6)
    tested_weeks = WEEKS - Params().min_weeks
    assert len(alerts) <= tested_weeks / 3  # the goal is ≤ 1 a week; chance alone stays far below


def test_a_series_busy_every_morning_does_not_alarm_every_morning() -> None:
    def rate(hour):  # 20 items an hour from 8 to 10 in Vietnam every day, 1 an hour otherwise
        return 20.0 if 8 <= hour.astimezone(VIETNAM).hour < 10 else 1.0

    morning = events("source:Báo Tỉnh", poisson_times(rate, WEEKS, seed=3))
    alerts = detect(build(morning))
    assert not [a for a in alerts if 8 <= a.fired_at.astimezone(VIETNAM).hour <= 11]  # the mornings are usual
    assert len(alerts) <= (WEEKS - Params().min_weeks) / 3  # chance firings elsewhere stay rare


def test_a_weekday_pattern_is_learnt_but_the_same_hour_on_an_unusual_day_alarms() -> None:
    def rate(hour):  # busy on Monday mornings only
        local = hour.astimezone(VIETNAM)
        return 15.0 if local.weekday() == 0 and 8 <= local.hour < 11 else 1.0

    times = poisson_times(rate, WEEKS, seed=4)
    thursday_morning = START + timedelta(weeks=9, days=3, hours=1)  # Thursday 08:00 in Vietnam
    quiet = detect(build(events("s", times)))
    loud = detect(build(events("s", times + burst(thursday_morning, 30, seed=5))))
    mondays = [a for a in quiet if a.fired_at.astimezone(VIETNAM).weekday() == 0
               and 8 <= a.fired_at.astimezone(VIETNAM).hour <= 12]
    assert not mondays
    new = [a for a in loud if a not in quiet]
    assert len(new) == 1 and thursday_morning < new[0].fired_at <= thursday_morning + timedelta(hours=2)


def test_the_cool_down_groups_repeated_firing_into_one_alert() -> None:
    long_burst = with_burst(hours=6)
    grid = build(long_burst)
    scores = score(grid)
    grouped = in_burst(fire(scores), hours=8)
    ungrouped = in_burst(fire(scores, cooldown=timedelta(0)), hours=8)
    assert len(grouped) == 1
    assert len(ungrouped) > 5  # every 10 minutes while the windows are unusual
    assert grouped[0] == ungrouped[0]


def test_a_quiet_series_does_not_alarm_on_a_handful_of_items() -> None:
    quiet = events("topic:biển đảo", poisson_times(lambda _: 0.05, WEEKS, seed=6))
    handful = quiet + events("topic:biển đảo", burst(BURST_AT, 3, seed=7, length=timedelta(minutes=30)))
    assert detect(build(handful)) == []
    many = quiet + events("topic:biển đảo", burst(BURST_AT, 8, seed=7, length=timedelta(minutes=40)))
    assert len(detect(build(many))) == 1


def test_the_alerts_fired_before_t_do_not_depend_on_data_after_t() -> None:
    full = with_burst() + events("topic:y tế", poisson_times(lambda _: 2.0, WEEKS, seed=8))
    full_alerts = detect(build(full), replace(Params(), p_threshold=1e-2))  # loose: many alerts to compare
    assert len(full_alerts) > 10
    for cut in (BURST_AT + timedelta(minutes=45), START + timedelta(weeks=6, hours=5, minutes=3)):
        truncated = [(s, t) for s, t in full if t < cut]
        early = detect(build(truncated), replace(Params(), p_threshold=1e-2))
        assert early == [a for a in full_alerts if a.fired_at <= cut]
        assert early  # the comparison is not vacuous
