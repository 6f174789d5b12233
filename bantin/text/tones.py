"""Tone-mark placement: the one source of the rules every stage uses ("hoà"/"hòa", "thuỷ"/"thủy", "qúa"/"quá").

The press writes the tone of the glides oa, oe, uy on either vowel ("hoà" and "hòa"). Two views of one
rule set, both here:

* ``TONE_SHIFTS`` — the glide rule itself: a tone on the second vowel of oa/oe/uy moves to the first
  ("oà" → "òa"), in lower, capitalised and upper case. Dedup's canonical text (lowercase, anywhere in a
  word) and place matching (cased, at the end of a syllable) apply it.
* ``token_rules()`` / ``char_rules()`` — underthesea's token table (2,904 whole syllables of at most
  ``RULE_MAX_LEN`` characters: the glide rule plus spelling such as "qúa" → "quá") and its character map
  ("ð" → "đ"), applied by ``normalize_vi`` and, as hashes, by the vectoriser (``bantin.text.syllables``).
  Where both apply they agree (``tests/text/test_tones.py``); underthesea's table also has syllables the
  glide rule does not reach (and lacks the capitalised "Oạ"), so neither view replaces the other without
  changing stored hashes or the shipped model's features.
"""

from __future__ import annotations

import importlib.util
import io
import logging
import pickle
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any, cast

# huyền, sắc, hỏi, ngã, nặng (combining marks)
TONE_MARKS = "\u0300\u0301\u0309\u0303\u0323"
# The glides whose tone the press places on either vowel.
GLIDES = (("o", "a"), ("o", "e"), ("u", "y"))
# underthesea applies its token rules only to tokens of at most this many characters.
RULE_MAX_LEN = 6


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _tone_shifts() -> dict[str, str]:
    table: dict[str, str] = {}
    for first, second in GLIDES:
        for tone in TONE_MARKS:
            for f, s in ((first, second), (first.upper(), second), (first.upper(), second.upper())):
                table[f + _nfc(s + tone)] = _nfc(f + tone) + s
    return table


# Tone on the second glide vowel → tone on the first ("oà" → "òa", "Uỷ" → "Ủy", "OÀ" → "ÒA"): 45 pairs.
TONE_SHIFTS: dict[str, str] = _tone_shifts()
# The lowercase pairs only (for text that is already casefolded): 15 pairs.
LOWER_TONE_SHIFTS: dict[str, str] = {k: v for k, v in TONE_SHIFTS.items() if k.islower()}


@lru_cache(maxsize=1)
def _underthesea() -> ModuleType:
    """underthesea's text normaliser, imported on first use (~0.4 s; dedup and place matching never need it)
    and without the root log handler its classification package adds at import (``logging.basicConfig``).
    That handler has no level: once Scrapy lowers the root logger to NOTSET, every DEBUG record of
    trafilatura, htmldate, charset_normalizer and Scrapy went to stderr during a crawl (thousands of lines
    per page set, measured in bench/throughput.py)."""
    before = list(logging.root.handlers)
    import underthesea.pipeline.text_normalize.text_normalizer as normalizer

    for handler in [h for h in logging.root.handlers if h not in before]:
        logging.root.removeHandler(handler)
    return normalizer


# The rules file underthesea's text_normalizer loads (its ``rule_file = "..."`` line; the last one counts).
_RULE_FILE = re.compile(r'^rule_file = "([\w.-]+)"', re.MULTILINE)


class _PlainData(pickle.Unpickler):
    """An unpickler that refuses every global: only dicts, lists, strings and numbers can come out of it."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"{module}.{name}: refused (plain data only)")


@lru_cache(maxsize=1)
def _rule_maps() -> tuple[dict[str, str], dict[str, str]]:
    """(character map, token map) exactly as underthesea's text_normalizer holds them, read from its rules file
    without importing underthesea (joblib and its pipelines cost ~0.25 s of every ``bantin classify`` start-up).
    The file is a plain pickle of two dicts of strings in the installed package; read with :class:`_PlainData`,
    it cannot run anything. Anything unexpected falls back to importing the module."""
    try:
        spec = importlib.util.find_spec("underthesea")
        if spec is not None and spec.submodule_search_locations:
            folder = Path(next(iter(spec.submodule_search_locations))) / "pipeline" / "text_normalize"
            names = _RULE_FILE.findall((folder / "text_normalizer.py").read_text(encoding="utf-8"))
            data = _PlainData(io.BytesIO((folder / names[-1]).read_bytes())).load() if names else None
            maps = (data.get("character"), data.get("token")) if isinstance(data, dict) else (None, None)
            if all(isinstance(m, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in m.items())
                   for m in maps):
                return cast(tuple[dict[str, str], dict[str, str]], maps)
    except (OSError, ValueError, pickle.UnpicklingError, EOFError):
        pass
    module = _underthesea()
    return cast(dict[str, str], module.character_map), cast(dict[str, str], module.token_map)


def token_rules() -> dict[str, str]:
    """underthesea's whole-syllable rules ("hoà" → "hòa", "qúa" → "quá", "qui" → "quy"), cased as written."""
    return _rule_maps()[1]


def char_rules() -> dict[str, str]:
    """underthesea's character map, applied to whole texts: "ð" → "đ" (the Icelandic eth read as "đ")."""
    return _rule_maps()[0]


def lower_token_rules() -> dict[str, str]:
    """The token rules that can fire, lowercased (for lowercased syllables): keys of at most RULE_MAX_LEN."""
    return {k.lower(): v.lower() for k, v in token_rules().items() if len(k) <= RULE_MAX_LEN}


def token_normalizer() -> tuple[re.Pattern[str], Callable[[str], str]]:
    """(underthesea's tokenizer pattern, its one-token normaliser without the character map)."""
    _underthesea()
    from underthesea.pipeline.text_normalize import token_normalize
    from underthesea.pipeline.word_tokenize.regex_tokenize import patterns

    return patterns, lambda tok: str(token_normalize(tok, use_character_normalize=False))
