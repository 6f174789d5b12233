"""The matcher's evidence for one article as a fixed vector of province-agnostic numbers (the learned decision's input).

Nothing here names a province: the features say *what kind* of name of the configured province was found, *where*
(title, lead, body) and *with which context* (designated as a 2025 unit and how many provinces share that unit
name, confirmed by the province after it, a person's origin, a regional range, a reader's signature), how many
*other* provinces the same field names, and the boundary flags of the rules (bulletin title, match report,
crowded / counted provinces). So one model trained on the labels of several provinces applies to any configured
province. :data:`FEATURES` names the columns in order; the rules' own decision is among them.
"""

from __future__ import annotations

from typing import Any

from bantin.classify.relevance.province import BANDS, MENTION_MIN, PRIMARY_MIN, Evidence, ProvinceMatcher
from bantin.classify.relevance.scan.weights import shared_2025

FIELDS = ("title", "lead", "body")
# Place kinds grouped into what they say about an article (the gazetteer's kinds, see docs/relevance.md).
KIND_GROUPS = {
    "province": ("province", "province(merged)"),
    "alias": ("alias",),
    "club": ("club",),
    "region": ("region",),
    "district": ("district(legacy)", "township(legacy)"),
    "unit": ("ward", "commune", "special zone", "ward(legacy)", "commune(legacy)"),
    "landmark": ("landmark(learned)",),
}
# Counts are capped here: beyond it more of the same says nothing new, and a long body cannot dominate.
COUNT_CAP = 5
# Per-field columns, in order (each prefixed with the field name).
_PER_FIELD = (
    "max_w", "n_primary_w", "n_mention_w", "n_hits", *(f"kind_{g}" for g in KIND_GROUPS), "designated",
    "confirmed", "origin", "in_range", "signature", "admin_unique", "admin_shared", "others_named", "first_pos",
)
_GLOBAL = ("digest", "anchored", "match_report", "crowded_title", "counted_title", "crowded_lead",
           "counted_lead", "has_body", "rule_primary", "rule_mention", "rule_score")
FEATURES: tuple[str, ...] = (*(f"{f}_{c}" for f in FIELDS for c in _PER_FIELD), *_GLOBAL)


def _capped(n: int) -> float:
    return float(min(n, COUNT_CAP))


def _field(matcher: ProvinceMatcher, ev: Evidence, field: str) -> list[float]:
    hits, weights, lows = ev.fields[field], ev.weights[field], ev.lows[field]
    groups = {g: 0 for g in KIND_GROUPS}
    for h in hits:
        for g, kinds in KIND_GROUPS.items():
            if h.place.kind in kinds:
                groups[g] += 1
    shared = [shared_2025(h, matcher.gazetteer) for h in hits]
    first = min((h.start for h in hits), default=None)
    return [
        max(weights, default=0.0),
        _capped(sum(w >= PRIMARY_MIN for w in weights)),
        _capped(sum(w >= MENTION_MIN for w in weights)),
        _capped(len(hits)),
        *(_capped(n) for n in groups.values()),
        _capped(sum(h.designated for h in hits)),
        _capped(sum(h.confirmed for h in hits)),
        _capped(sum(h.origin for h in hits)),
        _capped(sum(h.in_range for h in hits)),
        _capped(sum(h.signature for h in hits)),
        _capped(sum(s == 1 for s in shared)),
        _capped(sum(s is not None and s > 1 for s in shared)),
        _capped(len(matcher.others_named(lows))),
        # Where the first hit sits in the field (0 = its first word; 1 = no hit): the subject comes early.
        (first / max(len(lows), 1)) if first is not None else 1.0,
    ]


def features(matcher: ProvinceMatcher, title: str | None, text: str | None, summary: str | None) -> list[float]:
    """The :data:`FEATURES` vector of one article for ``matcher``'s province (and the rules' result on it)."""
    ev = matcher.evidence(title, text, summary)
    return features_of(matcher, ev)[0]


def features_of(matcher: ProvinceMatcher, ev: Evidence) -> tuple[list[float], Any]:
    """(:data:`FEATURES` vector, the rules' ProvinceResult) for evidence already computed."""
    rule = matcher.decide(ev)
    row: list[float] = []
    for field in FIELDS:
        row += _field(matcher, ev, field)
    row += [float(ev.digest), float(ev.anchored), float(ev.match_report), float(ev.crowded_title[0]),
            float(ev.crowded_title[1]), float(ev.crowded_lead[0]), float(ev.crowded_lead[1]),
            float(bool(ev.lows["body"])), float(rule.relevance == "primary"), float(rule.relevance == "mention"),
            float(rule.score)]
    return row, rule


def banded(relevance: str, p_primary: float, p_mention: float) -> float:
    """A score in the band of ``relevance`` (as the rules' score): P(primary) + half P(mention), clipped."""
    lo, hi = BANDS[relevance]
    return round(min(hi, max(lo, p_primary + 0.5 * p_mention)), 3)
