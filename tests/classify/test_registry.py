"""Model registry: round trip, sha256 and trusted-types refusals, frozen evaluation set, promotion gate, rollback."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bantin.classify.io import rows_sha256
from bantin.classify.registry import store
from bantin.classify.registry.evalset import freeze_eval, frozen_eval
from bantin.classify.registry.promote import GATE_TOLERANCE, GateRefused, promote, rollback
from bantin.classify.registry.store import (
    ArtifactError,
    RegistryError,
    check_name,
    get_version,
    load,
    load_artifact,
    metrics_of,
    promoted,
    sha256_bytes,
    versions,
)
from bantin.classify.topics.textmodel import train_text_model
from bantin.store.db import make_engine, session_factory
from bantin.store.migrate import upgrade
from bantin.store.schema import AuditEvent

# Small hashed feature space: the synthetic vocabulary is tiny, and the tests stay fast.
SMALL = {"n_features": 2**12, "min_df": 1}
VOCAB = {
    "the_thao": "bóng đá cầu thủ trận đấu bàn thắng huấn luyện viên giải vô địch sân vận động",
    "kinh_te": "doanh nghiệp lãi suất ngân hàng xuất khẩu thị trường chứng khoán giá vàng đầu tư",
    "y_te": "bệnh viện bác sĩ bệnh nhân vắc xin dịch bệnh điều trị sức khỏe thuốc",
}


def synthetic_rows(n_per_class: int = 30, seed: int = 0) -> list[tuple[str, str]]:
    """Texts drawn from a per-class vocabulary plus shared filler: separable, but not trivially."""
    rng = random.Random(seed)
    filler = "hôm nay theo ông cho biết tại năm nay người dân cũng đã".split()
    rows = []
    for label, words in VOCAB.items():
        vocab = words.split()
        for _ in range(n_per_class):
            tokens = rng.choices(vocab, k=6) + rng.choices(filler, k=8)
            rng.shuffle(tokens)
            rows.append((" ".join(tokens), label))
    return rows


def train(rows: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
    return train_text_model([t for t, _ in rows], [lab for _, lab in rows], **SMALL)


def swapped(rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The same texts with the labels rotated: a model trained on these is wrong on every row."""
    keys = list(VOCAB)
    return [(t, keys[(keys.index(lab) + 1) % len(keys)]) for t, lab in rows]


def sessions_for(db_url: str):  # type: ignore[no-untyped-def]
    engine = make_engine(db_url)
    upgrade(engine)
    return session_factory(engine)


