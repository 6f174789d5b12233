"""Vietnamese word lists used to keep place names apart from ordinary words.

The dictionary is underthesea's bundled Viet74K list (offline, in the wheel), located without importing
underthesea. Without it the matcher still works, only with fewer traps known.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

from bantin.classify.relevance import data as gd
from bantin.text.vitext import folded_key, key

_VIET74K = ("corpus", "data", "Viet74K.txt")


def _dictionary_path() -> Path | None:
    spec = importlib.util.find_spec("underthesea")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))).joinpath(*_VIET74K)
    return path if path.is_file() else None


@lru_cache(maxsize=1)
def dictionary_entries() -> tuple[str, ...]:
    path = _dictionary_path()
    if path is None:
        return ()
    return tuple(line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


@lru_cache(maxsize=1)
def lexicon_keys() -> frozenset[tuple[str, ...]]:
    """Keys of every multi-word dictionary entry (common words and proper nouns alike)."""
    return frozenset(k for k in map(key, dictionary_entries()) if len(k) >= 2)


@lru_cache(maxsize=1)
def common_word_keys() -> frozenset[tuple[str, ...]]:
    """Keys of lowercase (common-noun) entries and trap phrases: "thái hoà", "hoàng mai", "tân kỳ", "vinh danh"."""
    common = (e for e in dictionary_entries() if e == e.lower())
    return frozenset(k for k in (key(e) for e in (*common, *gd.EXTRA_TRAP_PHRASES)) if len(k) >= 2)


@lru_cache(maxsize=1)
def fold_collisions() -> frozenset[tuple[str, ...]]:
    """Folded keys of common (lowercase) words and trap phrases: a place folding to one of these is unsafe
    to match in text written without diacritics ("đo lường" -> "do luong" is not Đô Lương)."""
    common = [e for e in dictionary_entries() if e == e.lower()]
    return frozenset(folded_key(e) for e in (*common, *gd.EXTRA_TRAP_PHRASES, *gd.EXTRA_FOLD_COLLISIONS))
