"""Hashed syllable n-gram TF-IDF for Vietnamese, vectorised with numpy over a whole batch of texts.

Semantics match ``normalize_vi(text).lower()`` (NFC, ``ð``→``đ``, underthesea's tone-mark/spelling token
rules) followed by ``re.findall(r"\\w+")`` syllables and their 1..n-grams, TF-IDF weighted and
L2-normalised like scikit-learn's ``TfidfVectorizer``. Instead of strings, every syllable gets a stable
64-bit polynomial hash computed from its code points in a handful of numpy passes over the whole batch
(no per-token Python work); n-grams combine syllable hashes, and features are hash buckets, so the model
needs no vocabulary. The underthesea rule table is applied as a remap of syllable hashes.
Measured (bench/vectorizers.py, bench/vntc.py): 6-8x the prediction throughput (CPU time) of
``TfidfVectorizer(ngram_range=(1, 2))`` + LinearSVC on full VNTC articles, with the same accuracy
(+0.36 pt with the optional headline features, ``title_chars``, which TextClassifier turns on).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted
from underthesea.pipeline.text_normalize.text_normalizer import character_map, token_map

# Texts are hashed this many at a time: bounds the temporary arrays (~40 bytes per character).
BATCH_DOCS = 2000
# Syllables longer than this share the last position weight (long digit runs, URLs); keeps the table small.
MAX_SYLLABLE_POS = 64
# underthesea applies its token rules only to tokens of at most 6 characters.
RULE_MAX_LEN = 6
# Bitmap over low hash bits of the ~2.9k rule keys: ~0.3 % false candidates; halved transform time.
RULE_BITMAP_SIZE = 2**20
# Headline n-grams are hashed again in a space of their own, salted with this (any odd 64-bit constant).
TITLE_SALT = 0xD6E8FEB86659FD93

_BMP = 0x10000
_M64 = np.uint64(0xFFFFFFFFFFFFFFFF)
_MULT = np.uint64(0x100000001B3)  # FNV prime: position weights of the polynomial syllable hash
_PAIR = np.uint64(0x9E3779B97F4A7C15)  # golden-ratio constant: combines n-gram hashes


def _word_table() -> np.ndarray:
    """Per BMP code point: its lowercased (+ underthesea character map) code point if it is \\w, else 0."""
    table = np.zeros(_BMP, dtype=np.uint32)
    for cp in range(1, _BMP):
        ch = chr(cp)
        if ch.isalnum() or ch == "_":
            low = character_map.get(ch.lower(), ch.lower())
            table[cp] = ord(low) if len(low) == 1 else cp
    return table


_WORD_LOWER = _word_table()
_POW = np.cumprod(np.full(MAX_SYLLABLE_POS, _MULT, dtype=np.uint64)) // _MULT


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads hash bits so that ``h % n_buckets`` is uniform."""
    h = h ^ (h >> np.uint64(30))
    h = h * np.uint64(0xBF58476D1CE4E5B9)
    h = h ^ (h >> np.uint64(27))
    h = h * np.uint64(0x94D049BB133111EB)
    return h ^ (h >> np.uint64(31))


