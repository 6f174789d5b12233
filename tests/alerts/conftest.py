"""Fixtures of the alert rules' tests: delivery's loopback SMTP server and app context (``smtp``, ``ctx``)
and the CLI on a migrated database (``cli``), both on SQLite and PostgreSQL."""

from tests.delivery.conftest import ctx, smtp, web  # noqa: F401 - re-exported fixtures
from tests.delivery.test_cli import cli  # noqa: F401 - re-exported fixture