def register(s: Session, models_dir: Path, name: str, rows: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
    mv = store.register(s, models_dir, name, train(rows), metrics={"holdout": None},
                           training_data_hash=rows_sha256(rows), created_by="test")
    s.commit()
    return mv


def test_registered_model_loads_back_identical_with_hashes_and_trusted_types(db_url: str, tmp_path: Path) -> None:
    sessions, models = sessions_for(db_url), tmp_path / "models"
    rows = synthetic_rows()
    with sessions() as s:
        mv = register(s, models, "demo", rows)
        assert (mv.version, mv.status, mv.artifact_path) == (1, "candidate", "demo/1.skops")
        assert mv.artifact_sha256 == sha256_bytes((models / "demo" / "1.skops").read_bytes())
        assert mv.training_data_hash == rows_sha256(rows)
        assert metrics_of(mv)["artifact"]["trusted_types"] == [
            "bantin.classify.topics.features.SyllableTfidfVectorizer", "bantin.classify.topics.textmodel.TextClassifier"]
        assert register(s, models, "demo", rows).version == 2
    with sessions() as s:
        loaded = load(s, models, "demo", 1)
    texts = [t for t, _ in rows[:10]]
    assert list(loaded.model.predict(texts)) == list(train(rows).predict(texts))


def test_tampered_artifact_is_refused_before_loading(db_url: str, tmp_path: Path) -> None:
    sessions, models = sessions_for(db_url), tmp_path / "models"
    with sessions() as s:
        register(s, models, "demo", synthetic_rows())
    path = models / "demo" / "1.skops"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with sessions() as s, pytest.raises(ArtifactError, match="sha256"):
        load(s, models, "demo", 1)


def test_missing_artifact_and_unallowed_trusted_types_are_refused(db_url: str, tmp_path: Path) -> None:
    sessions, models = sessions_for(db_url), tmp_path / "models"
    with sessions() as s:
        mv = register(s, models, "demo", synthetic_rows())
        metrics = metrics_of(mv)
        metrics["artifact"]["trusted_types"].append("builtins.eval")  # a tampered registry row
        mv.metrics = json.dumps(metrics)
        s.commit()
        with pytest.raises(ArtifactError, match="outside the allowed list"):
            load(s, models, "demo", 1)
        (models / "demo" / "1.skops").unlink()
        with pytest.raises(ArtifactError, match="missing"):
            load_artifact(models, mv)


def test_model_needing_untrusted_code_is_refused_at_save(db_url: str, tmp_path: Path) -> None:
    from sklearn.preprocessing import FunctionTransformer

    sessions = sessions_for(db_url)
    with sessions() as s, pytest.raises(ArtifactError, match="system"):
        store.register(s, tmp_path, "evil", FunctionTransformer(func=os.system), metrics={},
                          training_data_hash="0" * 64, created_by="test")


@pytest.mark.parametrize("name", ["../etc", "Topics", "", "a/b", "x" * 65])
def test_model_names_that_are_not_safe_directory_names_are_refused(name: str) -> None:
    with pytest.raises(RegistryError):
        check_name(name)


def test_training_data_hash_ignores_row_order_but_not_content() -> None:
    rows = synthetic_rows(5)
    shuffled = rows[:]
    random.Random(1).shuffle(shuffled)
    assert rows_sha256(rows) == rows_sha256(shuffled) == rows_sha256(list(reversed(rows)))
    assert rows_sha256(rows) != rows_sha256(rows[:-1])
    assert rows_sha256(rows) != rows_sha256(swapped(rows))
    assert rows_sha256([("a", "b")]) == "eb394fd4559b1d9c383f4359667a508a615b82a74e1b160fce539f86ae0842e8"


def test_frozen_eval_set_is_idempotent_needs_replace_and_refuses_edited_copy(tmp_path: Path) -> None:
    rows = synthetic_rows(5)
    es, changed = freeze_eval(tmp_path, "demo", rows, source="x.jsonl", actor="test")
    assert changed and es.sha256 == rows_sha256(rows) and len(es.rows) == len(rows)
    assert freeze_eval(tmp_path, "demo", list(reversed(rows)), source="y", actor="test")[1] is False
    with pytest.raises(RegistryError, match="--replace"):
        freeze_eval(tmp_path, "demo", rows[:-1], source="z", actor="test")
    copy = tmp_path / "demo" / es.manifest["file"]
    copy.write_text(copy.read_text(encoding="utf-8").replace("bóng", "bong"), encoding="utf-8")
    with pytest.raises(ArtifactError, match="changed since it was frozen"):
        frozen_eval(tmp_path, "demo")
    assert freeze_eval(tmp_path, "other", rows[:-1], source="z", actor="t")[0].sha256 != es.sha256


def _audits(s: Session, action: str) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(e.detail or "{}") | {"actor": e.actor}
            for e in s.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))]


