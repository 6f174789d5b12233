"""The tokens search sees: words of letters and digits, diacritics folded (đ → d) and lowercased.

The index and the query are built from the same tokens, so SQLite (FTS5's unicode61 over space-separated
tokens) and PostgreSQL (the 'simple' configuration over the same string) agree on every match.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bantin.text.diacritics import fold

# Joins a text's words for folding them in one call: not a word character, so each word folds and
# lowercases as it would alone (str.lower's one context rule, a final sigma, stops at it as at an end).
_SEP = "\n"

# Combining marks (text not in NFC keeps its marks attached to the word they follow).
_MARKS = "\u0300-\u036f\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
# A word: a maximal run of letters, digits and combining marks. Written as runs of one class after runs of the
# other rather than one alternation per character: the same matches (a test compares them) at ~2.5x the speed
# of ``(?:[^\W_]|[marks])+``, which was a fifth of the CPU of storing an article.
WORD_RE = re.compile(rf"[^\W_]+(?:[{_MARKS}]+[^\W_]*)*|[{_MARKS}]+(?:[^\W_]+[{_MARKS}]*)*")
# Tokens indexed per article: PostgreSQL clamps word positions at 16,383 (phrases past it cannot match);
# both databases index the same prefix so they give the same results. ~16k words is 3x a long feature.
MAX_INDEXED_TOKENS = 16_000
# PostgreSQL ignores lexemes of 2 KiB and more; no real word is near this, a URL-like blob can be.
MAX_TOKEN_CHARS = 200


def fold_token(word: str) -> str:
    return fold(word).lower()


def tokens(text: str | None) -> Iterator[str]:
    """The folded tokens of ``text``, in order: "Đô Lương, Nghệ An" → do, luong, nghe, an."""
    yield from _tokens(text)


def _token_table() -> tuple[str, ...]:
    """Per code point below _TABLE_END: its fold if it belongs to a word (WORD_RE), else a space."""
    word = re.compile(rf"[^\W_]|[{_MARKS}]")
    return tuple((fold(ch) if word.match(ch) else " ") for ch in map(chr, range(_TABLE_END)))


# Code points the token table covers: every script a Vietnamese or Western page mixes in (Latin, Greek,
# Cyrillic, Arabic, Indic, punctuation, symbols); a text with anything past it (CJK, emoji) takes the pattern.
_TABLE_END = 0x3000
_TOKEN_TABLE = _token_table()  # ~10 ms at import, ~0.8 MB
_PAST_TABLE = re.compile(f"[{chr(_TABLE_END)}-\U0010ffff]")


def _tokens(text: str | None) -> list[str]:
    if not text:
        return []
    if _PAST_TABLE.search(text) is None:
        # one translate (separators → space, words folded) and one lower: ~2x faster than matching each word
        folded = text.translate(_TOKEN_TABLE).lower().split()
    else:  # one fold and one lower over the joined words instead of two calls per word
        folded = [tok for tok in fold(_SEP.join(WORD_RE.findall(text))).lower().split(_SEP) if tok]
    if folded and max(map(len, folded)) > MAX_TOKEN_CHARS:  # rare (URL-like blobs): the per-token test only then
        return [tok for tok in folded if len(tok) <= MAX_TOKEN_CHARS]
    return folded  # a word of combining marks alone folded to nothing and is gone


def spans(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, folded token) of each word of ``text``: positions in the original (for highlights)."""
    for m in WORD_RE.finditer(text):
        yield m.start(), m.end(), fold_token(m.group())


def document(title: str | None, summary: str | None, text: str | None) -> str:
    """The search document of an article: its folded tokens, space-separated (what both indexes store).

    The summary is left out when the text starts with it (feed-only items store the summary as text)."""
    parts = [title, summary, text]
    if summary and text and text.lstrip().startswith(summary.strip()[:200]):
        parts = [title, text]
    out: list[str] = []
    for part in parts:
        out.extend(_tokens(part))
        if len(out) >= MAX_INDEXED_TOKENS:
            del out[MAX_INDEXED_TOKENS:]
            break
    return " ".join(out)
