"""Hashed syllable n-gram TF-IDF for Vietnamese, vectorised with numpy over a whole batch of texts.

Semantics match ``normalize_vi(text).lower()`` (NFC, ``ð``→``đ``, underthesea's tone-mark/spelling token
rules) followed by ``re.findall(r"\\w+")`` syllables and their 1..n-grams, TF-IDF weighted and
L2-normalised like scikit-learn's ``TfidfVectorizer``. The syllables come as stable 64-bit hashes, rules
applied, from ``bantin.text.syllables`` (one numpy pass over the whole batch, no per-token Python work);
n-grams combine syllable hashes, and features are hash buckets, so the model needs no vocabulary.
Optional extras, all off by default (so vectorisers fitted before they existed transform as before) and
all turned on by TextClassifier: headline n-grams counted again (``title_chars``), in a block of columns of
their own with a weight (``title_features``, ``title_weight``); digits folded to ``0`` (``fold_digits``);
punctuation runs and line breaks as a separately normalised, down-weighted block (``punct_features``).
Measured (bench/vectorizers.py, bench/vntc.py): 5-8x the prediction throughput (CPU time) of
``TfidfVectorizer(ngram_range=(1, 2))`` + LinearSVC on full VNTC articles, and more accurate.
"""

from __future__ import annotations

import operator
import threading
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from bantin.text.syllables import BMP, Syllables, mix, run_hashes
from bantin.text.syllables import joined as _joined

# Texts are hashed this many at a time: bounds the temporary arrays (~40 bytes per character).
BATCH_DOCS = 2000
# Headline n-grams are hashed again in a space of their own, salted with this (any odd 64-bit constant).
TITLE_SALT = 0xD6E8FEB86659FD93
# What the optional parameters mean on vectorisers pickled before they existed: the original features.
_LEGACY_DEFAULTS = {"title_chars": 0, "title_features": 0, "title_weight": 1.0, "fold_digits": False,
                    "punct_features": 0, "punct_weight": 1.0}

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
    # 0.135 s for np.unique over 64-bit keys; all three give the same matrix
    key = docs.astype(np.uint32) * np.uint32(n_features) + (feats % np.uint64(n_features)).astype(np.uint32)
    key.sort(kind="stable")
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


