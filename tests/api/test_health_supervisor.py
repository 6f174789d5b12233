"""`GET /api/v1/health` under `bantin serve`: the supervisor's word on the crawler (alive, restarts, last exit)."""

from __future__ import annotations

from datetime import UTC, datetime

from bantin.app.supervisor import Exit
from tests.api.conftest import Api


class _Supervisor:
    def __init__(self, alive: bool, restarts: int, last_exit: Exit | None) -> None:
        self._alive, self.restarts, self.last_exit = alive, restarts, last_exit

    def alive(self) -> bool:
        return self._alive


def test_health_reports_the_supervised_crawler(sqlite_api: Api) -> None:
    api = sqlite_api
    assert api.client.get("/api/v1/health").json()["crawler_restarts"] is None  # no supervisor: no figures
    died = Exit(-9, datetime(2026, 12, 1, 12, 0, tzinfo=UTC), 3.5)
    api.app.state.supervisor = _Supervisor(True, 2, died)
    body = api.client.get("/api/v1/health").json()
    assert (body["status"], body["crawler_alive"], body["crawler_restarts"], body["crawler_last_exit"]) == (
        "ok", True, 2, -9)
    assert body["crawler_last_exit_at"].startswith("2026-12-01T12:00:00")
    api.app.state.supervisor = _Supervisor(False, 3, died)
    assert api.client.get("/api/v1/health").json()["status"] == "degraded"
