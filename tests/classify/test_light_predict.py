"""The light predictors `bantin classify` loads (no scikit-learn import) score exactly as the estimators do: the
same bytes for the shipped topic model and a TextClassifier trained on real articles, and the same JSONL."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import skops.io as sio

from bantin.classify.io import JsonlReader
from bantin.classify.registry import skopsread
from bantin.classify.relevance.province import ProvinceMatcher
from bantin.classify.service import Classifier, classify_file, default_topic_model, language_detector, widened
from bantin.classify.topics.features import SyllableTfidfVectorizer
from bantin.classify.topics.model import TopicModel
from bantin.classify.topics.scorers import LIGHT_CLASSES, TextScorer, TopicScorer, softmax
from bantin.classify.topics.textmodel import TextClassifier, train_text_model
from bantin.classify.topics.tfidf import HashedTfidf

PROVINCE = "Nghệ An"


def _jsonl(path: Path) -> list[dict[str, Any]]:
    opener: Any = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


@pytest.fixture(scope="module")
def real(shared_data: Path) -> dict[str, Any]:
    """vntc_small (full articles: train, dev) and the RSS sample (title + summary), as the classifier reads them."""
    train = _jsonl(shared_data / "vntc_small" / "train.jsonl")
    dev = _jsonl(shared_data / "vntc_small" / "dev.jsonl")
    rss = _jsonl(shared_data / "news" / "rss_articles_sample1000.jsonl")
    rows = [{"id": r["id"], "text": r["text"]} for r in dev]
    rows += [{"id": f"rss{i}", "title": r.get("title"), "summary": r.get("summary")} for i, r in enumerate(rss)]
    texts = [r["text"] for r in dev] + [f"{r.get('title') or ''}\n{r.get('summary') or ''}" for r in rss]
    model = train_text_model([r["text"] for r in train], [r["label"] for r in train])
    return {"rows": rows, "texts": texts, "text_model": model}


def _both(model: Any) -> tuple[Any, Any]:
    """``model`` saved as the registry saves it, read back as the estimator and as its light predictor."""
    data = sio.dumps(model)
    trusted = sorted(sio.get_untrusted_types(data=data))
    return skopsread.loads(data, trusted), skopsread.loads(data, trusted, LIGHT_CLASSES)


def test_the_shipped_topic_model_reads_as_a_light_scorer_with_the_same_arrays() -> None:
    full, light = default_topic_model(), default_topic_model(classes=LIGHT_CLASSES)
    assert type(full) is TopicModel and type(full.vectorizer_) is SyllableTfidfVectorizer
    assert type(light) is TopicScorer and type(light.vectorizer_) is HashedTfidf
    assert not isinstance(light, TopicModel)
    for name in ("coef_", "intercept_", "classes_"):
        a, b = getattr(full, name), getattr(light, name)
        assert a.dtype == b.dtype and np.array_equal(a, b)
    assert np.array_equal(full.vectorizer_.idf_, light.vectorizer_.idf_)


def test_the_shipped_topic_model_scores_the_same_bytes_light(real: dict[str, Any]) -> None:
    full, light = default_topic_model(), default_topic_model(classes=LIGHT_CLASSES)
    assert full is not None and light is not None
    texts = real["texts"]
    a, b = full.predict_proba(texts), light.predict_proba(texts)
    assert a.dtype == b.dtype == np.float64 and a.tobytes() == b.tobytes()
    assert full.labels(texts) == light.labels(texts) and full.top_topics(texts) == light.top_topics(texts)
    x, y = full.vectorizer_.transform(texts), light.vectorizer_.transform(texts)
    assert (x != y).nnz == 0 and x.dtype == y.dtype and np.array_equal(x.indptr, y.indptr)


def test_a_text_classifier_trained_on_real_articles_scores_the_same_bytes_light(real: dict[str, Any]) -> None:
    full, light = _both(real["text_model"])
    assert type(full) is TextClassifier and type(light) is TextScorer and type(light.vectorizer_) is HashedTfidf
    texts = real["texts"]
    for method in ("decision_function", "predict_proba", "predict"):
        a, b = getattr(full, method)(texts), getattr(light, method)(texts)
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes(), method
    assert np.array_equal(light.predict(texts), real["text_model"].predict(texts))


def test_softmax_gives_scipys_bytes_on_both_models_decisions(real: dict[str, Any]) -> None:
    from scipy.special import softmax as scipy_softmax

    topics = default_topic_model(classes=LIGHT_CLASSES)
    assert topics is not None
    text_dec = real["text_model"].decision_function(real["texts"]) / real["text_model"].temperature_
    topic_dec = topics.decision_function(real["texts"]).astype(np.float64) / topics.temperature_
    for dec in (text_dec, topic_dec):  # float32 and float64
        ours, scipys = softmax(dec), scipy_softmax(dec, axis=1)
        assert ours.dtype == scipys.dtype and ours.tobytes() == scipys.tobytes()
    assert {text_dec.dtype, topic_dec.dtype} == {np.dtype(np.float32), np.dtype(np.float64)}


def test_classify_writes_the_same_jsonl_with_light_models(real: dict[str, Any], tmp_path: Path) -> None:
    from bantin.classify.registry.store import LoadedModel

    full_extra, light_extra = _both(real["text_model"])
    matcher, detect = ProvinceMatcher(PROVINCE), language_detector()
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in real["rows"]), encoding="utf-8")
    outputs = []
    for topic_model, extra in ((default_topic_model(), full_extra),
                               (default_topic_model(classes=LIGHT_CLASSES), light_extra)):
        clf = Classifier(PROVINCE, matcher, widened(topic_model), None, "default",
                         LoadedModel(None, widened(extra)), detect)  # type: ignore[arg-type]
        out = io.StringIO()
        with JsonlReader(src) as reader:
            classify_file(clf, reader, out)
        outputs.append(out.getvalue())
    full_out, light_out = outputs
    assert full_out == light_out
    rows = [json.loads(line) for line in light_out.splitlines()]
    assert len(rows) == len(real["rows"]) and all({"label", "scores", "topics", "province"} <= set(r) for r in rows)
    assert sum(r["province"]["relevance"] != "none" for r in rows) > 0
