"""Generic text classifier: trains on any label set, calibrated probabilities, evaluation report."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pytest

from bantin.classify.topics.textmodel import TextClassifier, evaluate, train_text_model


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


def test_default_features_have_headline_and_punctuation_blocks() -> None:
    from bantin.classify.topics.textmodel import PUNCT_FEATURES, TITLE_FEATURES

    texts = ["Giá vàng tăng!\nthị trường năm 2007", "Đội tuyển thắng\nsân cỏ, 2-1"] * 10
    model = TextClassifier(n_features=2**10, calibrate=False).fit(texts, ["money", "sport"] * 10)
    vec = model.vectorizer_
    assert vec.n_features_out_ == 2**10 + TITLE_FEATURES + PUNCT_FEATURES == model.coef_.shape[1]
    assert vec.fold_digits and vec.title_weight > 1 and 0 < vec.punct_weight < 1


def test_balance_power_one_is_sklearns_balanced_weighting() -> None:
    from sklearn.svm import LinearSVC

    texts = ["giá vàng tăng", "chứng khoán giảm", "lãi suất", "đội tuyển thắng", "cầu thủ ghi bàn", "mưa bão"] * 4
    labels = ["money", "money", "money", "sport", "sport", "weather"] * 4
    ours = TextClassifier(n_features=2**10, calibrate=False, balance_power=1.0).fit(texts, labels)
    svm = LinearSVC(C=ours.C, class_weight="balanced", random_state=0).fit(ours.vectorizer_.transform(texts), labels)
    assert np.allclose(ours.coef_.astype(np.float32), svm.coef_.astype(np.float16).astype(np.float32))


def test_classifiers_saved_before_balance_power_load_with_plain_balanced_weights() -> None:
    model = TextClassifier(n_features=2**10, calibrate=False).fit(["giá vàng", "ghi bàn"] * 5, ["money", "sport"] * 5)
    state = model.__getstate__()
    del state["balance_power"]
    old = TextClassifier.__new__(TextClassifier)
    old.__setstate__(state)
    assert old.get_params()["balance_power"] == 1.0 and list(old.predict(["giá vàng"])) == ["money"]


def test_headline_features_are_on_by_default_and_can_be_switched_off() -> None:
    texts = ["giá vàng tăng\nthị trường", "đội tuyển thắng\nsân cỏ"] * 10
    labels = ["money", "sport"] * 10
    on = TextClassifier(n_features=2**10, calibrate=False).fit(texts, labels)
    off = TextClassifier(n_features=2**10, calibrate=False, title_chars=0).fit(texts, labels)
    assert on.vectorizer_.title_chars > 0 and off.vectorizer_.title_chars == 0
    assert list(on.predict(["giá vàng"])) == list(off.predict(["giá vàng"])) == ["money"]
