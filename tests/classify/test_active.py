"""The learning loop: uncertain articles first, and training with analysts' labels and the frozen set."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bantin.classify import active, labels
from bantin.classify.active import least_certain, margin, train_and_register
from bantin.classify.io import rows_sha256
from bantin.classify.labels import LabelError, add_label
from bantin.classify.registry.evalset import freeze_eval
from bantin.classify.registry.store import get_version, load, metrics_of
from tests.classify.test_labels import add_articles
from tests.classify.test_registry import SMALL, VOCAB, sessions_for, synthetic_rows


class MarginModel:
    """A stand-in topic model: an article "m=0.30" scores a: (1+0.30)/2, b: (1-0.30)/2, times 0.9, c: 0.1."""

    classes_ = np.array(["a", "b", "c"])

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        out = []
        for t in texts:
            m = float(t.split("m=")[1].split()[0])
            out.append([(1 + m) / 2 * 0.9, (1 - m) / 2 * 0.9, 0.1])
        return np.array(out)


def test_margin_is_top_score_minus_runner_up() -> None:
    assert margin({"a": 0.7, "b": 0.2, "c": 0.1}) == pytest.approx(0.5)
    assert margin({"a": 0.4, "b": 0.4}) == 0.0
    assert margin({"a": 0.9}) == pytest.approx(0.9)
    assert margin({}) == 0.0


def test_uncertain_lists_smallest_margins_first_skipping_labelled_articles(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(labels, "topic_keys", lambda: ["a", "b", "c"])
    sessions = sessions_for(db_url)
    margins = [0.50, 0.05, 0.90, 0.05, 0.20, 0.01, 0.70]
    with sessions() as s:
        ids = add_articles(s, [(f"Bài {i}", f"m={m:.2f} nội dung") for i, m in enumerate(margins)])
        add_label(s, ids[5], "topic", "a", labeller="cli:lan")  # the least certain one is already labelled
        s.commit()
        got = least_certain(s, MarginModel(), limit=3, page_size=2)  # pages of 2: the heap spans pages
    assert [u.article_id for u in got] == [ids[1], ids[3], ids[4]]  # 0.05, 0.05 (older first), 0.20
    assert [round(u.margin, 3) for u in got] == [0.045, 0.045, 0.18]
    assert [k for k, _ in got[0].top] == ["a", "b", "c"] and got[0].to_dict()["title"] == "Bài 1"


def _jsonl(path: Path, rows: list[tuple[str, str]]) -> Path:
    path.write_text("".join(json.dumps({"text": t, "label": lab}, ensure_ascii=False) + "\n" for t, lab in rows),
                    encoding="utf-8")
    return path


def test_topic_model_training_adds_analysts_labels_and_leaves_out_frozen_rows(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(labels, "topic_keys", lambda: list(VOCAB))
    monkeypatch.setattr(active, "topic_keys", lambda: list(VOCAB))
    sessions, models = sessions_for(db_url), tmp_path / "models"
    rows, eval_rows = synthetic_rows(20), synthetic_rows(5, seed=3)
    data = _jsonl(tmp_path / "train.jsonl", rows + eval_rows[:2])  # two rows leak from the frozen set
    freeze_eval(models, "topics", eval_rows, source="eval", actor="t")
    with sessions() as s:
        ids = add_articles(s, [("Trận đấu", "bóng đá cầu thủ sân vận động"), (None, "bệnh viện bác sĩ thuốc")])
        add_label(s, ids[0], "topic", "the_thao", labeller="cli:lan")
        add_label(s, ids[1], "topic", "y_te", labeller="cli:lan")
        s.commit()
        summary = train_and_register(s, models, data, "topics", {"n_features": 2**12}, use_labels=True,
                                     actor="cli:lan")
        s.commit()
        mv = get_version(s, "topics", 1)
    train = summary["metrics"]["train"]
    assert (train["db_labels"], train["dropped_eval_overlap"]) == (2, 2)
    assert train["rows"] + summary["metrics"]["holdout"]["n"] == len(rows) + 2
    expected = rows + [("Trận đấu\nbóng đá cầu thủ sân vận động", "the_thao"), ("bệnh viện bác sĩ thuốc", "y_te")]
    assert mv.training_data_hash == summary["data_sha256"] == rows_sha256(expected)
    assert summary["metrics"]["frozen_eval"]["sha256"] == rows_sha256(eval_rows)
    assert summary["metrics"]["frozen_eval"]["n"] == len(eval_rows)
    assert mv.status == "candidate" and mv.created_by == "cli:lan"
    assert summary["metrics"]["frozen_eval"]["macro_f1"] > 90  # a multi-label TopicModel, scored by its best topic
    assert "bantin.classify.topics.model.TopicModel" in metrics_of(mv)["artifact"]["trusted_types"]


def test_same_data_in_another_order_trains_the_same_model(db_url: str, tmp_path: Path) -> None:
    sessions, models = sessions_for(db_url), tmp_path / "models"
    rows = synthetic_rows(15)
    a, b = _jsonl(tmp_path / "a.jsonl", rows), _jsonl(tmp_path / "b.jsonl", list(reversed(rows)))
    with sessions() as s:
        first = train_and_register(s, models, a, "demo", SMALL, use_labels=False, actor="t")
        second = train_and_register(s, models, b, "demo", SMALL, use_labels=False, actor="t")
        s.commit()
        m1, m2 = (load(s, models, "demo", v).model for v in (1, 2))
    assert first["data_sha256"] == second["data_sha256"]
    assert np.array_equal(m1.coef_, m2.coef_) and m1.temperature_ == m2.temperature_
    h1, h2 = first["metrics"]["holdout"], second["metrics"]["holdout"]
    assert (h1["n"], h1["macro_f1"], h1["per_class"]) == (h2["n"], h2["macro_f1"], h2["per_class"])


def test_topic_model_refuses_labels_outside_the_taxonomy(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(active, "topic_keys", lambda: ["the_thao", "y_te"])
    sessions = sessions_for(db_url)
    data = _jsonl(tmp_path / "t.jsonl", synthetic_rows(5))
    with sessions() as s, pytest.raises(LabelError, match="taxonomy keys.*kinh_te"):
        train_and_register(s, tmp_path, data, "topics", SMALL, use_labels=True, actor="t")


@pytest.mark.parametrize("label", ["Phản động", "bieu_tinh", "Human-Rights", "protest", "nhân quyền"])
def test_training_refuses_labels_for_dissent_or_speech_about_rights(tmp_path: Path, label: str) -> None:
    sessions = sessions_for(f"sqlite:///{tmp_path / 'db.sqlite'}")  # refused before any database work
    data = _jsonl(tmp_path / "t.jsonl", synthetic_rows(5) + [("một bài báo", label)])
    with sessions() as s, pytest.raises(LabelError, match="dissent or speech about rights"):
        train_and_register(s, tmp_path, data, "demo", SMALL, use_labels=False, actor="t")


def test_ordinary_labels_with_similar_letters_are_allowed() -> None:
    active.check_labels_allowed({"Chinh tri Xa hoi", "Phap luat", "the_thao", "dong_phuc", "protestant_church_news"})
