"""Find the configured province's place names in one field of an article, rejecting the known traps.

Longest match over word tokens (a dict of token tuples, probed only where a token can start a name), then:
- longer names of other provinces and dictionary words win ("Trà Vinh", "Vĩnh Phúc", "vinh danh", "quang vinh");
- names inside a person's name are dropped ("ông Vinh", "Nguyễn Văn Vinh", "Bao Phương Vinh", "Vinh, 35 tuổi");
- a unit followed by another province ("Hoàng Mai (Hà Nội)") or behind "quận" belongs elsewhere;
- unaccented fields only match names that stay distinctive without diacritics.
"""

from __future__ import annotations

from dataclasses import dataclass

from bantin.classify.relevance import data as gd
from bantin.classify.relevance.gazetteer import Gazetteer, Place
from bantin.text.diacritics import fold
from bantin.text.vitext import is_acronym, is_unaccented

# Tokens after a name searched for "(Hà Nội)" / ", tỉnh Phú Thọ" that assign it to another province.
FOLLOW_WINDOW = 4
# Tokens before a name searched for an open "(... 35 tuổi, Nghệ An)" reader signature.
SIGNATURE_WINDOW = 10
# Longest blocker (other-province name or dictionary word) checked around a match; longer ones are proverbs.
MAX_BLOCKER_LEN = 4
_SENTENCE_START = set(".!?:;\"'“”‘’-–—|()[]")
_PERSONAL_KINDS = ("province", "alias", "club", "region")


@dataclass(frozen=True)
class Hit:
    place: Place
    start: int
    designated: bool  # preceded by xã/phường/huyện/tỉnh/ở/tại...
    confirmed: bool  # followed by the province's own name ("Diễn Châu (Nghệ An)")
    signature: bool  # inside a reader signature "(Thanh Bình, 56 tuổi, Nghệ An)"


