"""Running the real `bantin` command in a subprocess, on its own data directory and database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# A command that starts, opens a database and fails must do so well within this (Python + typer start ~2 s).
COMMAND_TIMEOUT_S = 120


def bantin_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    """The environment without the caller's BANTIN_* settings, a fresh data dir and no default sources."""
    empty = tmp_path / "no-sources.toml"
    empty.write_text("", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANTIN_")}
    env.update(BANTIN_DATA_DIR=str(tmp_path / "data"), BANTIN_SOURCES_FILE=str(empty), PYTHONPATH=str(ROOT))
    env.update(settings)
    return env


def bantin(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bantin", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=COMMAND_TIMEOUT_S)


def bantin_popen(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "bantin", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8")
