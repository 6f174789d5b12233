"""Alembic migrations of bantin's schema (``versions/``); :func:`revision_module` lets a revision reuse an
earlier one's names and SQL (the rollup's triggers of 0008) instead of copying them."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

VERSIONS = Path(__file__).with_name("versions")


def revision_module(filename: str) -> ModuleType:
    """The revision script ``versions/<filename>`` as a module of its own (revision files are not importable
    by name: they start with a digit)."""
    spec = importlib.util.spec_from_file_location(f"_bantin_{Path(filename).stem}", VERSIONS / filename)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
