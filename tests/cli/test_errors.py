"""A user's mistake or an unreachable service is one or two lines on stderr and exit code 2, never a
traceback, and a password in a URL is never printed (the real command, in a subprocess)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.run import bantin, bantin_env

# Enough for "Lỗi (error): <what>: <why>" and, at most, one line of context.
MAX_ERROR_LINES = 2


def assert_one_clear_error(res, *names: str) -> str:  # type: ignore[no-untyped-def]
    lines = res.stderr.strip().splitlines()
    assert res.returncode == 2, res.stderr
    assert "Traceback" not in res.stderr
    assert 1 <= len(lines) <= MAX_ERROR_LINES, res.stderr
    for name in names:
        assert name in res.stderr, res.stderr
    return str(res.stderr)


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield int(s.getsockname()[1])


def test_unreachable_database_names_the_service_and_masks_the_password(tmp_path: Path, closed_port: int) -> None:
    url = f"postgresql://bantin:hunter2secret@127.0.0.1:{closed_port}/bantin"
    res = bantin(bantin_env(tmp_path, BANTIN_DATABASE_URL=url), "sources", "list")
    text = assert_one_clear_error(res, "BANTIN_DATABASE_URL", f"postgresql://bantin:***@127.0.0.1:{closed_port}/bantin")
    assert "hunter2secret" not in text and "refused" in text.lower()


def test_unparsable_database_url_names_the_setting_without_its_password(tmp_path: Path) -> None:
    res = bantin(bantin_env(tmp_path, BANTIN_DATABASE_URL="nosuchdb://bantin:hunter2secret@db/x"), "db", "upgrade")
    assert "hunter2secret" not in assert_one_clear_error(res, "BANTIN_DATABASE_URL")


@pytest.mark.parametrize(("setting", "value"), [
    ("BANTIN_MAX_BODY_BYTES", "ten megabytes"),
    ("BANTIN_MIN_HOST_DELAY_S", "0.1"),  # below the politeness floor without BANTIN_ALLOW_LOOPBACK
    ("BANTIN_EXTRACT_WORKERS", "-1"),
])
def test_bad_setting_names_the_variable_in_one_line(tmp_path: Path, setting: str, value: str) -> None:
    res = bantin(bantin_env(tmp_path, **{setting: value}), "sources", "list")
    assert_one_clear_error(res, setting)


def test_bad_setting_does_not_echo_a_database_password(tmp_path: Path) -> None:
    env = bantin_env(tmp_path, BANTIN_MIN_HOST_DELAY_S="0", BANTIN_DATABASE_URL="postgresql://u:hunter2secret@h/d")
    assert "hunter2secret" not in assert_one_clear_error(bantin(env, "sources", "list"), "BANTIN_MIN_HOST_DELAY_S")


@pytest.mark.parametrize("command", [["articles", "export"], ["model", "export-labels"]])
def test_export_into_a_missing_directory_names_the_path(tmp_path: Path, command: list[str]) -> None:
    target = tmp_path / "nonexistent" / "x.jsonl"
    res = bantin(bantin_env(tmp_path), *command, "-o", str(target))
    assert_one_clear_error(res, str(target), "No such file or directory")


def test_replay_on_a_port_in_use_names_the_address(tmp_path: Path, busy_port: int) -> None:
    (tmp_path / "page.html").write_text("<html><body>Tin</body></html>", encoding="utf-8")
    (tmp_path / "url-map.tsv").write_text("original_url\tpath\tcontent_encoding\tcontent_type\n"
                                          "https://bao.example/tin\tpage.html\t\ttext/html\n", encoding="utf-8")
    res = bantin(bantin_env(tmp_path), "replay", str(tmp_path), "--port", str(busy_port))
    assert_one_clear_error(res, f"127.0.0.1:{busy_port}", "in use")


def test_replay_with_nothing_to_serve_says_so(tmp_path: Path) -> None:
    res = bantin(bantin_env(tmp_path), "replay", str(tmp_path), "--port", "0")
    assert_one_clear_error(res, "nothing to serve", str(tmp_path))


def test_sources_add_of_an_unreachable_host_names_the_url(tmp_path: Path, closed_port: int) -> None:
    url = f"http://127.0.0.1:{closed_port}/"
    env = bantin_env(tmp_path, BANTIN_ALLOW_LOOPBACK="1", BANTIN_MIN_HOST_DELAY_S="0")
    assert_one_clear_error(bantin(env, "sources", "add", url), "could not fetch", url)


@pytest.mark.parametrize(("text", "masked"), [
    ("postgresql://bantin:s3cr%40t@db.example:5432/bantin", "postgresql://bantin:***@db.example:5432/bantin"),
    ("postgresql+psycopg://:only-a-password@db/x", "postgresql+psycopg://:***@db/x"),
    ("host=db user=bantin password=s3cret dbname=x", "host=db user=bantin password=*** dbname=x"),
    ("sqlite:////var/lib/bantin/bantin.db", "sqlite:////var/lib/bantin/bantin.db"),
])
def test_secrets_in_urls_and_dsns_are_masked(text: str, masked: str) -> None:
    from bantin.cli.errors import mask

    assert mask(text) == masked
