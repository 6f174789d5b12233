"""The learning loop: which stored articles to label next, and training a new version with the labels.

Uncertain articles (``bantin model uncertain``): the stored articles the current topic model is least sure about.

Uncertainty is the margin between the two highest topic scores (small margin = the model hesitates between
two topics); ties go to the older article. Articles that already carry an analyst's topic label are skipped.
Articles are scored in pages and only the ``limit`` best candidates are kept (a bounded heap).

Training (``bantin model train``, :func:`train_and_register`): the file's rows (plus the analysts' topic
labels when the model is the topic model), minus any text of the frozen evaluation set (no leakage), in
canonical order (so the data hash fixes the split and the fit); a stratified held-out share is scored, the
frozen set too, and the fitted model is registered as a candidate with those metrics.
"""

from __future__ import annotations

import heapq
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bantin.classify.io import canonical_rows, read_labelled, rows_sha256
from bantin.classify.labels import TOPIC, LabelError, article_text, topic_keys, topic_training_rows
from bantin.classify.registry.evalset import frozen_eval, score
from bantin.classify.registry.store import check_name, register
from bantin.classify.service import TOPIC_MODEL_NAME, topic_scores
from bantin.store.schema import Article, Label

# Articles scored together: one vectoriser pass per page, and memory stays flat over a large archive.
PAGE = 500
# Topics shown per uncertain article (the two that compete, and one more for context).
SHOW_TOPICS = 3
# Share held out for the candidate's own scores: ~20 docs per class even at 100 per class (vntc_small).
HOLDOUT_SHARE = 0.2
# Fixed seed: the same data (same hash) gives the same split and the same model.
SPLIT_SEED = 0
# Fewer rows than this are all used for training (no held-out score; the frozen set still scores them).
MIN_ROWS_FOR_HOLDOUT = 20
# docs/principles.md, principle 2: topics describe coverage; no model may be trained to label dissent or speech about rights.
# Matched as whole words in the label without diacritics, so "Phản động", "bieu_tinh" and "Human-Rights" all hit.
PROHIBITED_LABEL_TERMS = ("dissent", "dissident", "protest", "protester", "activist", "human rights",
                          "phan dong", "chong doi", "bieu tinh", "nhan quyen", "bat dong chinh kien",
                          "tu do ngon luan", "ngon luan")


@dataclass(frozen=True)
class Uncertain:
    article_id: int
    title: str | None
    url: str
    margin: float
    top: list[tuple[str, float]]

    def to_dict(self) -> dict[str, Any]:
        return {"article_id": self.article_id, "title": self.title, "url": self.url,
                "margin": round(self.margin, 4), "top": [{"topic": k, "score": v} for k, v in self.top]}


def margin(scores: dict[str, float]) -> float:
    """Top score minus the runner-up (the whole top score when there is only one topic; 0 when none)."""
    best = heapq.nlargest(2, scores.values())
    if not best:
        return 0.0
    return float(best[0] - (best[1] if len(best) > 1 else 0.0))


def least_certain(
    session: Session, model: Any, limit: int = 20, on_page: Callable[[int], None] | None = None,
    page_size: int = PAGE,
) -> list[Uncertain]:
    """The ``limit`` unlabelled stored articles with the smallest top-two margin, most uncertain first."""
    if limit <= 0:
        return []
    labelled = select(Label.article_id).where(Label.kind == TOPIC)
    # Max-heap on (margin, id) via negation: the root is the most certain of the kept ones, evicted first.
    heap: list[tuple[float, int, Uncertain]] = []
    last = 0
    while True:
        page = session.execute(
            select(Article.id, Article.title, Article.text, Article.canonical_url)
            .where(Article.id > last, Article.id.not_in(labelled)).order_by(Article.id).limit(page_size)
        ).all()
        if not page:
            break
        scores = topic_scores(model, [article_text(r.title, r.text) for r in page])
        for r, sc in zip(page, scores, strict=True):
            m = margin(sc)
            top = sorted(sc.items(), key=lambda kv: (-kv[1], kv[0]))[:SHOW_TOPICS]
            item = (-m, -r.id, Uncertain(r.id, r.title, r.canonical_url, m, top))
            if len(heap) < limit:
                heapq.heappush(heap, item)
            elif item[:2] > heap[0][:2]:
                heapq.heapreplace(heap, item)
        last = page[-1].id
        if on_page:
            on_page(len(page))
    return [u for _, _, u in sorted(heap, key=lambda t: (-t[0], -t[1]))]


