"""Generic text classifier: trains on any label set, calibrated probabilities, evaluation report."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from bantin.classify.features import SyllableTfidfVectorizer
from bantin.classify.textmodel import TextClassifier, evaluate, train_text_model
from bantin.classify.topics import TopicModel


def _rows(shared_data: Path, split: str) -> tuple[list[str], list[str]]:
    with open(shared_data / "vntc_small" / f"{split}.jsonl", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    return [r["text"] for r in rows], [r["label"] for r in rows]


@pytest.fixture(scope="module")
def small_model(shared_data: Path) -> TextClassifier:
    texts, labels = _rows(shared_data, "train")
    return train_text_model(texts, labels, n_features=2**16)


def test_vntc_small_dev_accuracy_is_high(small_model: TextClassifier, shared_data: Path) -> None:
    texts, labels = _rows(shared_data, "dev")
    report = evaluate(small_model, texts, labels)
    assert report["accuracy"] >= 80.0 and report["macro_f1"] >= 80.0
    assert set(report["per_class"]) == set(labels)
    assert report["docs_per_s"] > 0 and report["n"] == len(texts)


def test_probabilities_sum_to_one_and_agree_with_predict(small_model: TextClassifier, shared_data: Path) -> None:
    texts, _ = _rows(shared_data, "dev")
    proba = small_model.predict_proba(texts[:50])
    assert np.allclose(proba.sum(axis=1), 1.0, atol=1e-5)
    assert list(small_model.classes_[proba.argmax(axis=1)]) == list(small_model.predict(texts[:50]))
    assert small_model.temperature_ > 0


def test_model_pickles_and_predicts_the_same(small_model: TextClassifier, shared_data: Path) -> None:
    texts, _ = _rows(shared_data, "dev")
    clone = pickle.loads(pickle.dumps(small_model))
    assert list(clone.predict(texts[:20])) == list(small_model.predict(texts[:20]))


def test_any_label_set_including_binary() -> None:
    texts = ["giá vàng tăng", "chứng khoán giảm", "đội tuyển thắng", "cầu thủ ghi bàn"] * 5
    labels = ["money", "money", "sport", "sport"] * 5
    model = TextClassifier(n_features=2**10, calibrate=False).fit(texts, labels)
    assert list(model.predict(["vàng và chứng khoán", "ghi bàn thắng"])) == ["money", "sport"]
    assert model.predict_proba(["ghi bàn"]).shape == (1, 2)


def test_params_follow_sklearn_conventions() -> None:
    model = TextClassifier(C=0.3)
    assert model.get_params()["C"] == 0.3 and not hasattr(model, "coef_")
    with pytest.raises(ValueError):
        model.fit(["a", "b"], ["x", "x"])


@parametrize_with_checks([TextClassifier(), SyllableTfidfVectorizer(), TopicModel()])
def test_estimators_pass_sklearn_checks_that_apply_to_text_input(estimator, check) -> None:  # type: ignore[no-untyped-def]
    check(estimator)


def test_headline_features_are_on_by_default_and_can_be_switched_off() -> None:
    texts = ["giá vàng tăng\nthị trường", "đội tuyển thắng\nsân cỏ"] * 10
    labels = ["money", "sport"] * 10
    on = TextClassifier(n_features=2**10, calibrate=False).fit(texts, labels)
    off = TextClassifier(n_features=2**10, calibrate=False, title_chars=0).fit(texts, labels)
    assert on.vectorizer_.title_chars > 0 and off.vectorizer_.title_chars == 0
    assert list(on.predict(["giá vàng"])) == list(off.predict(["giá vàng"])) == ["money"]
