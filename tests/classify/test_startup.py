"""`bantin classify` start-up (#12: at most 2 s): what a start imports and reads, checked in fresh processes (the
figure itself is measured by bench/classify_speed.py, not asserted here: the test machine is shared)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bantin.text import tones
from tests.cli.run import ROOT, bantin, bantin_env

# Modules a start must not import: scikit-learn (`sklearn.base` alone ~2 s: it imports scipy.stats; predicting uses
# the light scorers), skops, which imports every scikit-learn estimator (~1-1.7 s), underthesea's package
# its pipelines (~0.25 s), datasketch came with a migration script (~0.3 s); vietnam_provinces (~0.12 s CPU)
# only builds the gazetteer, which a second start reads from its cache.
HEAVY = ("sklearn", "skops", "underthesea", "datasketch", "vietnam_provinces")
# Runs `bantin classify` inside the interpreter, then reports what it imported and where its parts came from.
PROBE = f"""
import json, sys
from bantin.cli.main import app
try:
    app(sys.argv[1:], standalone_mode=False)
finally:
    from bantin.classify.relevance import gazetteer_cache
    from bantin.classify.registry import store
    print(json.dumps({{"imported": sorted(m for m in sys.modules if m.split(".")[0] in {HEAVY!r}),
                      "gazetteer": dict(gazetteer_cache.stats), "artifacts": dict(store.load_stats)}}))
"""


def _start(env: dict[str, str], src: Path, out: Path, *args: str) -> dict:  # type: ignore[type-arg]
    proc = subprocess.run([sys.executable, "-c", PROBE, "classify", "--input", str(src), "--output", str(out),
                           "--no-progress", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_a_second_start_reads_the_gazetteer_cache_and_imports_nothing_heavy(tmp_path: Path) -> None:
    env = bantin_env(tmp_path, BANTIN_PROVINCE="Nghệ An")
    train = tmp_path / "train.jsonl"
    rows = [("bóng đá cầu thủ trận đấu bàn thắng", "the_thao"), ("doanh nghiệp ngân hàng lãi suất", "kinh_te")] * 10
    train.write_text("".join(json.dumps({"text": t, "label": lab}, ensure_ascii=False) + "\n" for t, lab in rows),
                     encoding="utf-8")
    assert bantin(env, "model", "train", "--data", str(train), "--name", "quick", "--param", "n_features=4096",
                  "--param", "calibrate=False").returncode == 0
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text(json.dumps({"id": 1, "title": "Nghệ An khánh thành cầu", "summary": "Tại TP Vinh, sáng nay"},
                              ensure_ascii=False) + "\n", encoding="utf-8")
    first = _start(env, src, out, "--model", "quick")
    second = _start(env, src, out, "--model", "quick")
    assert first["gazetteer"] == {"built": 1} and second["gazetteer"] == {"loaded": 1}
    assert second["artifacts"] == {"fast": 2} and second["imported"] == []  # the default topic model and `quick`
    (row,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert row["province"]["relevance"] == "primary" and row["label"] in ("the_thao", "kinh_te") and row["topics"]


def test_underthesea_rules_read_from_its_file_are_the_ones_its_module_holds() -> None:
    module = tones._underthesea()
    char_map, token_map = tones._rule_maps()
    assert list(char_map.items()) == list(module.character_map.items())
    assert list(token_map.items()) == list(module.token_map.items()) and len(token_map) > 2000