def _plain(label: str) -> str:
    import re

    from bantin.text.diacritics import fold

    bare = fold(label.lower())
    return " " + " ".join(re.findall(r"[a-z0-9]+", bare)) + " "


def check_labels_allowed(labels: set[str]) -> None:
    """Refuse label sets that would make a model label dissent or speech about rights (docs/principles.md, principle 2)."""
    bad = sorted(lab for lab in labels if any(f" {term} " in _plain(lab) for term in PROHIBITED_LABEL_TERMS))
    if bad:
        raise LabelError(f"bantin does not train models that label dissent or speech about rights: {bad}")


def _split(rows: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    from sklearn.model_selection import train_test_split

    counts = Counter(lab for _, lab in rows)
    if len(rows) < MIN_ROWS_FOR_HOLDOUT or len(counts) < 2:
        return rows, []
    strat = [lab for _, lab in rows] if min(counts.values()) >= 2 else None
    train, hold = train_test_split(rows, test_size=HOLDOUT_SHARE, random_state=SPLIT_SEED, stratify=strat)
    return list(train), list(hold)


def _metrics(result: dict[str, Any] | None, **extra: Any) -> dict[str, Any] | None:
    return {**extra, **result} if result is not None else None


def train_and_register(
    session: Session, models_dir: Path, data: Path, name: str, params: dict[str, Any], *, use_labels: bool,
    actor: str, note: Callable[[str], Any] = lambda _m: None,
) -> dict[str, Any]:
    """Train on ``data`` (+ labels), score it, register it as a candidate. The caller commits.

    The topic model (:data:`TOPIC_MODEL_NAME`) is a multi-label :class:`~bantin.classify.topics.model.TopicModel`
    (rows of one text with several topics become one example with a label set); any other name is a
    single-label :class:`~bantin.classify.topics.textmodel.TextClassifier` over whatever labels the file has.
    """
    from bantin.classify.topics.textmodel import train_text_model

    check_name(name)
    rows = read_labelled(data)
    check_labels_allowed({lab for _, lab in rows})
    db_rows: list[tuple[str, str]] = []
    if name == TOPIC_MODEL_NAME:
        keys = set(topic_keys())
        unknown = sorted({lab for _, lab in rows} - keys)
        if unknown:
            raise LabelError(f"the topic model's labels must be taxonomy keys; {data} has {unknown[:10]}")
        db_rows = topic_training_rows(session) if use_labels else []
    rows = rows + db_rows
    eval_set = frozen_eval(models_dir, name)
    dropped = 0
    if eval_set is not None:
        held = {t for t, _ in eval_set.rows}
        kept = [r for r in rows if r[0] not in held]
        dropped, rows = len(rows) - len(kept), kept
        if dropped:
            note(f"{dropped} training rows are in the frozen evaluation set; left out of training")
    rows = canonical_rows(rows)
    if len({lab for _, lab in rows}) < 2:
        raise LabelError(f"{data}: need at least two different labels to train")
    train, hold = _split(rows)
    start = time.perf_counter()
    if name == TOPIC_MODEL_NAME:  # multi-label, calibrated per topic: the same kind as the shipped default
        from bantin.classify.topics.model import TopicModel

        by_text: dict[str, set[str]] = {}
        for text, lab in train:
            by_text.setdefault(text, set()).add(lab)
        model: Any = TopicModel(**{"topics": tuple(topic_keys()), **params}).fit(list(by_text), [sorted(v) for v in by_text.values()])
    else:
        model = train_text_model([t for t, _ in train], [lab for _, lab in train], **params)
    seconds = time.perf_counter() - start
    metrics = {
        "holdout": _metrics(score(model, hold) if hold else None, share=HOLDOUT_SHARE, seed=SPLIT_SEED),
        "frozen_eval": _metrics(score(model, eval_set.rows), sha256=eval_set.sha256) if eval_set else None,
        "train": {"rows": len(train), "db_labels": len(db_rows), "dropped_eval_overlap": dropped,
                  "classes": sorted({lab for _, lab in rows}), "params": model.get_params(),
                  "source": str(data), "seconds": round(seconds, 2)},
    }
    data_hash = rows_sha256(rows)
    mv = register(session, models_dir, name, model, metrics=metrics, training_data_hash=data_hash,
                  created_by=actor)
    return {"name": name, "version": mv.version, "id": mv.id, "data_sha256": data_hash,
            "artifact_sha256": mv.artifact_sha256, "metrics": metrics}
