"""The #12 VNTC text model: NB-SVM on outlet-free text plus bantin's hashed view, an option beside TextClassifier."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

from bantin.classify.topics.vntc_model import TFIDF, VntcTextModel, strip_boilerplate


def _rows(shared_data: Path, split: str) -> tuple[list[str], list[str]]:
    with open(shared_data / "vntc_small" / f"{split}.jsonl", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    return [r["text"] for r in rows], [r["label"] for r in rows]


@pytest.fixture(scope="module")
def small_model(shared_data: Path) -> VntcTextModel:
    texts, labels = _rows(shared_data, "train")
    return VntcTextModel().fit(texts, labels)


def test_outlet_credits_names_and_related_story_lines_are_removed() -> None:
    text = ("Giá vàng tăng mạnh (NLĐ)- Sáng nay giá vàng SJC tăng 200.000 đồng.\n"
            "Theo báo Tuổi Trẻ, thị trường sôi động.\nLiên hệ: toasoan@example.vn\n"
            "Giá xăng giảm lần thứ ba (24/11/2004)\nTTO - Chứng khoán đi lên.")
    cleaned = strip_boilerplate(text)
    assert "Sáng nay giá vàng SJC tăng 200.000 đồng." in cleaned and "Chứng khoán đi lên." in cleaned
    for gone in ("NLĐ", "Tuổi Trẻ", "toasoan@", "(24/11/2004)", "TTO"):
        assert gone not in cleaned


def test_vntc_small_dev_accuracy_is_at_least_the_plain_baselines(small_model: VntcTextModel,
                                                                  shared_data: Path) -> None:
    train, y_train = _rows(shared_data, "train")
    dev, y_dev = _rows(shared_data, "dev")
    baseline = make_pipeline(TfidfVectorizer(**TFIDF), LinearSVC()).fit(train, y_train)
    ours = np.mean(small_model.predict(dev) == np.array(y_dev))
    base = np.mean(baseline.predict(dev) == np.array(y_dev))
    assert ours >= base - 0.02  # 500 dev texts: a 2-point band is ~1.5 standard errors of the difference
    assert set(small_model.predict(dev)) <= set(y_train)


def test_decisions_are_the_sum_of_both_views(small_model: VntcTextModel, shared_data: Path) -> None:
    dev, _ = _rows(shared_data, "dev")
    both = small_model.decision_function(dev[:30])
    vec, svm = small_model.hashed_
    hashed = svm.decision_function(vec.transform(dev[:30]))
    nb_only = pickle.loads(pickle.dumps(small_model))
    nb_only.hashed_weight = 0.0
    assert np.allclose(both, nb_only.decision_function(dev[:30]) + hashed, atol=1e-4)
    assert list(small_model.classes_[both.argmax(axis=1)]) == list(small_model.predict(dev[:30]))


def test_model_pickles_and_predicts_the_same(small_model: VntcTextModel, shared_data: Path) -> None:
    dev, _ = _rows(shared_data, "dev")
    clone = pickle.loads(pickle.dumps(small_model))
    assert list(clone.predict(dev[:20])) == list(small_model.predict(dev[:20]))


def test_any_label_set_and_clear_errors() -> None:
    texts = ["giá vàng tăng mạnh", "chứng khoán giảm điểm", "đội tuyển thắng đậm", "cầu thủ ghi bàn thắng"] * 5
    labels = ["money", "money", "sport", "sport"] * 5
    model = VntcTextModel().fit(texts, labels)
    assert list(model.predict(["giá vàng và chứng khoán", "cầu thủ ghi bàn"])) == ["money", "sport"]
    with pytest.raises(ValueError, match="two classes"):
        VntcTextModel().fit(["a b", "c d"], ["x", "x"])
    with pytest.raises(ValueError, match="texts but"):
        VntcTextModel().fit(["a b"], ["x", "y"])
