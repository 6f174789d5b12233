"""The predicting half of :class:`~bantin.classify.topics.features.SyllableTfidfVectorizer`: a fitted vectoriser's
``transform`` (counts, sublinear tf, idf, L2 norm per block), on numpy and scipy.sparse only.

:class:`HashedTfidf` holds no parameters of its own: it reads the fitted attributes (``n_features``, ``idf_``, ...)
of the estimator it is mixed into, or of the light object the artifact reader builds from a saved estimator's
attributes (:mod:`bantin.classify.topics.scorers`). Both run this very code, so their outputs are the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from bantin.classify.topics.hashing import (
    BATCH_DOCS,
    TITLE_SALT,
    _count_matrix,
    _ngram_counts,
    _punct,
    _shared,
    _titles,
)

# What the optional parameters mean on vectorisers pickled before they existed: the original features.
_LEGACY_DEFAULTS = {"title_chars": 0, "title_features": 0, "title_weight": 1.0, "fold_digits": False,
                    "punct_features": 0, "punct_weight": 1.0}


class HashedTfidf:
    """``transform`` of a fitted syllable TF-IDF vectoriser (column layout: body n-grams, headline block,
    punctuation block; rows of unit L2 norm). See SyllableTfidfVectorizer for what the attributes mean."""

    n_features: int
    ngram_max: int
    sublinear_tf: bool
    idf_: np.ndarray

    def _check_fitted(self) -> None:
        """Nothing to check on a light vectoriser (made from a fitted one); the estimator checks like sklearn."""

    def transform(self, X: Iterable[str]) -> sp.csr_matrix:
        self._check_fitted()
        return self._weight(self._counts(X))

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
