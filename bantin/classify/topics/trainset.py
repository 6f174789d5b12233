"""The default topic model's training data, built for the real input (#12), and its training recipe.

1. Weak labels in-domain: every RSS item outside the labelled set with a section-feed or seed topic
   (weak.py); 2. tc201805 title + lead snippets mapped onto the taxonomy, at most TC_CAP per topic (closer in
   form to RSS items than VNTC's long 2007 articles, which did not help: docs/benchmarks.md); 3. self-training:
   a first model labels the remaining RSS items, keeping those it is sure of (margin >= SELF_MARGIN) and calling
   the ones no topic claims (best decision < RESIDUAL_DECISION) society, the residual class; the final model is
   fitted on all of it. Probabilities are calibrated on the tune part of the labelled set (never the held-out part).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import numpy as np

from bantin.classify.topics.model import RESIDUAL, SOCIETY_OFFSET, TopicModel
from bantin.classify.topics.rssdata import labelled_texts
from bantin.classify.topics.taxonomy import map_label
from bantin.classify.topics.weak import rss_weak_rows

# tc201805 snippets per topic (economy alone has 25k): enough to add the vocabulary of each topic without
# drowning the in-domain RSS labels; tune part, weak RSS labels alone vs + 3,000 per topic: 76.3 vs 77.7 % top-1.
TC_CAP = 3000
# Self-training: a predicted topic becomes a label when it beats the runner-up by this decision margin, and an
# item whose best decision is below RESIDUAL_DECISION becomes society. Tune part: margins 0.3 / 0.5 with
# residual -0.6 / -0.5 / -0.3 gave 80.1-81.5 % (best offset) against 79.1 % without self-training.
SELF_MARGIN = 0.3
RESIDUAL_DECISION = -0.6
SEED = 0


def tc201805_snippets(shared_data: Path, cap: int = TC_CAP, seed: int = SEED) -> tuple[list[str], list[str]]:
    by_topic: dict[str, list[str]] = {}
    with gzip.open(shared_data / "tc201805" / "all.jsonl.gz", "rt", encoding="utf-8") as f:
        for row in map(json.loads, f):
            topics = map_label("tc201805", row["label"])
            if topics:
                by_topic.setdefault(topics[0], []).append(row["text"])
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for key in sorted(by_topic):
        rows = by_topic[key]
        for i in sorted(rng.permutation(len(rows))[:cap]):
            texts.append(rows[i])
            labels.append(key)
    return texts, labels


def weak_data(shared_data: Path) -> tuple[list[str], list[str], list[str]]:
    """(texts, topics) of weakly labelled RSS items + tc201805 snippets, and the RSS texts left unlabelled."""
    texts, labels, unlabelled = [], [], []
    for text, topic, _row in rss_weak_rows(shared_data):
        if topic is None:
            unlabelled.append(text)
        else:
            texts.append(text)
            labels.append(topic)
    tc_texts, tc_labels = tc201805_snippets(shared_data)
    return texts + tc_texts, labels + tc_labels, unlabelled


def self_labels(model: TopicModel, texts: list[str]) -> list[str | None]:
    """The first model's confident topic per text, society where no topic claims it, else None."""
    dec = model.decision_function(texts)
    order = np.sort(dec, axis=1)
    best, margin = order[:, -1], order[:, -1] - order[:, -2]
    top = model.classes_[dec.argmax(axis=1)]
    out: list[str | None] = []
    for b, m, t in zip(best, margin, top, strict=True):
        out.append(RESIDUAL if b < RESIDUAL_DECISION else str(t) if m >= SELF_MARGIN else None)
    return out


def training_data(shared_data: Path, **params: Any) -> tuple[list[str], list[str], dict[str, Any]]:
    """The final training set (weak + tc201805 + self-trained labels) and counts describing it."""
    texts, labels, unlabelled = weak_data(shared_data)
    cal_texts, cal_labels = labelled_texts(shared_data, "tune")
    first = TopicModel(**{**params, "society_offset": 0.0}).fit(texts, labels, cal_texts, cal_labels)
    extra = [(t, lab) for t, lab in zip(unlabelled, self_labels(first, unlabelled), strict=True) if lab]
    info = {"weak_rows": len(texts), "unlabelled_rss": len(unlabelled), "self_trained": len(extra),
            "self_trained_society": sum(lab == RESIDUAL for _, lab in extra)}
    return texts + [t for t, _ in extra], labels + [lab for _, lab in extra], info


def train_default(shared_data: Path, **params: Any) -> tuple[TopicModel, list[str], list[str], dict[str, Any]]:
    """The default model, fitted on training_data and calibrated on the tune part; also its training data."""
    texts, labels, info = training_data(shared_data, **params)
    cal_texts, cal_labels = labelled_texts(shared_data, "tune")
    model = TopicModel(**{"society_offset": SOCIETY_OFFSET, **params}).fit(texts, labels, cal_texts, cal_labels)
    return model, texts, labels, info
