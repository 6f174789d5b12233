"""An article's fields as the province matcher reads them: the body's tokens kept as one joined string until a
hit needs them, the lead split off its first tokens (:class:`Body`), and the tests on the title and the lead
that bound the decision: a bulletin or round-summary title (:func:`is_digest`), a lead reporting one match
(:func:`is_match_report`).
"""

from __future__ import annotations

from dataclasses import dataclass

from bantin.classify.relevance import data as gd
from bantin.classify.relevance.scan.tokenindex import SEP
from bantin.text.vitext import prepare, prepare_lines


def split_tokens(line: str) -> list[str]:
    """The token list of a ``SEP``-joined field."""
    return line.split(SEP) if line else []


@dataclass(frozen=True)
class Body:
    """A field's tokens as :func:`~bantin.text.vitext.prepare` gives them, each list joined by ``SEP``."""

    toks: str
    lows: str

    @staticmethod
    def of(text: str | None, lines: str | None) -> Body:
        if not text:
            return Body("", "")
        joined_ = prepare_lines(text, lines)
        if joined_ is None:  # prepare's slow path: its lists, joined
            toks, lows = prepare(text)
            return Body(SEP.join(toks), SEP.join(lows))
        return Body(*joined_)

    def split_lead(self, n: int) -> tuple[list[str], list[str], Body]:
        """The first ``n`` tokens as lists (tokens, lowercased), and the rest."""
        if not self.toks:
            return [], [], self
        toks, lows = self.toks.split(SEP, n), self.lows.split(SEP, n)
        rest = Body(toks[n], lows[n]) if len(toks) > n else Body("", "")
        return toks[:n], lows[:n], rest


def is_match_report(title_lows: list[str], lead_lows: list[str]) -> bool:
    if " ".join(title_lows).startswith(gd.ROUND_TITLE_PREFIXES):
        return False
    grams = _grams(lead_lows)
    if grams & gd.ROUND_WORDS:
        return False
    score = any(
        a.isdigit() and b == "-" and c.isdigit() and len(a) <= 2 and len(c) <= 2
        for a, b, c in zip(lead_lows, lead_lows[1:], lead_lows[2:], strict=False)
    )
    return score or bool((grams | _grams(title_lows)) & gd.MATCH_WORDS)


def _grams(lows: list[str]) -> set[tuple[str, ...]]:
    """Every one-, two- and three-token run of a field (the match and round word lists hold up to three)."""
    return {tuple(lows[i : i + n]) for n in (1, 2, 3) for i in range(len(lows))}


def is_digest(title: str) -> bool:
    low = title.strip().lower()
    return (
        gd.DIGEST_TITLE_SEPARATOR in low
        or low.startswith(gd.DIGEST_TITLE_PREFIXES)
        or low.startswith(gd.ROUND_TITLE_PREFIXES)
    )
