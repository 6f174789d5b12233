"""Read the pre-2025 units and the 2025 conversion table shipped inside vietnamadminunits.

These are the files its own ``database.query`` and converter read (``data/dataset.db``, table
``admin_units_legacy``; ``data/converter_2025.json``). They are opened directly, located without importing the
package, because importing it loads geopy and 3.5 MB of parser tables the gazetteer does not need.
"""

from __future__ import annotations

import importlib.util
import json
import sqlite3
from collections import defaultdict
from pathlib import Path


def _vau_dir() -> Path:
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("vietnamadminunits is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def legacy_rows() -> list[sqlite3.Row]:
    with sqlite3.connect(f"file:{_vau_dir() / 'dataset.db'}?mode=ro", uri=True) as conn:
        conn.row_factory = sqlite3.Row
        sql = "SELECT provinceKey, provinceShort, districtShort, districtType, wardShort, wardType FROM admin_units_legacy"
        return conn.execute(sql).fetchall()


def converter() -> dict:
    return json.loads((_vau_dir() / "converter_2025.json").read_text(encoding="utf-8"))


def predecessor_provinces(conv: dict, our_key: str) -> dict[str, set[str]]:
    """2025 ward key -> legacy province keys its territory came from (per the package converter)."""
    pred: dict[str, set[str]] = defaultdict(set)
    for new_ward, olds in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].get(our_key, {}).items():
        pred[new_ward].update(o.split("_")[0] for o in olds)
    for old, news in conv["DICT_PROVINCE_WARD_DIVIDED"].get(our_key, {}).items():
        for n in news:
            pred[n["newWardKey"]].add(old.split("_")[0])
    return pred
