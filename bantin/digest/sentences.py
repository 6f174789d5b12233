"""The lead of a stored article: its first two or three sentences, split the way Vietnamese prose splits.

A sentence ends at ".", "!", "?" or "…" (with any closing quote or bracket after it) followed by a space
and a capital letter, an opening quote or a digit, or at a paragraph break. It does not end after a
Vietnamese abbreviation ("TP. Vinh", "PGS.TS.", "Q. Ba Đình", "ThS."), after one capital letter (an
initial), or inside a number ("1.000", "3,5"). A dateline the outlets put first ("(Dân trí) - ",
"NGHỆ AN - ", "Vinh (TTXVN) - ") is not a sentence and is left out. The stored text has no bylines
(principle 1, docs/principles.md: the extractor strips them), so nothing else is removed but a first
paragraph that repeats the title. A paragraph that ends without a full stop (a page that sets sentences as
separate paragraphs) gets one, so that the lead reads as prose when its sentences are joined.
"""

from __future__ import annotations

import re

# Two sentences are the lead; a third is added while the lead is still short (a wire story's first
# sentence is often a 20-word dateline and place): what the issue calls "two or three lead sentences".
MIN_SENTENCES = 2
MAX_SENTENCES = 3
# Under this many characters two sentences are too thin to say what happened: add the third.
SHORT_LEAD_CHARS = 280
# One sentence longer than this (a run-on paragraph without a full stop) is cut at a word with "…".
MAX_SENTENCE_CHARS = 400
# Only the text's beginning is read: a lead never needs more, and a stored article may run to 100 KB.
SCAN_CHARS = 4000
# Abbreviations after which a full stop does not end the sentence (compared case-insensitively).
ABBREVIATIONS = frozenset({
    "tp", "tt", "tx", "q", "p", "h", "x", "ths", "ts", "pgs", "gs", "bs", "ks", "ls", "nxb", "st", "tr", "vd",
    "ubnd", "hđnd", "ct", "pct", "đ", "sđd", "mr", "mrs", "ms", "dr", "no", "co", "inc", "ltd", "vs", "etc",
})
# A dateline at the very start: "(Dân trí) - ", "NGHỆ AN - ", "Vinh (TTXVN) – ", "(NLĐO)- ".
DATELINE = re.compile(r"^\s*(?:[^\s()]{1,20}(?:\s[^\s()]{1,20}){0,3}\s*)?\([^()\n]{1,30}\)\s*[-–—]\s*")
# "NGHỆ AN - ": a place in capitals, then a dash (checked with str.isupper: every letter a capital).
CAPS_DATELINE = re.compile(r"^\s*(\w[\w ]{1,30}?)\s[-–—]\s+")
_TERMINAL = (".", "!", "?", "…", ":", '"', "”", "’", "»", ")")
_END = re.compile(r"([.!?…]+)([\"'”’»)\]]*)\s+(?=[\"'“‘«(\[]?[A-ZĐÀ-Ỹ0-9])")


def _last_word(text: str) -> str:
    tail = re.split(r"[\s(\"“]", text)[-1]
    return tail.rstrip(".").split(".")[-1] if tail else ""


def _ends_sentence(before: str, mark: str) -> bool:
    if mark != ".":
        return True
    word = _last_word(before)
    if word.lower() in ABBREVIATIONS:
        return False
    return not (len(word) == 1 and word.isupper())  # an initial: "Nguyễn V. A" never ends a sentence


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text``'s beginning (up to SCAN_CHARS), paragraph breaks included as ends."""
    out: list[str] = []
    for para in text[:SCAN_CHARS].split("\n"):
        para = " ".join(para.split())
        start = 0
        for m in _END.finditer(para):
            if _ends_sentence(para[start:m.start()], m.group(1)):
                out.append(para[start:m.end()].strip())
                start = m.end()
        rest = para[start:].strip()
        if rest:
            out.append(rest if rest.endswith(_TERMINAL) else rest + ".")
    return out


def _cut(sentence: str) -> str:
    if len(sentence) <= MAX_SENTENCE_CHARS:
        return sentence
    return sentence[:MAX_SENTENCE_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _fold(text: str) -> str:
    return " ".join(text.split()).rstrip(".").casefold()


def lead_sentences(text: str | None, title: str | None = None) -> list[str]:
    """Two sentences of the text's beginning, or three when two are short; the dateline, and a first
    paragraph that is the title again, left out."""
    if not text:
        return []
    body = text.lstrip()
    first, sep, rest = body.partition("\n")
    if title and sep and _fold(first) == _fold(title):
        body = rest.lstrip()
    body = DATELINE.sub("", body, count=1)
    caps = CAPS_DATELINE.match(body)
    if caps and caps.group(1).isupper():
        body = body[caps.end():]
    sentences = [_cut(s) for s in split_sentences(body)]
    lead = sentences[:MIN_SENTENCES]
    if len(sentences) > MIN_SENTENCES and sum(len(s) for s in lead) < SHORT_LEAD_CHARS:
        lead = sentences[:MAX_SENTENCES]
    return lead
