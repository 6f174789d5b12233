"""The API against its own OpenAPI schema (schemathesis, property-based): with an admin token, no generated
request gets a server error, and every documented response matches its schema. SQLite only, a bounded
number of examples per operation, so the file runs well under two minutes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from tests.api.conftest import Api, make_api

# Examples per operation: 15 operations x 20 examples runs in about a minute on the loaded 2-core machine.
EXAMPLES_PER_OPERATION = 20
# Generated requests come from one client: the per-minute limit must not turn them into 429s.
GENEROUS_RATE_LIMIT = 100_000


@pytest.fixture(scope="module")
def schema_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    tmp = tmp_path_factory.mktemp("schemathesis")
    a = make_api(f"sqlite:///{tmp / 'api.db'}", Path(tmp), rate_limit_per_minute=GENEROUS_RATE_LIMIT)
    yield a
    a.ctx.engine.dispose()


def admin_headers(api: Api) -> dict[str, str]:
    """A fresh token of an enabled admin: generated requests may revoke tokens, demote or disable users."""
    from sqlalchemy import select, update

    from bantin.accounts.tokens import issue_token
    from bantin.store.office import User

    with api.ctx.sessions() as s:
        s.execute(update(User).where(User.name == "admin").values(role="admin", disabled=False))
        user = s.scalars(select(User).where(User.name == "admin")).one()
        plain = issue_token(s, user, "schemathesis", "test")[1]
        s.commit()
    return {"Authorization": f"Bearer {plain}"}


def test_no_server_errors_and_responses_match_the_schema(schema_api: Api) -> None:
    """Each operation in turn (schemathesis' lazy pytest schema does not run on pytest 9: one test drives
    hypothesis per operation and collects what fails)."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", schema_api.app, headers=admin_headers(schema_api))
    failures, tested = [], []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def run(case: Any) -> None:
            case.call_and_validate(headers=admin_headers(schema_api),
                                   checks=[checks.not_a_server_error, checks.response_schema_conformance])

        try:
            run()
        except Exception as exc:  # noqa: BLE001 - every operation's failure is reported, not only the first
            failures.append(f"{operation.label}: {exc}")
        tested.append(operation.label)
    assert len(tested) >= 10
    assert failures == [], "\n\n".join(failures)
