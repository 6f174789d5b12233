"""Province relevance: is this article about our province ("primary"), naming it in passing ("mention"), or not?

Evidence is the gazetteer hits of :mod:`bantin.classify.relevance.scan.places`, weighted by what was matched (province name,
nickname, district, commune; unique or shared with another province) and where: the title and the lead (summary,
or the first tokens of the text, where the dateline "(NLĐO) - Sáng 12-3, tại TP Vinh, ..." sits) decide
"primary"; the body only by repetition. See docs/relevance.md for the method and the measured figures.

Here: the thresholds and score bands, the result types, the evidence assembly and the rules' decision
(:class:`ProvinceMatcher`). What one hit weighs is :mod:`~bantin.classify.relevance.scan.weights`'; how the title,
lead and body are read (and the bulletin and match-report tests) is :mod:`~bantin.classify.relevance.scan.fields`'.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from bantin.classify.relevance import data as gd
from bantin.classify.relevance.gazetteer import build_gazetteer
from bantin.classify.relevance.learned import learned_places
from bantin.classify.relevance.scan.fields import Body, is_digest, is_match_report, split_tokens
from bantin.classify.relevance.scan.places import Hit, PlaceScanner
from bantin.classify.relevance.scan.tokenindex import TokenIndex, joined
from bantin.classify.relevance.scan.weights import WeightContext, is_anchor, weight
from bantin.text.token_lines import token_lines
from bantin.text.vitext import key, prepare

# Weight an article-level hit needs in the title or lead for "primary": a unique commune (0.5) qualifies.
PRIMARY_MIN = 0.5
# Weight a hit needs to count at all for "mention": drops bare shared names, keeps Nghệ Tĩnh and signatures.
MENTION_MIN = 0.3
# Body hits of at least PRIMARY_MIN weight that make a body-only article "primary" (a story set in the province
# names it again and again; a national story names it once or twice).
BODY_PRIMARY_HITS = 3
# Without a summary, the lead is this many tokens of the text: dateline plus first sentence.
LEAD_TOKENS = 60
# A title or lead naming this many other provinces besides ours is a national roundup: at most a mention.
CROWD_OTHERS = 2
# Longest other-province or region name looked for by the crowd test, in tokens ("Thừa Thiên Huế" has 3).
CROWD_MAX_TOKENS = 4
# Noisy-OR factors: a lead hit counts nearly as much as a title hit, each body hit much less.
LEAD_FACTOR = 0.9
BODY_FACTOR = 0.3
# Score bands, so that the score orders articles consistently with the label.
BANDS = {"primary": (0.5, 1.0), "mention": (0.15, 0.499), "none": (0.0, 0.149)}


@dataclass(frozen=True)
class MatchedPlace:
    name: str
    kind: str
    province: str
    count: int

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "kind": self.kind, "province": self.province, "count": self.count}


@dataclass(frozen=True)
class ProvinceResult:
    relevance: str  # "primary" | "mention" | "none"
    score: float  # in [0, 1], banded by relevance (see BANDS)
    places: tuple[MatchedPlace, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "relevance": self.relevance,
            "score": self.score,
            "places": [p.to_dict() for p in self.places],
        }


@dataclass(frozen=True)
class Evidence:
    """The matcher's evidence for one article (:meth:`ProvinceMatcher.evidence`), read by the learned decision."""

    fields: dict[str, list[Hit]]  # "title" | "lead" | "body" -> hits, after the trap rules
    weights: dict[str, list[float]]  # the same fields -> each hit's weight in context
    lows: dict[str, list[str]]  # the same fields -> lowercased tokens
    digest: bool  # a bulletin / round-summary title
    anchored: bool  # the article names the province, a nickname or a district
    match_report: bool  # the lead reports one match
    crowded_title: tuple[bool, bool]  # (names CROWD_OTHERS others, counts provinces) in the title
    crowded_lead: tuple[bool, bool]  # the same in the lead


