"""Bearer tokens are remembered for TOKEN_CACHE_S seconds after a lookup: what that allows and what it does not.

A change made in this process (revoke, disable, another role) is honoured on the next request; one made by
another process (another API worker, the CLI: here a plain SQL UPDATE, which no ORM event sees) within
TOKEN_CACHE_S. The cache's clock is replaced by one the test moves, so nothing sleeps.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import update

from bantin.accounts.tokens import TOKEN_CACHE, TOKEN_CACHE_S
from bantin.store.office import ApiToken, User
from bantin.store.types import utcnow
from tests.api.conftest import Api

ME = "/api/v1/auth/me"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Iterator[Clock]:
    c = Clock()
    before = TOKEN_CACHE.clock
    TOKEN_CACHE.clock = c
    TOKEN_CACHE.clear()
    yield c
    TOKEN_CACHE.clock = before
    TOKEN_CACHE.clear()


def _elsewhere(api: Api, stmt: object) -> None:
    """A change as another process makes it: SQL on its own connection, no ORM event in this process."""
    with api.ctx.engine.begin() as conn:
        conn.execute(stmt)  # type: ignore[call-overload]


def test_a_token_revoked_by_another_process_stops_working_within_the_cache_bound(api: Api, clock: Clock) -> None:
    bearer = api.headers("analyst")
    assert api.client.get(ME, headers=bearer).status_code == 200  # looked up, remembered
    _elsewhere(api, update(ApiToken).where(ApiToken.user_id == 3).values(revoked_at=utcnow()))
    clock.now += TOKEN_CACHE_S - 0.5
    assert api.client.get(ME, headers=bearer).status_code == 200  # still within the bound
    clock.now += 1.0
    assert api.client.get(ME, headers=bearer).status_code == 401  # past it: looked up again, refused


def test_a_user_disabled_through_the_api_is_refused_on_the_next_request(api: Api, clock: Clock) -> None:
    bearer = api.headers("reviewer")
    assert api.client.get(ME, headers=bearer).status_code == 200
    r = api.client.patch("/api/v1/users/2", headers=api.headers("admin"), json={"disabled": True})
    assert r.status_code == 200 and r.json()["disabled"] is True
    assert api.client.get(ME, headers=bearer).status_code == 401  # no waiting: the change was made here


def test_a_demotion_elsewhere_takes_effect_within_the_cache_bound(api: Api, clock: Clock) -> None:
    bearer = api.headers("admin")
    assert api.client.get("/api/v1/users", headers=bearer).status_code == 200
    _elsewhere(api, update(User).where(User.name == "admin").values(role="viewer"))
    clock.now += TOKEN_CACHE_S + 0.1
    assert api.client.get("/api/v1/users", headers=bearer).status_code == 403
    assert api.client.get(ME, headers=bearer).json()["user"]["role"] == "viewer"


def test_an_unknown_token_is_looked_up_every_time_and_never_remembered(api: Api, clock: Clock) -> None:
    made_up = {"Authorization": "Bearer bt_" + "x" * 40}
    for _ in range(3):
        assert api.client.get(ME, headers=made_up).status_code == 401
    assert TOKEN_CACHE.get("bt_" + "x" * 40) is None
