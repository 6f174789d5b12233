"""Vietnamese text helpers for place matching: NFC, one tone-mark style (``bantin.text.tones``), tokens;
``fold`` is ``bantin.text.diacritics.fold``."""

from __future__ import annotations

import re
import unicodedata

from bantin.text.diacritics import fold
from bantin.text.tones import TONE_SHIFTS

__all__ = ["fold", "folded_key", "is_acronym", "is_capitalized", "is_unaccented", "key", "normalize", "prepare",
           "tokens"]

# A word token, or one punctuation mark (punctuation breaks multi-word names).
_TOKEN = re.compile(r"\w+|[^\w\s]")
# The dot of an abbreviated designator ("TP.Vinh", "P.Thành Sen", "TX. Cửa Lò") is dropped so "TP Vinh" matches.
_ABBREVS = frozenset({"TP", "Tp", "tp", "TX", "Tx", "TT", "P", "X", "Q", "H"})
_ABBREV_HINT = re.compile(r"[PXQHT]\.")
# The same drop on ``\n``-joined tokens: a "." token right after one of _ABBREVS.
_ABBREV_DOT = re.compile(r"(?<![^\n])(" + "|".join(sorted(_ABBREVS)) + r")\n\.(?![^\n])")
# Share of word tokens carrying a diacritic below which a field is treated as unaccented (slug, URL, ASCII title).
UNACCENTED_MAX_SHARE = 0.1
# Fields shorter than this are too short to call unaccented (a bare "TP Vinh" is still accented text).
UNACCENTED_MIN_TOKENS = 4


# Old vs new tone placement (hoà/hòa, thuỷ/thủy): both map to the tone-on-first-vowel style of the gazetteers.
_TONE_MAP = TONE_SHIFTS
_TONE_RE = re.compile("(?<![qQ])(" + "|".join(sorted(_TONE_MAP, key=len, reverse=True)) + r")(?!\w)")
# Cheap pre-check on lowercased text: is there any syllable in the other tone style at all?
_TONE_HINT = re.compile("(?<!q)(?:" + "|".join(k for k in _TONE_MAP if k.islower()) + r")(?!\w)")


def _tone_pairs() -> re.Pattern[str]:
    """_TONE_HINT's very matches, written to start with a character class ("o" or "u", the "not after q" test
    moved behind it) so the regex engine skips ahead to candidates: 3x faster over whole articles."""
    seconds: dict[str, list[str]] = {}
    for k in (k for k in _TONE_MAP if k.islower()):
        seconds.setdefault(k[0], []).append(k[1])
    alternatives = "|".join(f"{f}(?<!q{f})[{''.join(s)}]" for f, s in sorted(seconds.items()))
    return re.compile(f"(?:{alternatives})" + r"(?!\w)")


_TONE_PAIRS = _tone_pairs()


def normalize(text: str) -> str:
    """NFC and one tone-mark style; keeps case and punctuation."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return _TONE_RE.sub(lambda m: _TONE_MAP[m.group(1)], text)


def _retone(tok: str) -> str:
    return tok if tok[-3:-2] == "q" else tok[:-2] + _TONE_MAP[tok[-2:]]


def prepare(text: str) -> tuple[list[str], list[str]]:
    """Fast path for matching: (tokens as written, lowercased tokens in the gazetteer's tone style)."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    toks = _tokens(text)
    low = text.lower()
    if len(low) == len(text) and "\u03a3" not in text:
        # lower() went character by character (Σ is its one context rule) and no character changes class
        # (\w, \s, other) when lowercased, so the tokens of ``low`` are the lowered tokens: lower and retone
        # them as one string (whitespace never occurs inside a token). ~1.5x faster on full articles.
        lows = _TONE_PAIRS.sub(_retone_match, "\n".join(toks).lower()).split("\n") if toks else []
    else:
        lows = _TOKEN.findall(low)
        if len(lows) != len(toks):  # a rare character whose lowercase form splits a token
            lows = [t.lower() for t in toks]
        if _TONE_HINT.search(low):
            lows = [_TONE_MAP.get(t[-2:], "") and _retone(t) or t for t in lows]
    if _ABBREV_HINT.search(text):
        keep = [i for i, t in enumerate(toks) if not (t == "." and i and toks[i - 1] in _ABBREVS)]
        toks, lows = [toks[i] for i in keep], [lows[i] for i in keep]
    return toks, lows


def prepare_lines(text: str, lines: str | None = None) -> tuple[str, str] | None:
    """:func:`prepare`'s two lists, each joined by ``\n``, made without the lists (None where :func:`prepare` takes
    its slow path: a lowercase form of another length, or Σ). ``lines``: ``"\n".join(_tokens(nfc(text)))`` if the
    caller has it (:func:`bantin.text.token_lines.token_lines` makes them for a batch)."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if lines is None:
        lines = "\n".join(_tokens(text))
    if "\u03a3" in lines or len(lines.lower()) != len(lines):  # tokens hold the text's every non-space character
        return None
    if _ABBREV_HINT.search(text):  # prepare's very test, on the text
        lines = _ABBREV_DOT.sub(r"\1", lines)
    return lines, _TONE_PAIRS.sub(_retone_match, lines.lower())


def _tokens(text: str) -> list[str]:
    """``_TOKEN.findall(text)``, ~1.3x faster on articles: str.split() cuts at the very characters ``\\s`` matches,
    and a chunk that is all ``\\w`` (isalnum: the same test ``\\w`` makes, less "_") is one token."""
    out: list[str] = []
    append, extend, findall = out.append, out.extend, _TOKEN.findall
    for chunk in text.split():
        if chunk.isalnum():
            append(chunk)
        else:
            extend(findall(chunk))
    return out


def _retone_match(m: re.Match[str]) -> str:
    return _TONE_MAP[m.group(0)]


def tokens(text: str) -> list[str]:
    """Word and punctuation tokens of already-normalized text (abbreviation dots dropped)."""
    return _drop_abbrev_dots(_TOKEN.findall(text))


def key(name: str) -> tuple[str, ...]:
    """Lookup key of a name: its lowercased, normalized word tokens."""
    return tuple(t.lower() for t in tokens(normalize(name)) if t[0].isalnum())


def folded_key(name: str) -> tuple[str, ...]:
    return tuple(fold(t) for t in key(name))


def _drop_abbrev_dots(toks: list[str]) -> list[str]:
    out: list[str] = []
    for t in toks:
        if t == "." and out and out[-1] in _ABBREVS:
            continue
        out.append(t)
    return out


def is_unaccented(toks: list[str]) -> bool:
    """True for fields written without diacritics, where only fold-safe names may be matched."""
    return _unaccented("".join(toks), len(toks))


def is_unaccented_line(line: str) -> bool:
    """:func:`is_unaccented` of ``line.split("\n")`` (each separator adds one character and one byte: same share)."""
    return _unaccented(line, line.count("\n") + 1 if line else 0)


def _unaccented(joined: str, n_tokens: int) -> bool:
    if n_tokens < UNACCENTED_MIN_TOKENS:
        return False
    if joined.isascii():
        return True
    marked = (len(joined.encode("utf-8")) - len(joined)) / 2  # Vietnamese letters take 2-3 UTF-8 bytes
    return marked / n_tokens < UNACCENTED_MAX_SHARE


def is_capitalized(tok: str) -> bool:
    return tok[:1].isupper()


def is_acronym(tok: str) -> bool:
    """SLNA, UBND, FPT, ĐH: all-caps tokens of two letters or more."""
    return len(tok) >= 2 and tok.isupper()