class ProvinceMatcher:
    """Province relevance for one configured province; building the gazetteer happens once per process."""

    def __init__(
        self,
        province: str = "Nghệ An",
        include_legacy: bool = True,
        include_merged: bool = True,
        learned: bool = True,
    ) -> None:
        """``learned``: also use the landmarks learned from the archive (:mod:`.learned`)."""
        self._scanner = _scanner(province, include_legacy, include_merged, learned)
        self.gazetteer = self._scanner.gaz
        self.province = self.gazetteer.province
        self._crowd = {**self.gazetteer.other_provinces, **{key(r): r for r in gd.REGIONS}}
        self._crowd_first = {k[0] for k in (*self._crowd, *self.gazetteer.places)}
        self._crowd_index = TokenIndex(self._crowd, CROWD_MAX_TOKENS)

    def match(
        self, title: str | None = None, text: str | None = None, summary: str | None = None,
        text_lines: str | None = None,
    ) -> ProvinceResult:
        """``text_lines``: ``token_lines([text])[0]`` if the caller has it (:meth:`match_many` makes them)."""
        return self.decide(self._evidence(title, text, summary, text_lines, body_lows=False))

    def match_many(self, rows: Sequence[tuple[str | None, str | None, str | None]]) -> list[ProvinceResult]:
        """:meth:`match` of each ``(title, text, summary)``, the texts' tokens made for the whole batch at once."""
        lines = token_lines([text or "" for _, text, _ in rows])
        return [self.match(title, text, summary, ln) for (title, text, summary), ln in zip(rows, lines, strict=True)]

    def evidence(
        self, title: str | None = None, text: str | None = None, summary: str | None = None
    ) -> Evidence:
        """What :meth:`match` decides on: the hits per field with their weights and the boundary flags."""
        return self._evidence(title, text, summary, None, body_lows=True)

    def _evidence(
        self, title: str | None, text: str | None, summary: str | None, text_lines: str | None, body_lows: bool
    ) -> Evidence:
        """:meth:`evidence`; the body's tokens stay one joined string unless a hit needs them (:class:`~.fields.Body`), and
        without ``body_lows`` (:meth:`match`: the rules never read them) the evidence's ``lows["body"]`` is []."""
        title_toks, title_lows = prepare(title) if title else ([], [])
        body = Body.of(text, text_lines)
        if summary:
            lead_toks, lead_lows = prepare(summary)
        else:
            lead_toks, lead_lows, body = body.split_lead(LEAD_TOKENS)
        digest = is_digest(title or "")
        scan = self._scanner.scan
        fields = {
            "title": scan(title_toks, title_lows),
            "lead": scan(lead_toks, lead_lows),
            "body": self._scanner.scan_lines(body.toks, body.lows),
        }
        if not any(h.place.kind in ("province", "province(merged)") for hs in fields.values() for h in hs):
            named = self._scanner.provinces_named(title_lows) | self._scanner.provinces_named(lead_lows)
            fields = {f: self._scanner.drop_owned_elsewhere(hs, named) for f, hs in fields.items()}
        anchored = any(is_anchor(h) for hs in fields.values() for h in hs)
        if digest:  # a bulletin title is a list of stories: its hits count as lead hits
            fields = {"title": [], "lead": fields["title"] + fields["lead"], "body": fields["body"]}
        # only a club's hit outside the title is weighed by it (weight): most articles never need it
        match_report = any(h.place.kind == "club" for f in ("lead", "body") for h in fields[f]) and is_match_report(
            title_lows, lead_lows)
        ctx = WeightContext(self.gazetteer, anchored, match_report, _first_of(title_lows, gd.STORM_WORDS))
        weights = {f: [weight(h, f, ctx) for h in hs] for f, hs in fields.items()}
        lows = {"title": title_lows, "lead": lead_lows, "body": split_tokens(body.lows) if body_lows else []}
        return Evidence(fields, weights, lows, digest, anchored, match_report,
                        self._crowded(title_lows), self._crowded(lead_lows))

    def decide(self, ev: Evidence) -> ProvinceResult:
        """The rules' primary / mention / none on :meth:`evidence`'s result."""
        weights, fields, digest = ev.weights, ev.fields, ev.digest
        t, le = max(weights["title"], default=0.0), max(weights["lead"], default=0.0)
        body = weights["body"]
        raw = 1 - (1 - t) * (1 - LEAD_FACTOR * le)
        for w in body:
            raw = 1 - (1 - raw) * (1 - BODY_FACTOR * w)
        (crowded_t, count_t), (crowded_l, count_l) = ev.crowded_title, ev.crowded_lead
        # whatever else the fields name: a cue placing the event here (the crowd names the road's other ends), or a
        # score beside our name in the title ("Hà Tĩnh 1-0 Quảng Ninh": a match we play)
        placed = any(h.located and w >= PRIMARY_MIN for f in ("title", "lead") for h, w in zip(
            fields[f], weights[f], strict=True)) or any(w >= PRIMARY_MIN and _score_beside(ev.lows["title"], h)
                                                        for h, w in zip(fields["title"], weights["title"], strict=True))
        if not digest and (
            placed
            or (t >= PRIMARY_MIN and not crowded_t)
            or (le >= PRIMARY_MIN and not (crowded_l or count_l or count_t) and not (crowded_t and t > 0))
            or sum(w >= PRIMARY_MIN for w in body) >= BODY_PRIMARY_HITS
        ):
            relevance = "primary"
        elif max((t, le, *body), default=0.0) >= MENTION_MIN:
            relevance = "mention"
        else:
            relevance = "none"
        lo, hi = BANDS[relevance]
        score = round(min(hi, max(lo, raw)), 3)
        counted = [
            h for f, hs in fields.items() for h, w in zip(hs, weights[f], strict=True) if w >= MENTION_MIN
        ]
        return ProvinceResult(relevance, score, _summarise(counted))

    def others_named(self, lows: list[str]) -> set[str]:
        """Other provinces (2025 names) named in a field's lowercased tokens (:meth:`evidence`'s ``lows``)."""
        return self._scanner.provinces_named(lows)

    def _crowded(self, lows: list[str]) -> tuple[bool, bool]:
        """(names CROWD_OTHERS other provinces or regions, counts provinces: "15 tỉnh nắng nóng")."""
        found = {name for _, _, name in self._crowd_index.find(joined(lows))}
        counted = False
        for i, low in enumerate(lows[:-1] if "tỉnh" in lows else ()):
            if lows[i + 1] == "tỉnh" and low.isdecimal() and int(low) > CROWD_OTHERS:
                counted = lows[i + 2 : i + 3] == [] or lows[i + 2] not in self._crowd_first
                if counted:
                    break
        return len(found) >= CROWD_OTHERS, counted


