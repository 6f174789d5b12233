"""Find the configured province's place names in one field of an article, rejecting the known traps.

Longest match over word tokens, found by one Aho-Corasick automaton per index over the field's tokens joined by
``\n`` (:class:`~bantin.classify.relevance.tokenindex.TokenIndex`: C code over the whole field instead of Python
per token), then:
- longer names of other provinces and dictionary words win ("Trà Vinh", "Vĩnh Phúc", "vinh danh", "quang vinh");
- names inside a person's name are dropped ("ông Vinh", "Nguyễn Văn Vinh", "Bao Phương Vinh", "Vinh, 35 tuổi");
- a unit followed by another province ("Hoàng Mai (Hà Nội)") or behind "quận" belongs elsewhere;
- unaccented fields only match names that stay distinctive without diacritics; English fields ("Nghe An
  province", "Vinh City") match the English index;
- a shared unit name is dropped when the field names a province that has it and not ours ("xã Hương Sơn ...
  ở Hà Nội");
- a name closing a street's longer name ("đường Xô Viết Nghệ Tĩnh") is the street;
- each hit records what the words around it say: the 2025 designation before it ("xã", "phường"), a person's
  origin ("quê Nghệ An", "anh A (tỉnh Hưng Yên)" in a field naming another province), a regional range ("từ Thanh
  Hoá đến Hà Tĩnh"), a cue placing the event there ("đoạn qua tỉnh Hưng Yên").

Here: the hits (:class:`Hit`) and the scan itself (:class:`PlaceScanner`); the tables it reads and the tests of
the words around a match are :mod:`~bantin.classify.relevance.scan.tables`'.
"""

from __future__ import annotations

from dataclasses import dataclass

from bantin.classify.relevance import data as gd
from bantin.classify.relevance.gazetteer import Place
from bantin.classify.relevance.scan.tables import PERSONAL_KINDS, ScanTables
from bantin.classify.relevance.scan.tokenindex import SEP, joined
from bantin.text.diacritics import fold
from bantin.text.vitext import is_unaccented, is_unaccented_line, key

# Kinds that name the province as a whole: never dropped for another province named nearby.
_LEVEL = ("province", "province(merged)", "alias", "club", "region")


@dataclass(frozen=True)
class Hit:
    place: Place
    start: int
    designated: bool  # preceded by xã/phường/huyện/tỉnh/ở/tại...
    confirmed: bool  # followed by the province's own name ("Diễn Châu (Nghệ An)")
    signature: bool  # inside a reader signature "(Thanh Bình, 56 tuổi, Nghệ An)"
    admin: str | None = None  # 2025 unit kind named by the designator before it ("xã" -> "commune")
    origin: bool = False  # a person's origin: "quê Nghệ An", "người con xứ Nghệ"
    in_range: bool = False  # inside a regional range: "từ Thanh Hoá đến Hà Tĩnh"
    located: bool = False  # named as where the event is: "cao tốc Hà Nội - Hải Phòng, đoạn qua tỉnh Hưng Yên"


class PlaceScanner(ScanTables):
    """The configured province's place names in one field, the known traps rejected (the module's list)."""

    def scan(self, toks: list[str], lows: list[str]) -> list[Hit]:
        """Hits in one field; ``toks``/``lows`` as from :func:`bantin.text.vitext.prepare`."""
        unaccented = is_unaccented(toks)
        text = joined(lows)
        keys = lows
        if unaccented:
            text = fold(text)  # fold works character by character: the folded tokens, joined
            keys = text[1:-1].split(SEP) if lows else []
        english = unaccented and sum(k in gd.ENGLISH_WORDS for k in keys) >= gd.ENGLISH_MIN_WORDS
        index = self._index_english if english else self._index_folded if unaccented else self._index
        hits: list[Hit] = []
        nxt = 0
        for i, length, place in index.longest(text):
            if i < nxt:
                continue
            if self._blocked(keys, i, length, unaccented):
                continue
            nxt = i + length
            if not unaccented and (not self._looks_like_place(toks, lows, i, length, place) or self._street(toks, lows, i)):
                continue
            if place.kind not in PERSONAL_KINDS and self._elsewhere(keys, lows, i, length):
                continue
            hits.append(
                Hit(
                    place=place,
                    start=i,
                    designated=self._designated(keys, i),
                    confirmed=self._confirmed(keys, i + length),
                    signature=self._signature(lows, i),
                    admin=self._admin(keys, i),
                    origin=any(tuple(keys[max(0, i - n) : i]) in gd.ORIGIN_CUES for n in (1, 2, 3))
                    or (self._person_address(toks, lows, i) and bool(self.provinces_named(lows))),
                    in_range=self._in_range(keys, i, length),
                    located=self._located(keys, i),
                )
            )
        return hits

    def scan_lines(self, toks: str, lows: str) -> list[Hit]:
        """:meth:`scan` of ``toks.split(SEP)``, ``lows.split(SEP)``; the lists are made only when the automaton finds
        a name (a sixth of VNTC's article bodies) or the field is unaccented."""
        if lows and not is_unaccented_line(toks) and not self._index.longest(SEP + lows + SEP):
            return []
        return self.scan(toks.split(SEP) if toks else [], lows.split(SEP) if lows else [])

    def drop_owned_elsewhere(self, hits: list[Hit], named: set[str]) -> list[Hit]:
        """Unit names another province also has, in an article naming that province and not ours (the caller
        checks that ours is not named): "Cháy xưởng ở Hà Nội" + "xã Hương Sơn" is Hà Nội's Hương Sơn."""
        if not named or all(h.place.kind in _LEVEL for h in hits):
            return hits
        owners = self.gaz.owners_elsewhere
        return [
            h
            for h in hits
            if h.place.kind in _LEVEL or not (named & owners.get(key(h.place.name), frozenset()))
        ]

    def provinces_named(self, lows: list[str]) -> set[str]:
        """Other provinces (2025 names, or "X (merged)") named in a field's lowercased tokens."""
        return {name for _, _, name in self._named.longest(fold(joined(lows)))}
