"""Sources: the shipped list, sources files with clear errors, `bantin sources add/list/check`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bantin.sources.registry import DEFAULT_SOURCES_FILE, SourcesFileError, load_sources_file
from tests.httpfixtures import serve_site

ROOT = Path(__file__).resolve().parents[2]


def test_default_sources_name_publishers_with_http_feeds() -> None:
    specs = load_sources_file(DEFAULT_SOURCES_FILE)
    names = {s.name for s in specs}
    assert {"VnExpress", "Tuổi Trẻ", "Thanh Niên", "Dân trí", "Báo Nghệ An", "Báo Hà Tĩnh", "Báo Hưng Yên",
            "VnExpress International", "Vietnam News"} <= names
    assert {s.language for s in specs} == {"vi", "en"}
    assert all(f.startswith("https://") for s in specs for f in s.feeds)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[[source]]\nname = "A"\nfeeds = ["ftp://x/feed"]\n', r"not an http\(s\) URL"),
        ('[[source]]\nname = "A"\nfeeds = []\n', "no feeds"),
        ('[[source]]\nfeeds = ["https://a.vn/rss"]\n', "missing name"),
        ('[[source]]\nname = "A"\nfeeds = ["https://a.vn/rss"]\n[[source]]\nname = "A"\nfeeds = ["https://b.vn/rss"]\n',
         "duplicate name"),
        ("[[source]\nname=", "cannot read sources file"),
    ],
)
def test_bad_sources_file_is_refused_with_the_entry_named(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SourcesFileError, match=message) as err:
        load_sources_file(path)
    assert str(path) in str(err.value)


def _bantin(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bantin", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=240)


def test_sources_add_discovers_feeds_from_a_home_page_and_check_reports_health(tmp_path: Path) -> None:
    empty = tmp_path / "none.toml"
    empty.write_text("", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANTIN_")}
    env.update(BANTIN_DATA_DIR=str(tmp_path), BANTIN_SOURCES_FILE=str(empty), BANTIN_ALLOW_LOOPBACK="1",
               BANTIN_MIN_HOST_DELAY_S="0")
    with serve_site(3) as site:
        added = _bantin(env, "sources", "add", site.base + "/", "--name", "Báo Thử")
        assert added.returncode == 0, added.stderr
        listed = json.loads(_bantin(env, "sources", "list", "--json").stdout)
        assert listed == [{"name": "Báo Thử", "kind": "feed", "home_url": site.base + "/", "language": "vi",
                           "country": None, "enabled": True, "feeds": [site.feed_url], "disabled_feeds": []}]
        crawled = _bantin(env, "crawl", "--once", "--no-progress")
        assert crawled.returncode == 0, crawled.stderr
    health = json.loads(_bantin(env, "sources", "check", "--json").stdout)
    assert health[0]["name"] == "Báo Thử" and health[0]["health"] == "ok"
    assert health[0]["fetches"] == 1 and health[0]["items_per_day"] > 0
    [feed] = health[0]["feed_detail"]
    assert feed["url"] == site.feed_url and feed["health"] == "ok" and feed["consecutive_failures"] == 0
    table = _bantin({**env, "COLUMNS": "250"}, "sources", "check")
    assert table.returncode == 0, table.stderr
    assert "└" in table.stdout and site.feed_url.split("//")[1][:20] in table.stdout


def test_sources_add_refuses_a_page_without_feeds_clearly(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANTIN_")}
    env.update(BANTIN_DATA_DIR=str(tmp_path), BANTIN_ALLOW_LOOPBACK="1", BANTIN_MIN_HOST_DELAY_S="0")
    with serve_site(1) as site:
        res = _bantin(env, "sources", "add", site.base + "/bai/tin-so-0.html")
    assert res.returncode == 1
    assert "không có liên kết feed" in res.stderr


def test_sources_add_refuses_loopback_without_the_setting(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANTIN_")}
    env.update(BANTIN_DATA_DIR=str(tmp_path))
    with serve_site(1) as site:
        res = _bantin(env, "sources", "add", site.base + "/")
        assert site.hits == {}
    assert res.returncode == 2  # a fetch that cannot be made: bantin cannot run it as configured
    assert "ssrf" in res.stderr.lower() or "refused" in res.stderr.lower()


# --- sync, disable, enable, remove (the real commands, on SQLite and PostgreSQL) -------------------------

HOME = "https://bao-thu.example.vn/"
FEED_A, FEED_B, FEED_C = (f"{HOME}rss/{s}.rss" for s in ("tin-moi", "thoi-su", "du-lich"))


@pytest.fixture
def cli(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run `bantin ...` in-process on a fresh database; returns (exit code, output)."""
    from typer.testing import CliRunner

    from bantin.app.settings import get_settings
    from bantin.cli.main import app

    empty = tmp_path / "none.toml"
    empty.write_text("", encoding="utf-8")
    for key, value in {"BANTIN_DATA_DIR": str(tmp_path / "data"), "BANTIN_DATABASE_URL": db_url,
                       "BANTIN_SOURCES_FILE": str(empty)}.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()

    def run(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(app, list(args))
        return result.exit_code, result.output

    yield run
    get_settings.cache_clear()


def sources_file(tmp_path: Path, name: str, feeds: list[str], minutes: int | None = None) -> str:
    path = tmp_path / f"sources-{len(list(tmp_path.glob('sources-*')))}.toml"
    poll = f"poll_minutes = {minutes}\n" if minutes is not None else ""
    path.write_text(f'[[source]]\nname = "{name}"\nhome_url = "{HOME}"\nlanguage = "vi"\n{poll}feeds = {feeds!r}\n'
                    .replace("'", '"'), encoding="utf-8")
    return str(path)


def listed(cli) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    code, output = cli("sources", "list", "--json")
    assert code == 0, output
    return json.loads(output)  # type: ignore[no-any-return]


def polled_feeds(db_url: str) -> list[str]:
    """The feed URLs the crawler would poll now."""
    from bantin.app.stats import CounterStats
    from bantin.ingest.core import CrawlCore
    from bantin.store.db import make_engine, session_factory

    engine = make_engine(db_url)
    try:
        return sorted(t.url for t in CrawlCore(session_factory(engine), CounterStats()).due_feeds())
    finally:
        engine.dispose()


def test_sync_renames_changes_the_interval_adds_feeds_and_disables_dropped_ones(cli, db_url: str,
                                                                                 tmp_path: Path) -> None:
    code, output = cli("sources", "sync", sources_file(tmp_path, "Báo Thử", [FEED_A, FEED_B], minutes=30))
    assert code == 0, output
    assert "1 mới (new)" in output and "2 mới (added)" in output
    code, output = cli("sources", "sync", sources_file(tmp_path, "Báo Thử Mới", [FEED_A, FEED_C], minutes=60))
    assert code == 0, output
    assert "Báo Thử → Báo Thử Mới" in output and f"− {FEED_B} (tắt, disabled)" in output
    assert f"+ {FEED_C}" in output
    (src,) = listed(cli)
    assert (src["name"], src["feeds"], src["disabled_feeds"]) == ("Báo Thử Mới", [FEED_A, FEED_C], [FEED_B])
    from sqlalchemy import select

    from bantin.store.db import make_engine, session_factory
    from bantin.store.schema import Source

    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        assert s.scalar(select(Source.poll_interval_s)) == 3600
    engine.dispose()
    assert polled_feeds(db_url) == sorted([FEED_A, FEED_C])


def test_sync_re_enables_a_feed_that_comes_back_and_keeps_its_row(cli, db_url: str, tmp_path: Path) -> None:
    cli("sources", "sync", sources_file(tmp_path, "Báo Thử", [FEED_A, FEED_B]))
    cli("sources", "sync", sources_file(tmp_path, "Báo Thử", [FEED_A]))
    code, output = cli("sources", "sync", sources_file(tmp_path, "Báo Thử", [FEED_A, FEED_B]))
    assert code == 0 and "1 bật lại (re-enabled)" in output and "0 mới (added)" in output
    assert listed(cli)[0]["feeds"] == [FEED_A, FEED_B]
    assert polled_feeds(db_url) == sorted([FEED_A, FEED_B])


def test_sync_refuses_a_bad_interval_naming_the_entry(cli, tmp_path: Path) -> None:
    code, output = cli("sources", "sync", sources_file(tmp_path, "Báo Thử", [FEED_A], minutes=1))
    assert code == 1 and "poll_minutes" in output and "Báo Thử" in output
    assert listed(cli) == []


def test_disable_stops_polling_and_enable_resumes_it(cli, db_url: str, tmp_path: Path) -> None:
    cli("sources", "sync", sources_file(tmp_path, "Báo Thử", [FEED_A]))
    code, output = cli("sources", "disable", "Báo Thử")
    assert code == 0 and "tắt (disabled)" in output
    assert listed(cli)[0]["enabled"] is False and polled_feeds(db_url) == []
    code, output = cli("sources", "enable", "Báo Thử")
    assert code == 0 and "bật (enabled)" in output
    assert listed(cli)[0]["enabled"] is True and polled_feeds(db_url) == [FEED_A]


def test_an_unknown_source_name_is_refused_with_the_known_names(cli, tmp_path: Path) -> None:
    cli("sources", "sync", sources_file(tmp_path, "Báo Thử", [FEED_A]))
    code, output = cli("sources", "disable", "Báo Không Có")
    assert code == 1 and "Báo Không Có" in output and "Báo Thử" in output


def test_remove_deletes_a_source_without_articles_and_audits_it(cli, db_url: str, tmp_path: Path) -> None:
    cli("sources", "sync", sources_file(tmp_path, "Báo Thử", [FEED_A]))
    code, output = cli("sources", "remove", "Báo Thử")
    assert code == 0, output
    assert listed(cli) == [] and polled_feeds(db_url) == []
    from tests.cli.test_audit_first import audit_rows

    assert audit_rows(db_url, "sources.remove") == [{"name": "Báo Thử"}]


def test_remove_refuses_a_source_with_stored_articles_and_points_to_disable(cli, db_url: str,
                                                                             tmp_path: Path) -> None:
    from sqlalchemy import select

    from bantin.store.db import make_engine, session_factory
    from bantin.store.schema import Article, Source

    cli("sources", "sync", sources_file(tmp_path, "Báo Thử", [FEED_A]))
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        s.add(Article(canonical_url=f"{HOME}tin-1.html", text="Tin Nghệ An.", content_hash="h1",
                      source_id=s.scalar(select(Source.id))))
        s.commit()
    engine.dispose()
    code, output = cli("sources", "remove", "Báo Thử")
    assert code == 1 and "1 stored articles" in output and "sources disable" in output
    assert [s["name"] for s in listed(cli)] == ["Báo Thử"]


def test_sources_add_says_which_feeds_were_new_and_which_already_known(db_url: str, tmp_path: Path) -> None:
    empty = tmp_path / "none.toml"
    empty.write_text("", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANTIN_")}
    env.update(BANTIN_DATA_DIR=str(tmp_path), BANTIN_SOURCES_FILE=str(empty), BANTIN_ALLOW_LOOPBACK="1",
               BANTIN_MIN_HOST_DELAY_S="0", BANTIN_DATABASE_URL=db_url)
    with serve_site(1) as site:
        first = _bantin(env, "sources", "add", site.base + "/", "--name", "Báo Thử")
        again = _bantin(env, "sources", "add", site.base + "/", "--name", "Báo Thử")
    assert first.returncode == 0 and again.returncode == 0, (first.stderr, again.stderr)
    assert "1 feed mới (new), 0 đã có (already known)" in first.stdout and f"+ {site.feed_url}" in first.stdout
    assert "0 feed mới (new), 1 đã có (already known)" in again.stdout
    assert f"= {site.feed_url} (đã có, already known)" in again.stdout