class PlaceScanner:
    def __init__(self, gaz: Gazetteer) -> None:
        self.gaz = gaz
        self.first = {k[0] for k in gaz.places}
        self.first_folded = {k[0] for k in gaz.folded}
        self.caps = {k: tuple(t[:1].isupper() for t in p.name.split()) for k, p in gaz.places.items()}
        own = [k for k, p in gaz.places.items() if p.kind == "province"]
        self.own = {*own, *(tuple(fold(t) for t in k) for k in own)}
        self.others = {
            **{tuple(fold(t) for t in k): v for k, v in gaz.other_provinces.items()},
            **gaz.other_provinces,
        }
        self.prov_first = {k[0] for k in (*self.own, *self.others)}
        self.designators = gd.DESIGNATORS | {tuple(fold(t) for t in d) for d in gd.DESIGNATORS}
        self.titles = gd.PERSON_TITLES | {tuple(fold(t) for t in d) for d in gd.PERSON_TITLES}

    def scan(self, toks: list[str], lows: list[str]) -> list[Hit]:
        """Hits in one field; ``toks``/``lows`` as from :func:`bantin.text.vitext.prepare`."""
        unaccented = is_unaccented(toks)
        keys = [fold(t) for t in lows] if unaccented else lows
        index = self.gaz.folded if unaccented else self.gaz.places
        first = self.first_folded if unaccented else self.first
        hits: list[Hit] = []
        nxt = 0
        n = len(keys)
        for i in [i for i, k in enumerate(keys) if k in first]:
            if i < nxt:
                continue
            for length in range(min(self.gaz.max_len, n - i), 0, -1):
                k = tuple(keys[i : i + length])
                place = index.get(k)
                if place is not None:
                    break
            else:
                continue
            if self._blocked(keys, i, length, unaccented):
                continue
            nxt = i + length
            if not unaccented and not self._looks_like_place(toks, lows, i, length, place):
                continue
            if place.kind not in _PERSONAL_KINDS and self._elsewhere(keys, lows, i, length):
                continue
            hits.append(
                Hit(
                    place=place,
                    start=i,
                    designated=self._designated(keys, i),
                    confirmed=self._confirmed(keys, i + length),
                    signature=self._signature(lows, i),
                )
            )
        return hits

    def _blocked(self, keys: list[str], i: int, length: int, unaccented: bool) -> bool:
        blockers = self.gaz.folded_blockers if unaccented else self.gaz.blockers
        for j in range(max(0, i - MAX_BLOCKER_LEN + 1), i + 1):
            for size in range(2, MAX_BLOCKER_LEN + 1):
                end = j + size
                if end <= i or end > len(keys) or (j == i and size <= length):
                    continue
                if tuple(keys[j:end]) in blockers:
                    return True
        return False

    def _looks_like_place(self, toks: list[str], lows: list[str], i: int, length: int, place: Place) -> bool:
        want = self.caps.get(tuple(lows[i : i + length]), ())
        if any(cap and not toks[i + j][:1].isupper() for j, cap in enumerate(want)):
            return False
        if place.kind in _PERSONAL_KINDS:
            return True
        if self._person_before(toks, lows, i, length) or self._age_after(toks, i + length):
            return False
        after = i + length
        if (
            length == 1
            and after < len(toks)
            and self._proper_word(toks[after])
            and lows[after] not in self.first
        ):
            return False  # "Vinh Hiển", "Vinh Quang": a longer proper noun
        return True

    def _person_before(self, toks: list[str], lows: list[str], i: int, length: int) -> bool:
        if i >= 1 and (
            tuple(lows[i - 1 : i]) in self.titles or tuple(lows[max(0, i - 2) : i]) in self.titles
        ):
            return True
        if i == 0 or not self._proper_word(toks[i - 1]) or self._is_designator(lows, i):
            return False
        if lows[i - 1] in gd.SURNAMES:
            return True
        if length > 1:
            return False  # "Y Dược Thái Bình", "Bệnh viện Đa khoa Quỳnh Lưu": an institution named after the place
        return not (i == 1 or toks[i - 2] in _SENTENCE_START)  # "Phương Vinh" mid-sentence: a given name

    @staticmethod
    def _proper_word(tok: str) -> bool:
        return tok[:1].isupper() and tok[:1].isalpha() and not is_acronym(tok)

    @staticmethod
    def _age_after(toks: list[str], j: int) -> bool:
        return (
            j + 2 < len(toks) and toks[j] in ",(" and toks[j + 1].isdigit() and toks[j + 2].lower() == "tuổi"
        )

    def _is_designator(self, lows: list[str], i: int) -> bool:
        return (
            tuple(lows[i - 1 : i]) in self.designators or tuple(lows[max(0, i - 2) : i]) in self.designators
        )

    def _designated(self, keys: list[str], i: int) -> bool:
        return i > 0 and self._is_designator(keys, i)

    def _elsewhere(self, keys: list[str], lows: list[str], i: int, length: int) -> bool:
        if i > 0 and (tuple(lows[i - 1 : i]) in gd.URBAN_ONLY_DESIGNATORS):
            return True
        other = self._province_after(keys, i + length)
        return other is not None and other not in self.own

    def _confirmed(self, keys: list[str], j: int) -> bool:
        return self._province_after(keys, j) in self.own

    def _province_after(self, keys: list[str], j: int) -> tuple[str, ...] | None:
        """The province-level name within a few tokens after position ``j``, if any (ours or another)."""
        for s in range(j, min(j + FOLLOW_WINDOW, len(keys))):
            k = keys[s]
            if k in self.prov_first:
                for size in (3, 2, 1):
                    cand = tuple(keys[s : s + size])
                    if cand in self.own or cand in self.others:
                        return cand
            if k[:1].isalnum() and (k,) not in self.designators:
                return None  # only punctuation and designators may stand between
        return None

    @staticmethod
    def _signature(lows: list[str], i: int) -> bool:
        window = lows[max(0, i - SIGNATURE_WINDOW) : i]
        if "(" not in window:
            return False
        inside = window[len(window) - 1 - window[::-1].index("(") :]
        return ")" not in inside and "tuổi" in inside
