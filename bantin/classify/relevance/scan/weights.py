"""What one gazetteer hit weighs in its article (:func:`weight`): the place's own weight, raised when a 2025
designation or the province's name confirms it or the article is anchored in the province (:func:`is_anchor`),
and capped for a club outside the title, a reader's signature, a person's origin and a regional range. The
matcher (:mod:`bantin.classify.relevance.province`) weighs every hit of the title, lead and body with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from bantin.classify.relevance.gazetteer import MAX_SHARED_2025, W_DISTRICT_CLASH, W_UNIT_UNIQUE, Gazetteer
from bantin.classify.relevance.scan.places import Hit
from bantin.text.vitext import key

# Designated ("xã Diễn Châu", "tại Cửa Lò") or province-confirmed unique units are as good as a district name.
W_DESIGNATED = 0.8
# A shared name in an article that also names the province surely is ours (most news stays in one province).
W_SHARED_CORROBORATED = 0.5
# The club in the lead or body of a match report about another team: a mention (labelling guide).
CLUB_OUTSIDE_TITLE = 0.45
# A reader's signature "(Thanh Bình, 56 tuổi, Nghệ An)" under a Q&A is a mention, never the subject; so are a
# person's origin ("quê Nghệ An") and a place inside a regional range ("từ Thanh Hoá đến Hà Tĩnh").
W_SIGNATURE = 0.3
W_ORIGIN = W_SIGNATURE
W_RANGE = W_SIGNATURE


def is_anchor(h: Hit) -> bool:
    """The province itself, a nickname or a district: what makes a bare commune name in the same article ours."""
    return (
        h.place.kind not in ("region", "club")  # a club plays away: its name does not place the story
        and h.place.weight >= W_DISTRICT_CLASH
        and not (h.signature or h.origin or h.in_range)
    )


@dataclass(frozen=True)
class WeightContext:
    gaz: Gazetteer
    anchored: bool  # the article names the province, a nickname or a district
    match_report: bool  # the lead reports one match (a score, "thắng", "hoà"...), not a round
    storm_at: int = -1  # where the title first names a storm (data.STORM_WORDS), -1 if it does not: a range after
    # it is the storm's path and does not cap ours ("Bão số 5 hướng vào Nghệ An - Quảng Trị"; a road closed "từ Thanh
    # Hoá đến Hà Tĩnh khi bão đổ bộ" is the road's range)


def weight(h: Hit, field: str, ctx: WeightContext) -> float:
    p = h.place
    w = p.weight
    if p.kind == "club" and field != "title":
        w = p.weight if ctx.match_report else CLUB_OUTSIDE_TITLE
    elif w <= W_UNIT_UNIQUE or h.admin:  # communes and wards, and any name shared with another province
        shared = shared_2025(h, ctx.gaz)
        if h.confirmed or (shared == 1) or (h.designated and (p.unique or ctx.anchored) and shared != 0):
            w = max(w, W_DESIGNATED)
        elif ctx.anchored and (shared is None or shared <= MAX_SHARED_2025):
            w = max(w, W_SHARED_CORROBORATED)
    elif h.designated or h.confirmed:
        w = max(w, W_DESIGNATED)
    if h.origin:
        w = min(w, W_ORIGIN)
    if h.in_range and not (field == "title" and 0 <= ctx.storm_at < h.start):
        w = min(w, W_RANGE)
    return min(w, W_SIGNATURE) if h.signature else w


def shared_2025(h: Hit, gaz: Gazetteer) -> int | None:
    """How many 2025 provinces have a unit of the designated kind with this name ("xã Cẩm Trung": 1); None when
    the hit has no 2025 designator, 0 when the designator names a kind ours is not ("phường" before a "xã")."""
    if not h.admin:
        return None
    kinds = gaz.units_2025.get(key(h.place.name))
    if not kinds:
        return None
    return kinds.get(h.admin, 0)