def test_gate_refuses_worse_model_and_forced_promotion_is_audited(db_url: str, tmp_path: Path) -> None:
    sessions, models = sessions_for(db_url), tmp_path / "models"
    freeze_eval(models, "demo", synthetic_rows(10, seed=7), source="eval", actor="test")
    with sessions() as s:
        register(s, models, "demo", synthetic_rows())
        register(s, models, "demo", swapped(synthetic_rows()))
        first = promote(s, models, "demo", 1, actor="cli:ana")
        s.commit()
        assert first.previous is None and first.version.status == "promoted"
        with pytest.raises(GateRefused, match="below"):
            promote(s, models, "demo", 2, actor="cli:ana")
        s.rollback()
        with pytest.raises(RegistryError, match="reason"):
            promote(s, models, "demo", 2, actor="cli:ana", force=True)
        forced = promote(s, models, "demo", 2, actor="cli:ana", force=True, reason="demo of a bad model")
        s.commit()
        assert forced.forced and forced.new_score is not None and forced.current_score is not None
        assert forced.new_score < forced.current_score - GATE_TOLERANCE
        assert [v.status for v in versions(s, "demo")] == ["retired", "promoted"]
        event = _audits(s, "model.promote")[-1]
        assert event["actor"] == "cli:ana" and event["forced"] is True and event["reason"] == "demo of a bad model"
        assert (event["new_macro_f1"], event["previous_macro_f1"]) == (forced.new_score, forced.current_score)
        assert metrics_of(get_version(s, "demo", 1))["frozen_eval"]["sha256"] == rows_sha256(
            synthetic_rows(10, seed=7))


def test_gate_passes_an_equally_good_model_and_needs_a_frozen_set(db_url: str, tmp_path: Path) -> None:
    sessions, models = sessions_for(db_url), tmp_path / "models"
    with sessions() as s:
        for seed in (0, 1, 2):
            register(s, models, "demo", synthetic_rows(seed=seed))
        promote(s, models, "demo", 1, actor="t")
        s.commit()
        with pytest.raises(GateRefused, match="freeze-eval"):
            promote(s, models, "demo", 2, actor="t")
        s.rollback()
        freeze_eval(models, "demo", synthetic_rows(10, seed=9), source="eval", actor="t")
        p = promote(s, models, "demo", actor="t")  # default: the newest version (3)
        s.commit()
        assert p.version.version == 3 and not p.forced and p.new_score is not None
        with pytest.raises(RegistryError, match="already promoted"):
            promote(s, models, "demo", 3, actor="t")


def test_rollback_walks_back_through_previously_promoted_versions(db_url: str, tmp_path: Path) -> None:
    sessions, models = sessions_for(db_url), tmp_path / "models"
    with sessions() as s:
        for seed in (0, 1, 2, 3):
            register(s, models, "demo", synthetic_rows(seed=seed))
        for v in (1, 2, 3):  # v4 stays a candidate: never a rollback target
            promote(s, models, "demo", v, actor="t", force=True, reason="setup")
            s.commit()
        restored, undone = rollback(s, "demo", actor="cli:ana")
        s.commit()
        assert (restored.version, undone.version) == (2, 3)
        assert promoted(s, "demo").version == 2  # type: ignore[union-attr]
        assert rollback(s, "demo", actor="t")[0].version == 1
        s.commit()
        with pytest.raises(RegistryError, match="nothing to roll back"):
            rollback(s, "demo", actor="t")
        assert [v.status for v in versions(s, "demo")] == ["promoted", "rolled_back", "rolled_back",
                                                                    "candidate"]
        assert [(e["from_version"], e["to_version"]) for e in _audits(s, "model.rollback")] == [(3, 2), (2, 1)]


def test_two_trainers_registering_at_once_get_distinct_versions(db_url: str, tmp_path: Path) -> None:
    import threading
    import time

    sessions, models = sessions_for(db_url), tmp_path / "models"
    model, rows = train(synthetic_rows()), synthetic_rows()
    got: list[int] = []

    def second() -> None:
        with sessions() as s2:
            got.append(store.register(s2, models, "demo", model, metrics={}, training_data_hash=rows_sha256(rows),
                                         created_by="b").version)
            s2.commit()

    with sessions() as s1:
        first = store.register(s1, models, "demo", model, metrics={}, training_data_hash="0" * 64, created_by="a")
        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.5)  # the second trainer now waits on our uncommitted version 1
        s1.commit()
    thread.join(30)
    assert (first.version, got) == (1, [2])
    with sessions() as s:
        assert [(v.version, v.created_by) for v in versions(s, "demo")] == [(1, "a"), (2, "b")]
        assert load(s, models, "demo", 2).model is not None
