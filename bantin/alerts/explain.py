"""An alert and the sentence that says why it fired ("14 bài trong 2 giờ, thường 3")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def vi_number(value: float) -> str:
    """An expected count as an officer reads it: whole from 10 up, else one decimal with a comma (2,5; 0,4)."""
    if value >= 10:
        return f"{round(value):d}"
    text = f"{value:.1f}".replace(".", ",")
    return text.removesuffix(",0")


def vi_duration(minutes: int) -> str:
    """``120`` → "2 giờ", ``30`` → "30 phút", ``90`` → "1 giờ 30 phút"."""
    hours, rest = divmod(minutes, 60)
    parts = ([f"{hours} giờ"] if hours else []) + ([f"{rest} phút"] if rest or not hours else [])
    return " ".join(parts)


def why(count: int, hours: float, expected: float) -> str:
    """The alert's reason as an officer reads it: "14 bài trong 2 giờ, thường 3"."""
    return f"{count} bài trong {vi_duration(round(hours * 60))}, thường {vi_number(expected)}"


@dataclass(frozen=True)
class Alert:
    series: str
    window_start: datetime
    fired_at: datetime
    count: int
    expected: float
    p_value: float
    why: str

    @classmethod
    def make(cls, series: str, window_start: datetime, fired_at: datetime, count: int, expected: float,
             p_value: float) -> Alert:
        hours = (fired_at - window_start).total_seconds() / 3600
        return cls(series, window_start, fired_at, count, expected, p_value, why(count, hours, expected))

    def as_json(self) -> dict[str, Any]:
        return {
            "series": self.series,
            "window_start": self.window_start.astimezone(VIETNAM).isoformat(),
            "fired_at": self.fired_at.astimezone(VIETNAM).isoformat(),
            "count": self.count,
            "expected": round(self.expected, 2),
            "p_value": float(f"{self.p_value:.3g}"),
            "why": self.why,
        }
