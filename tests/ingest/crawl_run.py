"""Running `bantin crawl --once` as a real process for the tests: its environment, its sources file, the run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def crawl_env(db_url: str, sources: Path, data_dir: Path, **settings: str) -> dict[str, str]:
    """This process's environment without its BANTIN_* values, pointed at a loopback crawl (plus ``settings``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANTIN_")}
    env.update(BANTIN_DATABASE_URL=db_url, BANTIN_SOURCES_FILE=str(sources), BANTIN_DATA_DIR=str(data_dir),
               BANTIN_ALLOW_LOOPBACK="1", BANTIN_MIN_HOST_DELAY_S="0", **settings)
    return env


def write_sources(path: Path, feeds: dict[str, str]) -> Path:
    """A sources file: one Vietnamese source per (name, feed URL), its home page the feed's folder."""
    path.write_text("".join(
        f'[[source]]\nname = "{name}"\nhome_url = "{url.rsplit("/", 1)[0]}/"\nlanguage = "vi"\ncountry = "VN"\n'
        f'feeds = ["{url}"]\n\n' for name, url in feeds.items()), encoding="utf-8")
    return path


def crawl_once(env: dict[str, str], timeout_s: float = 240) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "bantin", "crawl", "--once", "--no-progress"], cwd=ROOT, env=env,
                          capture_output=True, timeout=timeout_s)
