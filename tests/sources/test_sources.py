"""Sources: the shipped list, sources files with clear errors, `bantin sources add/list/check`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bantin.sources.registry import DEFAULT_SOURCES_FILE, SourcesFileError, load_sources_file
from tests.sitefixture import serve_site

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
                           "country": None, "enabled": True, "feeds": [site.feed_url]}]
        crawled = _bantin(env, "crawl", "--once", "--no-progress")
        assert crawled.returncode == 0, crawled.stderr
    health = json.loads(_bantin(env, "sources", "check", "--json").stdout)
    assert health[0]["name"] == "Báo Thử" and health[0]["health"] == "ok"
    assert health[0]["fetches"] == 1 and health[0]["items_per_day"] > 0


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
