"""Find the configured province's place names in one field of an article, rejecting the known traps.

Longest match over word tokens, found by one Aho-Corasick automaton per index over the field's tokens joined by
``\n`` (:class:`TokenIndex`: C code over the whole field instead of Python per token), then:
- longer names of other provinces and dictionary words win ("Trà Vinh", "Vĩnh Phúc", "vinh danh", "quang vinh");
- names inside a person's name are dropped ("ông Vinh", "Nguyễn Văn Vinh", "Bao Phương Vinh", "Vinh, 35 tuổi");
- a unit followed by another province ("Hoàng Mai (Hà Nội)") or behind "quận" belongs elsewhere;
- unaccented fields only match names that stay distinctive without diacritics; English fields ("Nghe An
  province", "Vinh City") match the English index;
- a shared unit name is dropped when the field names a province that has it and not ours ("xã Hương Sơn ...
  ở Hà Nội");
- each hit records what the words around it say: the 2025 designation before it ("xã", "phường"), a person's
  origin ("quê Nghệ An"), a regional range ("từ Thanh Hoá đến Hà Tĩnh").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

import ahocorasick

from bantin.classify.relevance import data as gd
from bantin.classify.relevance.gazetteer import Gazetteer, Place
from bantin.text.diacritics import fold
from bantin.text.vitext import is_acronym, is_unaccented, is_unaccented_line, key

# Tokens after a name searched for "(Hà Nội)" / ", tỉnh Phú Thọ" that assign it to another province.
FOLLOW_WINDOW = 4
# Tokens before a name searched for an open "(... 35 tuổi, Nghệ An)" reader signature.
SIGNATURE_WINDOW = 10
# Longest blocker (other-province name or dictionary word) checked around a match; longer ones are proverbs.
MAX_BLOCKER_LEN = 4
_SENTENCE_START = set(".!?:;\"'“”‘’-–—|()[]")
_PERSONAL_KINDS = ("province", "alias", "club", "region")
# Designators that say which kind of 2025 unit follows.
_ADMIN_DESIGNATORS = {
    ("xã",): "commune",
    ("x",): "commune",
    ("phường",): "ward",
    ("p",): "ward",
    ("đặc", "khu"): "special zone",
}
# Kinds that name the province as a whole: never dropped for another province named nearby.
_LEVEL = ("province", "province(merged)", "alias", "club", "region")
# Token separator of the joined fields and keys the automata work on: never inside a token (tokens hold no whitespace).
SEP = "\n"

V = TypeVar("V")


class TokenIndex(Generic[V]):
    """Keys of at most ``max_len`` tokens, found in a token list in one pass: an Aho-Corasick automaton over the
    ``SEP``-joined tokens, so a key only matches whole tokens. Finds exactly what probing ``keys.get(tuple(toks[i :
    i + n]))`` at every position ``i`` for every ``n <= max_len`` finds, without a Python loop over the tokens."""

    def __init__(self, keys: Mapping[tuple[str, ...], V], max_len: int) -> None:
        self._auto = ahocorasick.Automaton()
        for k, value in keys.items():
            if 0 < len(k) <= max_len:
                pattern = joined(k)
                self._auto.add_word(pattern, (len(pattern) - 1, len(k), value))
        self._empty = len(self._auto) == 0
        if not self._empty:
            self._auto.make_automaton()

    def find(self, text: str) -> list[tuple[int, int, V]]:
        """(token position, key length in tokens, value) of every key in ``text`` (the field as :func:`joined`
        gives it), ordered by position, then length."""
        if self._empty:
            return []
        found = sorted(((end - span, length, value) for end, (span, length, value) in self._auto.iter(text)),
                       key=lambda m: (m[0], m[1]))
        out = []
        tok, last = 0, 0
        for start, length, value in found:  # separators before a key's leading one = its token position
            tok += text.count(SEP, last, start)
            last = start
            out.append((tok, length, value))
        return out

    def longest(self, text: str) -> list[tuple[int, int, V]]:
        """Like :meth:`find`, only the longest key at each position."""
        best: dict[int, tuple[int, int, V]] = {}
        for m in self.find(text):
            best[m[0]] = m  # find() orders each position's keys by length: the last one is the longest
        return list(best.values())


def joined(tokens: Iterable[str]) -> str:
    """The form :meth:`TokenIndex.find` searches: every token between two separators."""
    return SEP + SEP.join(tokens) + SEP


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


class PlaceScanner:
    def __init__(self, gaz: Gazetteer) -> None:
        self.gaz = gaz
        self.first = {k[0] for k in gaz.places}
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
        self._index = TokenIndex(gaz.places, gaz.max_len)
        self._index_folded = TokenIndex(gaz.folded, gaz.max_len)
        self._index_english = TokenIndex(gaz.english, gaz.max_len)
        # provinces_named folds the field, so only folded keys can match there (fold is idempotent)
        self._named = TokenIndex({k: v for k, v in self.others.items() if k == tuple(map(fold, k))}, 3)

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
                    admin=self._admin(keys, i),
                    origin=any(tuple(keys[max(0, i - n) : i]) in gd.ORIGIN_CUES for n in (1, 2, 3)),
                    in_range=self._in_range(keys, i, length),
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

    def _admin(self, keys: list[str], i: int) -> str | None:
        for n in (1, 2):
            kind = _ADMIN_DESIGNATORS.get(tuple(keys[max(0, i - n) : i]))
            if kind and i - n >= 0:
                return kind
        return None

    def _in_range(self, keys: list[str], i: int, length: int) -> bool:
        """Inside "từ A đến B" where the other end is another province-level name."""
        lo = max(0, i - gd.RANGE_MAX_TOKENS)
        opens = [j for j in range(lo, i) if keys[j] in gd.RANGE_OPEN]
        if not opens:
            return False
        r = opens[-1]
        end = min(len(keys), r + gd.RANGE_MAX_TOKENS)
        closes = [j for j in range(r + 1, end) if keys[j] in gd.RANGE_CLOSE]
        if not closes:
            return False
        span = keys[r + 1 : end]
        others = [j for j in range(len(span)) if span[j] in self.prov_first and self._province_at(span, j)]
        ours = range(i - r - 1, i - r - 1 + length)
        return any(j not in ours for j in others) and (closes[0] < i or any(c >= i + length for c in closes))

    def _province_at(self, keys: list[str], j: int) -> bool:
        return any(tuple(keys[j : j + n]) in self.others for n in (3, 2, 1))

    def _blocked(self, keys: list[str], i: int, length: int, unaccented: bool) -> bool:
        blockers = self.gaz.folded_blockers if unaccented else self.gaz.blockers
        for j in range(max(0, i - MAX_BLOCKER_LEN + 1), i + 1):
            for size in range(2, MAX_BLOCKER_LEN + 1):
                end = j + size
                if end <= i or end > len(keys) or (j == i and size <= length):
                    continue
                if j < i and end < i + length and size <= length:
                    continue  # "Công an Hưng Yên": "An Hưng" overlaps only the start of a longer-or-equal name
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
            lows[i] in gd.SURNAMES
            and after < len(toks)
            and self._proper_word(toks[after])
            and lows[after] not in self.first
        ):
            return False  # "Vũ Quang Minh", "Lê Lợi Anh": a place name that opens with a family name, then a given name
        if (
            (length == 1 or not self._is_designator(lows, i))
            and after < len(toks)
            and self._proper_word(toks[after])
            and lows[after] not in self.first
        ):
            return False  # "Vinh Hiển", "Cúp Thái Sơn Nam": a longer proper noun
        return True

    def _person_before(self, toks: list[str], lows: list[str], i: int, length: int) -> bool:
        if i >= 1 and (
            tuple(lows[i - 1 : i]) in self.titles or tuple(lows[max(0, i - 2) : i]) in self.titles
        ):
            return True
        if i == 0 or not self._proper_word(toks[i - 1]) or self._is_designator(lows, i):
            return False
        if lows[i - 1] in gd.SURNAMES or (
            i >= 2 and lows[i - 2] in gd.SURNAMES and self._proper_word(toks[i - 2])
        ):
            return True  # "Nguyễn Văn Vinh", "Nguyễn Trọng Kỳ Anh"
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