def _syllables(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of the lowercased \\w+ runs of ``texts`` (NFC) in order, and the text index of each."""
    nfc = [unicodedata.normalize("NFC", t) for t in texts]
    lengths = np.fromiter(map(len, nfc), dtype=np.int64, count=len(nfc)) + 1
    cp = np.frombuffer("\n".join(nfc).encode("utf-32-le"), dtype=np.uint32)
    if cp.max(initial=0) >= _BMP:  # astral characters (emoji, rare CJK) are not word characters
        cp = np.where(cp < _BMP, cp, 0)
    cp = _WORD_LOWER[cp]
    word = cp != 0
    edge = np.diff(word.view(np.int8), prepend=0, append=0)
    starts, ends = np.flatnonzero(edge == 1), np.flatnonzero(edge == -1)
    if not len(starts):
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    wi = np.flatnonzero(word)
    tlen = ends - starts
    first = np.zeros(len(starts), dtype=np.int64)
    np.cumsum(tlen[:-1], out=first[1:])
    pos = wi - np.repeat(starts, tlen)
    contrib = cp[wi].astype(np.uint64) * _POW[np.minimum(pos, MAX_SYLLABLE_POS - 1)]
    h = _mix(np.add.reduceat(contrib, first) ^ (tlen.astype(np.uint64) << np.uint64(56)))
    short = tlen <= RULE_MAX_LEN
    if len(_RULE_KEYS):  # a bitmap prefilter spares the binary search for almost all syllables
        cand = np.flatnonzero(short & _RULE_BITS[h & np.uint64(RULE_BITMAP_SIZE - 1)])
        idx = np.minimum(np.searchsorted(_RULE_KEYS, h[cand]), len(_RULE_KEYS) - 1)
        hit = _RULE_KEYS[idx] == h[cand]
        h[cand[hit]] = _RULE_VALS[idx[hit]]
    doc = np.searchsorted(np.cumsum(lengths), starts, side="right")
    return h, doc


def _rule_table() -> tuple[np.ndarray, np.ndarray]:
    """underthesea's token rules (``hoà``→``hòa``) as sorted syllable-hash pairs (lowercased)."""
    pairs = {k.lower(): v.lower() for k, v in token_map.items() if len(k) <= RULE_MAX_LEN}
    keys, vals = list(pairs), list(pairs.values())
    kh, _ = _syllables(keys)
    vh, vdoc = _syllables(vals)
    one = np.bincount(vdoc, minlength=len(vals)) == 1  # values that stay one syllable
    first = np.searchsorted(vdoc, np.arange(len(vals)))
    kh, vh = kh[one], vh[np.minimum(first, len(vh) - 1)][one]
    order = np.argsort(kh)
    return kh[order], vh[order]


_RULE_KEYS = np.zeros(0, dtype=np.uint64)
_RULE_VALS = np.zeros(0, dtype=np.uint64)
_RULE_BITS = np.zeros(RULE_BITMAP_SIZE, dtype=bool)
_RULE_KEYS, _RULE_VALS = _rule_table()
_RULE_BITS[_RULE_KEYS & np.uint64(RULE_BITMAP_SIZE - 1)] = True


def syllable_hashes(texts: Sequence[str]) -> list[np.ndarray]:
    """Per text, the normalised syllable hashes (exposed for tests and benchmarks)."""
    h, doc = _syllables(texts)
    return np.split(h, np.searchsorted(doc, np.arange(1, len(texts))))


def _ngram_counts(texts: Sequence[str], n_features: int, ngram_max: int, salt: int = 0) -> sp.csr_matrix:
    h, doc = _syllables(texts)
    if salt:  # a separate feature space: the same n-gram lands in an unrelated bucket
        h = _mix(h ^ np.uint64(salt))
    feats, docs, gram = [h], [doc], h
    for n in range(2, ngram_max + 1):
        same = doc[n - 1 :] == doc[: len(doc) - n + 1]
        gram = _mix(gram[:-1] * _PAIR + h[n - 1 :])
        feats.append(gram[same])
        docs.append(doc[n - 1 :][same])
    bucket = np.concatenate(feats) % np.uint64(n_features)
    key = np.concatenate(docs).astype(np.uint64) * np.uint64(n_features) + bucket
    uniq, counts = np.unique(key, return_counts=True)
    rows = (uniq // np.uint64(n_features)).astype(np.int64)
    cols = (uniq % np.uint64(n_features)).astype(np.int32)
    indptr = np.searchsorted(rows, np.arange(len(texts) + 1))
    return sp.csr_matrix((counts.astype(np.float32), cols, indptr), shape=(len(texts), n_features))


def _titles(texts: Sequence[str], title_chars: int) -> list[str]:
    """The headline of each text: its first line, at most ``title_chars`` characters."""
    return [t[:title_chars].split("\n", 1)[0] for t in texts]


class SyllableTfidfVectorizer(TransformerMixin, BaseEstimator):
    """TF-IDF over hashed syllable 1..``ngram_max``-grams of normalised, lowercased Vietnamese text.

    With ``title_chars > 0`` the n-grams of the headline (first line, at most ``title_chars`` characters)
    are counted once more in a salted hash space of their own, so "headline says bóng đá" is a feature.
    """

    def __init__(
        self, n_features: int = 2**18, ngram_max: int = 2, sublinear_tf: bool = True, min_df: int = 1,
        title_chars: int = 0,
    ) -> None:
        self.n_features = n_features
        self.ngram_max = ngram_max
        self.sublinear_tf = sublinear_tf
        self.min_df = min_df
        self.title_chars = title_chars

    def _batch_counts(self, texts: Sequence[str]) -> sp.csr_matrix:
        counts = _ngram_counts(texts, self.n_features, self.ngram_max)
        title_chars = getattr(self, "title_chars", 0)  # vectorisers pickled before the parameter existed
        if title_chars > 0:
            counts = counts + _ngram_counts(_titles(texts, title_chars), self.n_features, self.ngram_max, TITLE_SALT)
            counts = sp.csr_matrix(counts, dtype=np.float32)
        return counts

    def _counts(self, texts: Iterable[str]) -> sp.csr_matrix:
        texts = [str(t) for t in texts]
        parts = [self._batch_counts(texts[i : i + BATCH_DOCS]) for i in range(0, len(texts), BATCH_DOCS)]
        if not parts:
            return sp.csr_matrix((0, self.n_features), dtype=np.float32)
        return sp.vstack(parts, format="csr") if len(parts) > 1 else parts[0]

    def fit(self, X: Iterable[str], y: object = None) -> SyllableTfidfVectorizer:
        self.fit_transform(X)
        return self

    def fit_transform(self, X: Iterable[str], y: object = None, **fit_params: object) -> sp.csr_matrix:
        counts = self._counts(X)
        n_docs = counts.shape[0]
        df = np.bincount(counts.indices, minlength=self.n_features)
        idf = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
        idf[df < self.min_df] = 0.0
        self.idf_ = idf.astype(np.float32)
        self.n_features_out_ = self.n_features
        return self._weight(counts)

    def transform(self, X: Iterable[str]) -> sp.csr_matrix:
        check_is_fitted(self, "idf_")
        return self._weight(self._counts(X))

    def _weight(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        data = counts.data
        if self.sublinear_tf:
            data = np.log(data, out=data) + np.float32(1.0)
        counts.data = data * self.idf_[counts.indices].astype(np.float32)
        norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        counts.data /= np.repeat(norms, np.diff(counts.indptr)).astype(np.float32)
        counts.eliminate_zeros()
        return counts

    def __sklearn_tags__(self):  # type: ignore[no-untyped-def]
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.requires_fit = True
        return tags
