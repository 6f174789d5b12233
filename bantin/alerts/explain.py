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


def why(count: int, hours: int, expected: float) -> str:
    return f"{count} bài trong {hours} giờ, thường {vi_number(expected)}"


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
        hours = round((fired_at - window_start).total_seconds() / 3600)
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
