"""Vietnamese text normalisation: NFC, underthesea's tone-mark/spelling rules, whitespace cleanup.

underthesea's ``text_normalize`` NFC-normalises, maps ``ð``→``đ``, tokenises with its regex tokenizer,
maps each token of at most 6 characters through its rule table (``hoà``→``hòa``, ``qúa``→``quá``,
``qui``→``quy``) and re-joins tokens with single spaces. The re-join destroys paragraph breaks and puts
spaces before punctuation (``Việt ,``), and the tokenizer makes it slow (~200 articles/s).

Same semantics, faster: no tokenizer pattern spans whitespace, so tokenising each whitespace-separated
chunk alone yields the same tokens. A chunk only needs the tokenizer when one of its letter runs is a
rule-table key (rare); chunk results are cached. Verified by ``tests/text/test_normalize.py`` (slow): equal
token sequences to ``text_normalize`` on all 1,500 VNTC-small texts, original and with old-style tone
marks injected.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache

from bantin.app.stats import StatsLike, inc


def _import_underthesea_quietly() -> None:
    """Import underthesea without the root log handler its classification package adds at import
    (``logging.basicConfig``). That handler has no level: once Scrapy lowers the root logger to NOTSET, every
    DEBUG record of trafilatura, htmldate, charset_normalizer and Scrapy went to stderr during a crawl
    (thousands of lines per page set, measured in bench/throughput.py)."""
    before = list(logging.root.handlers)
    import underthesea.pipeline.text_normalize  # noqa: F401

    for handler in [h for h in logging.root.handlers if h not in before]:
        logging.root.removeHandler(handler)


_import_underthesea_quietly()

from underthesea.pipeline.text_normalize import token_normalize  # noqa: E402
from underthesea.pipeline.text_normalize.text_normalizer import character_map, token_map  # noqa: E402
from underthesea.pipeline.word_tokenize.regex_tokenize import patterns as _UTS_TOKEN  # noqa: E402

# Whitespace-separated chunks in news text repeat a lot (syllables + punctuation); cache their results.
CHUNK_CACHE_SIZE = 131072

# VNTC articles measure 0.11-0.45 (median 0.28); the 181 aeb pages (en/pt/it/id/ko) at most 0.04.
VI_MIN_DIACRITIC_RATIO = 0.08
# Below this many letters (a bare title) the text is no evidence; trust the declaration.
MIN_LANG_LETTERS = 80
# Language checks look at the start only: enough for a stable ratio, constant cost on long pages.
LANG_SAMPLE_CHARS = 5000
# Share of function words among all words: aeb English bodies mostly >= 0.17, its pt/it/id/ru/ko/ja <= 0.08.
EN_MIN_FUNCTION_WORD_RATIO = 0.12

_EN_FUNCTION_WORDS = frozenset(
    "the of and to in is that for it on was with as be by at this are from or an have has not but".split()
)
_LETTER_RUN = re.compile(r"[^\W\d_]+")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")  # zero-width chars and soft hyphen
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_CHAR_RULES = str.maketrans(character_map)  # ð→đ: underthesea applies it to the whole text
# str.translate looks every character up in a dict (~0.5 ms per article); the keys are rare, test first.
_CHAR_RULE_KEYS = tuple(character_map)
_VI_SPECIFIC = frozenset(
    "ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
)


@lru_cache(maxsize=CHUNK_CACHE_SIZE)
def normalize_chunk(chunk: str) -> str:
    """One whitespace-free chunk through underthesea's token rules (tokenizer only when a rule may fire)."""
    if not any(run in token_map for run in _LETTER_RUN.findall(chunk)):
        return chunk
    out, pos = [], 0
    for m in _UTS_TOKEN.finditer(chunk):
        out.append(chunk[pos : m.start()])
        out.append(str(token_normalize(m.group(), use_character_normalize=False)))
        pos = m.end()
    out.append(chunk[pos:])
    return "".join(out)


def normalize_vi(text: str) -> str:
    """NFC + underthesea tone-mark/spelling rules + whitespace cleanup; paragraphs stay on separate lines.

    Spaces inside a line collapse to one; blank lines are dropped (paragraphs are separated by one "\\n").
    """
    text = unicodedata.normalize("NFC", text)
    if any(key in text for key in _CHAR_RULE_KEYS):
        text = text.translate(_CHAR_RULES)
    text = _INVISIBLE.sub("", _NEWLINES.sub("\n", text))
    lines = (" ".join(map(normalize_chunk, line.split())) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def vi_diacritic_ratio(text: str) -> float:
    """Share of letters carrying Vietnamese diacritics (ă â đ ê ô ơ ư, toned vowels): ~0.3 in Vietnamese prose."""
    lowered = text.lower()
    letters = sum(map(str.isalpha, lowered))  # map over C methods: ~3x faster than a generator
    if not letters:
        return 0.0
    return sum(map(_VI_SPECIFIC.__contains__, lowered)) / letters  # every member is a letter


def _language_code(label: str | None) -> str | None:
    code = (label or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code.isalpha() and 2 <= len(code) <= 3 else None


def detect_language(text: str, declared: str | None = None, stats: StatsLike | None = None) -> str | None:
    """ISO 639 code for ``text``: the Vietnamese diacritic ratio beats a declared ``lang`` (they lie:
    templates ship ``lang="en"``), a declared non-Vietnamese code is kept unless contradicted, and
    untagged text that is mostly English function words is "en"."""
    sample = text[:LANG_SAMPLE_CHARS]
    code = _language_code(declared)
    if sum(map(str.isalpha, sample)) < MIN_LANG_LETTERS:
        inc(stats, "extract/lang_declared" if code else "extract/lang_unknown")
        return code
    if vi_diacritic_ratio(sample) >= VI_MIN_DIACRITIC_RATIO:
        inc(stats, "extract/lang_vi_text" if code in (None, "extract/vi") else "extract/lang_override")
        return "vi"
    if code == "vi":
        inc(stats, "extract/lang_override")
        code = None
    if code:
        inc(stats, "extract/lang_declared")
        return code
    words = _LETTER_RUN.findall(sample.lower())
    if words and sum(map(_EN_FUNCTION_WORDS.__contains__, words)) / len(words) >= EN_MIN_FUNCTION_WORD_RATIO:
        inc(stats, "extract/lang_en_text")
        return "en"
    inc(stats, "extract/lang_unknown")
    return None
