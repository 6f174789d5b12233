"""Comparing two versions of an article's text: a normalised hash, and a bounded unified diff by sentence."""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata

# A sentence ends at . ! ? or … followed by space; Vietnamese news punctuates like English.
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
# Articles run to a few hundred sentences; beyond this the tail is compared as one block (difflib is quadratic).
MAX_DIFF_SENTENCES = 2000
# A stored diff shows what changed in an article; an article rewritten whole is cut here (with a marker).
MAX_DIFF_CHARS = 20_000
# Lines of context around each change: enough to find the place in the article.
DIFF_CONTEXT = 1
TRUNCATED_MARK = "… (diff cắt bớt / truncated)"


def normalise(text: str) -> str:
    """NFC, and whitespace collapsed per line, empty lines dropped: layout changes are not edits."""
    lines = (" ".join(line.split()) for line in unicodedata.normalize("NFC", text).splitlines())
    return "\n".join(line for line in lines if line)


def text_hash(text: str) -> str:
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


def sentences(text: str) -> list[str]:
    out: list[str] = []
    for line in normalise(text).split("\n"):
        out.extend(s for s in SENTENCE_END.split(line) if s)
    if len(out) > MAX_DIFF_SENTENCES:
        out = out[: MAX_DIFF_SENTENCES - 1] + [" ".join(out[MAX_DIFF_SENTENCES - 1:])]
    return out


def unified_diff(before: str, after: str) -> str:
    """``before`` → ``after`` as a unified diff, one sentence a line, at most MAX_DIFF_CHARS characters."""
    lines = difflib.unified_diff(sentences(before), sentences(after), fromfile="ban-dau (baseline)",
                                 tofile="hien-tai (current)", n=DIFF_CONTEXT, lineterm="")
    out: list[str] = []
    size = 0
    for line in lines:
        if size + len(line) + 1 > MAX_DIFF_CHARS - len(TRUNCATED_MARK):
            out.append(TRUNCATED_MARK)
            break
        out.append(line)
        size += len(line) + 1
    return "\n".join(out)