def _score_beside(lows: list[str], h: Hit) -> bool:
    """A score ("1-0", "2 - 2") right before or after the hit in the field's tokens."""
    end = h.start + len(h.place.name.split())

    def score(t: list[str]) -> bool:
        return len(t) == 3 and t[0].isdigit() and t[1] in ("-", "–") and t[2].isdigit() and len(t[0]) <= 2 >= len(t[2])

    return score(lows[end : end + 3]) or score(lows[max(0, h.start - 3) : h.start])


def _first_of(lows: list[str], phrases: frozenset[tuple[str, ...]]) -> int:
    """Where the lowercased tokens first hold one of the phrases (token tuples); -1 if nowhere."""
    return next((i for i in range(len(lows)) for p in phrases if lows[i] == p[0] and tuple(lows[i : i + len(p)]) == p),
                -1)


def _summarise(hits: list[Hit]) -> tuple[MatchedPlace, ...]:
    counts: dict[tuple[str, str, str], int] = {}
    for h in hits:
        k = (h.place.name, h.place.kind, h.place.province)
        counts[k] = counts.get(k, 0) + 1
    return tuple(MatchedPlace(n, kd, p, c) for (n, kd, p), c in sorted(counts.items(), key=lambda kv: -kv[1]))


@lru_cache(maxsize=8)
def _scanner(province: str, include_legacy: bool, include_merged: bool, learned: bool) -> PlaceScanner:
    gaz = build_gazetteer(province, include_legacy, include_merged)
    if learned and (extra := learned_places(gaz)):
        places = {**extra, **gaz.places}
        gaz = replace(gaz, places=places, max_len=max(len(k) for k in places))
    return PlaceScanner(gaz)