class SyllableTfidfVectorizer(TransformerMixin, BaseEstimator):
    """TF-IDF over hashed syllable 1..``ngram_max``-grams of normalised, lowercased Vietnamese text.

    With ``title_chars > 0`` the n-grams of the headline (first line, at most ``title_chars`` characters)
    are counted once more in a salted hash space, so "headline says bóng đá" is a feature: in the body's
    ``n_features`` buckets when ``title_features == 0`` (the original layout), otherwise in a block of
    ``title_features`` columns of their own whose IDF is multiplied by ``title_weight``. ``fold_digits``
    reads digits 1-9 as 0 (numbers keep their shape, not their value). With ``punct_features > 0``, runs of
    ``[^\\w\\s]`` characters and line breaks are counted in a last block of that many columns, which is
    L2-normalised on its own and weighted ``punct_weight`` against the (unit-norm) n-gram part.
    Column layout: body n-grams, then headline block, then punctuation block; rows have unit L2 norm.
    """

    def __init__(
        self, n_features: int = 2**18, ngram_max: int = 2, sublinear_tf: bool = True, min_df: int = 1,
        title_chars: int = 0, title_features: int = 0, title_weight: float = 1.0, fold_digits: bool = False,
        punct_features: int = 0, punct_weight: float = 1.0,
    ) -> None:
        self.n_features = n_features
        self.ngram_max = ngram_max
        self.sublinear_tf = sublinear_tf
        self.min_df = min_df
        self.title_chars = title_chars
        self.title_features = title_features
        self.title_weight = title_weight
        self.fold_digits = fold_digits
        self.punct_features = punct_features
        self.punct_weight = punct_weight

    def _opt(self, name: str) -> Any:
        """A parameter, or its neutral default on vectorisers pickled before the parameter existed."""
        return getattr(self, name, _LEGACY_DEFAULTS[name])

    def _blocks(self) -> tuple[int, int]:
        """Column widths of the headline block and of the punctuation block (0: absent)."""
        title = self._opt("title_features") if self._opt("title_chars") > 0 else 0
        return title, self._opt("punct_features")

    def _n_out(self) -> int:
        return self.n_features + sum(self._blocks())

    def _batch_counts(self, texts: Sequence[str]) -> sp.csr_matrix:
        title_chars, fold = self._opt("title_chars"), self._opt("fold_digits")
        title_features, punct_features = self._blocks()
        batch = _shared(texts)
        counts = _ngram_counts(texts, self.n_features, self.ngram_max, fold_digits=fold, batch=batch)
        blocks = [counts]
        if title_chars > 0:
            titles = _titles(texts, title_chars)
            head = _ngram_counts(titles, title_features or self.n_features, self.ngram_max, TITLE_SALT, fold)
            if title_features:
                blocks.append(head)
            else:  # the original layout: the same buckets as the body
                blocks[0] = sp.csr_matrix(counts + head, dtype=np.float32)
        if punct_features:
            h, doc = _punct(batch.joined)
            blocks.append(_count_matrix(h, doc, len(texts), punct_features))
        return sp.hstack(blocks, format="csr", dtype=np.float32) if len(blocks) > 1 else blocks[0]

    def _counts(self, texts: Iterable[str]) -> sp.csr_matrix:
        texts = [str(t) for t in texts]
        parts = [self._batch_counts(texts[i : i + BATCH_DOCS]) for i in range(0, len(texts), BATCH_DOCS)]
        if not parts:
            return sp.csr_matrix((0, self._n_out()), dtype=np.float32)
        return sp.vstack(parts, format="csr") if len(parts) > 1 else parts[0]

    def fit(self, X: Iterable[str], y: object = None) -> SyllableTfidfVectorizer:
        self.fit_transform(X)
        return self

    def fit_transform(self, X: Iterable[str], y: object = None, **fit_params: object) -> sp.csr_matrix:
        counts = self._counts(X)
        n_docs, n_out = counts.shape
        df = np.bincount(counts.indices, minlength=n_out)
        idf = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
        idf[df < self.min_df] = 0.0
        title_features, _ = self._blocks()
        idf[self.n_features : self.n_features + title_features] *= self.title_weight
        self.idf_ = idf.astype(np.float32)
        self.n_features_out_ = n_out
        return self._weight(counts)

    def transform(self, X: Iterable[str]) -> sp.csr_matrix:
        check_is_fitted(self, "idf_")
        return self._weight(self._counts(X))

    def _weight(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        data = counts.data
        if self.sublinear_tf:
            data = np.log(data, out=data) + np.float32(1.0)
        counts.data = data * self.idf_[counts.indices].astype(np.float32)
        punct_features = self._blocks()[1]
        if punct_features:
            return self._normalise_parts(counts, punct_features)
        norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        counts.data /= np.repeat(norms, np.diff(counts.indptr)).astype(np.float32)
        counts.eliminate_zeros()
        return counts

    def _normalise_parts(self, counts: sp.csr_matrix, punct_features: int) -> sp.csr_matrix:
        """Rows ``[u, w * p] / sqrt(|u|^2 + w^2 |p|^2)`` where u, p are the unit-norm n-gram and punctuation parts."""
        data, indptr, n_rows = counts.data, counts.indptr, counts.shape[0]
        sq = data.astype(np.float64) ** 2
        total = np.add.reduceat(sq, np.minimum(indptr[:-1], max(len(sq) - 1, 0))) if len(sq) else np.zeros(n_rows)
        total[np.diff(indptr) == 0] = 0.0
        pos = np.flatnonzero(counts.indices >= counts.shape[1] - punct_features)  # the last columns of each row
        prow = np.searchsorted(indptr, pos, side="right") - 1
        p_sq = np.bincount(prow, weights=sq[pos], minlength=n_rows)
        u_sq = np.maximum(total - p_sq, 0.0)
        w = float(self._opt("punct_weight"))
        has_u, has_p = u_sq > 0, p_sq > 0
        final = np.sqrt(has_u + w * w * has_p)
        final[final == 0] = 1.0
        u_scale = np.where(has_u, 1.0 / (np.sqrt(u_sq, where=has_u, out=np.ones(n_rows)) * final), 0.0)
        p_scale = np.where(has_p, w / (np.sqrt(p_sq, where=has_p, out=np.ones(n_rows)) * final), 0.0)
        p_vals = data[pos] * p_scale[prow].astype(np.float32)
        data *= np.repeat(u_scale, np.diff(indptr)).astype(np.float32)
        data[pos] = p_vals
        counts.eliminate_zeros()
        return counts

    def __sklearn_tags__(self):  # type: ignore[no-untyped-def]
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.requires_fit = True
        return tags
