"""The counting half of :class:`~bantin.classify.topics.features.SyllableTfidfVectorizer`: hashed syllable
n-gram and punctuation-run counts of a batch of texts, as a CSR matrix (numpy and scipy.sparse only).

Kept free of scikit-learn so that predicting (``bantin classify``) does not import it; see
:mod:`bantin.classify.topics.scorers`.
"""

from __future__ import annotations

import operator
import threading
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from bantin.text.syllables import BMP, Syllables, mix, run_hashes
from bantin.text.syllables import joined as _joined

# Texts are hashed this many at a time: bounds the temporary arrays (~40 bytes per character).
BATCH_DOCS = 2000
# Headline n-grams are hashed again in a space of their own, salted with this (any odd 64-bit constant).
TITLE_SALT = 0xD6E8FEB86659FD93

_PAIR = np.uint64(0x9E3779B97F4A7C15)  # golden-ratio constant: combines n-gram hashes


def _punct_table() -> np.ndarray:
    """Per BMP code point: 1 if it is neither \\w nor whitespace (``[^\\w\\s]``), 2 for ``\\n``, else 0."""
    table = np.array([not (chr(cp).isalnum() or chr(cp) == "_" or chr(cp).isspace()) for cp in range(BMP)], dtype=np.uint8)
    table[ord("\n")] = 2
    return table


_PUNCT_CLASS = _punct_table()


def _punct(joined: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of the ``[^\\w\\s]+`` runs and of each line break (``\\n``) in order, and the text index of each."""
    cp, text_ends = joined
    # astral characters (emoji) read as U+FFFF: punctuation, as in ``[^\\w\\s]``
    cls = _PUNCT_CLASS[np.minimum(cp, BMP - 1) if cp.max(initial=0) >= BMP else cp]
    cls[text_ends[:-1] - 1] = 0  # the separators between texts
    pos = np.flatnonzero(cls)  # a few % of the characters: the rest works on these only
    if not len(pos):
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    kind = cls[pos]
    joins = np.zeros(len(pos), dtype=bool)  # continues the run of the previous character
    joins[1:] = (pos[1:] == pos[:-1] + 1) & (kind[1:] == 1) & (kind[:-1] == 1)
    first = np.flatnonzero(~joins)
    starts = pos[first]
    ends = starts + np.diff(first, append=len(pos))
    h = run_hashes(cp, starts, ends, pos)
    return h, np.searchsorted(text_ends, starts, side="right")


def _count_matrix(feats: np.ndarray, docs: np.ndarray, n_docs: int, n_features: int) -> sp.csr_matrix:
    """CSR counts of hashed features ``feats`` (uint64) occurring in texts ``docs``, in ``n_features`` buckets."""
    if n_docs * n_features >= 2**32 or not len(feats):  # (text, bucket) keys would not fit 32 bits
        bucket = (feats % np.uint64(n_features)).astype(np.int32)
        ones = np.ones(len(bucket), dtype=np.float32)
        counts = sp.coo_matrix((ones, (docs.astype(np.int32), bucket)), shape=(n_docs, n_features)).tocsr()
        counts.sum_duplicates()
        return counts
    # sorting 32-bit (text, bucket) keys: 0.063 s per 2,000 VNTC articles, vs 0.078 s for scipy's coo -> csr and
    # 0.135 s for np.unique over 64-bit keys; all three give the same matrix. The default (unstable) sort: equal
    # keys are the same integer, so any order gives the same array, and numpy's SIMD quicksort is ~10x faster here
    # than the stable one (timsort for 32-bit ints): 1.1 s of `bantin classify` on 20,000 VNTC articles (#12)
    key = docs.astype(np.uint32) * np.uint32(n_features) + (feats % np.uint64(n_features)).astype(np.uint32)
    key.sort()
    new = np.empty(len(key), dtype=bool)
    new[0] = True
    np.not_equal(key[1:], key[:-1], out=new[1:])
    first = np.flatnonzero(new)
    rows, cols = np.divmod(key[first], np.uint32(n_features))
    indptr = np.searchsorted(rows, np.arange(n_docs + 1, dtype=np.uint32))
    counts = np.diff(first, append=len(key)).astype(np.float32)
    return sp.csr_matrix((counts, cols.astype(np.int32), indptr), shape=(n_docs, n_features))


class _Batch:
    """What every vectoriser computes alike from one batch of texts: the joined code points and the syllables."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = tuple(texts)  # holds the strings, so the identity test in _shared cannot be fooled by reuse
        self.joined = _joined(self.texts)
        self._syllables: Syllables | None = None

    def syllables(self, fold_digits: bool) -> tuple[np.ndarray, np.ndarray]:
        if self._syllables is None:
            self._syllables = Syllables(self.joined)
        syl = self._syllables
        return (syl.folded() if fold_digits else syl.hashes), syl.doc


_LAST = threading.local()  # the last batch seen by this thread's vectorisers


def _shared(texts: Sequence[str]) -> _Batch:
    """The batch of these very text objects if the previous vectoriser call saw it (``bantin classify`` runs the
    topic model and ``--model``'s on the same batch: the second one reuses the first one's syllables), else a new one."""
    last: _Batch | None = getattr(_LAST, "batch", None)
    if last is not None and len(last.texts) == len(texts) and all(map(operator.is_, last.texts, texts)):
        return last
    _LAST.batch = batch = _Batch(texts)
    return batch


def _ngram_counts(
    texts: Sequence[str], n_features: int, ngram_max: int, salt: int = 0, fold_digits: bool = False,
    batch: _Batch | None = None,
) -> sp.csr_matrix:
    h, doc = (batch or _Batch(texts)).syllables(fold_digits)
    if salt:  # a separate feature space: the same n-gram lands in an unrelated bucket
        h = mix(h ^ np.uint64(salt))
    feats, docs, gram = [h], [doc], h
    for n in range(2, ngram_max + 1):
        same = doc[n - 1 :] == doc[: len(doc) - n + 1]
        gram = mix(gram[:-1] * _PAIR + h[n - 1 :])
        feats.append(gram[same])
        docs.append(doc[n - 1 :][same])
    return _count_matrix(np.concatenate(feats), np.concatenate(docs), len(texts), n_features)


def _titles(texts: Sequence[str], title_chars: int) -> list[str]:
    """The headline of each text: its first line, at most ``title_chars`` characters."""
    return [t[:title_chars].split("\n", 1)[0] for t in texts]


