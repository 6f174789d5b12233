#!/usr/bin/env python3
"""Bootstrap and run bantin with nothing but Python 3.11: `python3 dev.py run` or `python3 dev.py test`.

Creates .venv if missing, (re)installs bantin and its pinned dependencies when pyproject.toml or
requirements.lock changed, then runs the service or the checks (ruff, mypy, pytest).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / "bin"
STAMP = VENV / ".bantin-install-stamp"
# The suite on every core (pytest-xdist), a test file per worker so module fixtures are built once: one
# process took 31-36 min on the 2-core CI machine, over its 30-minute budget. `-n 0` runs it in one process.
PARALLEL = ["-n", "auto", "--dist", "loadfile"]


def _sh(*cmd: str | Path) -> None:
    subprocess.run([str(c) for c in cmd], cwd=ROOT, check=True)


def ensure_venv() -> None:
    if sys.version_info[:2] != (3, 11):
        sys.exit(f"bantin needs Python 3.11 (this is {sys.version.split()[0]}); run: python3.11 dev.py ...")
    if not (BIN / "python").exists():
        print("Tạo môi trường ảo (creating .venv) ...", flush=True)
        _sh(sys.executable, "-m", "venv", VENV)
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + (ROOT / "requirements.lock").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == want:
        return
    print("Cài đặt phụ thuộc (installing dependencies) ...", flush=True)
    _sh(BIN / "python", "-m", "pip", "install", "-q", "--upgrade", "pip")
    _sh(BIN / "python", "-m", "pip", "install", "-q", "-c", "requirements.lock", "-e", ".[dev]")
    STAMP.write_text(want)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("run", "test", "shell"):
        print(__doc__)
        return 2
    ensure_venv()
    cmd, rest = argv[0], argv[1:]
    env = dict(os.environ)
    if cmd == "run":
        return subprocess.call([str(BIN / "bantin"), "serve", *rest], cwd=ROOT, env=env)
    if cmd == "shell":
        return subprocess.call([str(BIN / "python"), *rest], cwd=ROOT, env=env)
    for check in ([BIN / "ruff", "check", "bantin", "tests", "bench", "dev.py"], [BIN / "mypy"]):
        print("$", " ".join(str(c).replace(str(ROOT) + "/", "") for c in check), flush=True)
        if subprocess.call([str(c) for c in check], cwd=ROOT, env=env) != 0:
            return 1
    if not any(a.startswith(("-n", "--numprocesses")) for a in rest):
        rest = [*PARALLEL, *rest]
    return subprocess.call([str(BIN / "python"), "-m", "pytest", *rest], cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
