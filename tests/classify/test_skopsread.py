"""The start-up reader of our skops artifacts builds exactly what skops builds, and hands anything else to skops."""

from __future__ import annotations

import io
import json
import zipfile
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import skops.io as sio

from bantin.classify.registry import skopsread, store
from bantin.classify.service import DEFAULT_MODEL_DIR
from bantin.classify.topics.model import TopicModel
from tests.classify.test_registry import VOCAB, synthetic_rows, train


def same(a: Any, b: Any, path: str = "model") -> None:
    """Deep equality of two loaded objects: types, attribute order, array dtypes, shapes and values."""
    assert type(a) is type(b), path
    if isinstance(a, np.ndarray):
        assert (a.dtype, a.shape) == (b.dtype, b.shape) and np.array_equal(a, b), path
    elif isinstance(a, list | tuple):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            same(x, y, f"{path}[{i}]")
    elif isinstance(a, dict):
        assert list(a) == list(b), path
        for k in a:
            same(a[k], b[k], f"{path}.{k}")
    elif hasattr(a, "__dict__"):
        same(vars(a), vars(b), path)
    else:
        assert a == b, path


def artifact(model: Any) -> tuple[bytes, list[str]]:
    data = sio.dumps(model)
    return data, sorted(sio.get_untrusted_types(data=data))


def test_the_shipped_topic_model_reads_as_skops_reads_it() -> None:
    manifest = json.loads((DEFAULT_MODEL_DIR / "manifest.json").read_text(encoding="utf-8"))
    data = (DEFAULT_MODEL_DIR / manifest["file"]).read_bytes()
    fast = skopsread.loads(data, manifest["trusted_types"])
    same(fast, sio.loads(data, trusted=manifest["trusted_types"]))
    texts = ["Bệnh viện tiếp nhận bệnh nhân", "Đội tuyển bóng đá thắng trận", ""]
    assert np.array_equal(fast.predict_proba(texts), sio.loads(data, trusted=manifest["trusted_types"]).predict_proba(texts))


def test_a_trained_classifier_and_topic_model_read_as_skops_reads_them() -> None:
    rows = synthetic_rows()
    topics = TopicModel(topics=list(VOCAB), n_features=2**12).fit([t for t, _ in rows], [[lab] for _, lab in rows])
    for model in (train(rows), topics):
        data, trusted = artifact(model)
        fast = skopsread.loads(data, trusted)
        same(fast, sio.loads(data, trusted=trusted))
        texts = [t for t, _ in rows[::7]]
        assert np.array_equal(fast.predict_proba(texts), model.predict_proba(texts))


def test_load_verified_uses_the_fast_reader_and_falls_back_to_skops_for_anything_else(tmp_path: Path) -> None:
    model = train(synthetic_rows())
    data, trusted = artifact(model)
    path = tmp_path / "m.skops"
    path.write_bytes(data)
    before = store.load_stats.copy()
    store.load_verified(path, store.sha256_bytes(data), trusted, "test")
    assert store.load_stats - before == {"fast": 1}
    model.extra_ = OrderedDict(a=1)  # a node the reader does not reproduce
    data, trusted = artifact(model)
    path.write_bytes(data)
    with pytest.raises(skopsread.Unsupported, match="mapping collections.OrderedDict"):
        skopsread.loads(data, trusted)
    loaded = store.load_verified(path, store.sha256_bytes(data), trusted, "test")
    assert store.load_stats - before == {"fast": 1, "skops": 1} and loaded.extra_ == OrderedDict(a=1)


def test_a_type_outside_the_trusted_list_is_never_built(tmp_path: Path) -> None:
    data, trusted = artifact(train(synthetic_rows()))
    with pytest.raises(skopsread.Unsupported, match="not in the trusted list"):
        skopsread.loads(data, [t for t in trusted if not t.endswith("TextClassifier")])
    path = tmp_path / "m.skops"
    path.write_bytes(data)
    with pytest.raises(store.ArtifactError, match="needs types not registered"):  # and skops refuses it too
        store.load_verified(path, store.sha256_bytes(data), trusted[:1], "test")


def _rewritten(data: bytes, edit: Any) -> bytes:
    src, buf = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(buf, "w") as dst:
        for name in src.namelist():
            content = src.read(name)
            dst.writestr(name, json.dumps(edit(json.loads(content))) if name == "schema.json" else content)
    return buf.getvalue()


@pytest.mark.parametrize("edit, message", [
    (lambda s: s | {"protocol": 1}, "protocol 1"),
    (lambda s: s | {"__loader__": "FunctionNode"}, "node 'FunctionNode'"),
    (lambda s: s | {"__module__": "os", "__class__": "system"}, "os.system not in the trusted list"),
])
def test_a_schema_with_other_nodes_or_protocols_goes_to_skops(edit: Any, message: str) -> None:
    data, trusted = artifact(train(synthetic_rows()))
    with pytest.raises(skopsread.Unsupported, match=message):
        skopsread.loads(_rewritten(data, edit), trusted)
