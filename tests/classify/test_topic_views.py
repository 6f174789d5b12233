"""The topic recipe's two views (#12): the labelled view gets a weight only when it helps out of fold."""

from __future__ import annotations

import numpy as np

from bantin.classify.topics.model import RESIDUAL
from bantin.classify.topics.taxonomy import TOPIC_KEYS
from bantin.classify.topics.trainset import LABELLED_VIEW_GRID, choose_view, combined

CLASSES = np.array(list(TOPIC_KEYS))


def _decisions(gold: np.ndarray, right: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Noise, with the gold topic clearly on top for the items in ``right``."""
    dec = rng.normal(0.0, 0.1, size=(len(gold), len(CLASSES)))
    cols = np.array([int(np.flatnonzero(CLASSES == g)[0]) for g in gold])
    dec[np.flatnonzero(right), cols[right]] += 1.0
    return dec


def test_a_labelled_view_right_where_the_weak_one_is_wrong_is_weighted_in() -> None:
    rng = np.random.default_rng(0)
    gold = rng.choice(CLASSES[CLASSES != RESIDUAL], size=400)
    weak_right = np.arange(400) < 240  # the weak view is right on 60 %
    weak, lab = _decisions(gold, weak_right, rng), _decisions(gold, ~weak_right | (np.arange(400) < 40), rng)
    view, offset, top1 = choose_view(weak, lab, gold, CLASSES)
    assert view > 0 and top1[(view, offset)] > max(top1[(0.0, o)] for o in (0.0, 0.3)) + 0.3
    best = combined(weak, lab, CLASSES, view, offset).argmax(axis=1)
    assert np.mean(CLASSES[best] == gold) == top1[(view, offset)]


def test_a_labelled_view_that_adds_nothing_gets_weight_zero_and_the_offset_still_counts() -> None:
    rng = np.random.default_rng(1)
    gold = np.array([RESIDUAL] * 100 + ["sports"] * 100)
    weak = _decisions(gold, np.arange(200) >= 100, rng)  # society never on top by itself
    weak[:, int(np.flatnonzero(CLASSES == RESIDUAL)[0])] -= 0.2
    view, offset, top1 = choose_view(weak, np.zeros_like(weak), gold, CLASSES)
    assert view == 0.0 == min(LABELLED_VIEW_GRID) and offset > 0
    assert top1[(0.0, offset)] > top1[(0.0, 0.0)]
