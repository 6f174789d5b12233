"""The place scanner's tables, built once from the gazetteer (first tokens of names, their capitalisation, our
and the other provinces' names plain and folded, designators, person titles, the token indexes), and the tests
that read them about the words around a match: a blocker overlapping it, a person's name or age, a designator
before it, another province after it, a reader's signature, a person's bracketed address, a regional range, a
street's name, a cue placing the event ("đoạn qua"). :class:`ScanTables` is the base of
:class:`~bantin.classify.relevance.placescan.PlaceScanner`, whose scan applies these tests.
"""

from __future__ import annotations

from bantin.classify.relevance import data as gd
from bantin.classify.relevance.gazetteer import Gazetteer, Place
from bantin.classify.relevance.scan.tokenindex import TokenIndex
from bantin.text.diacritics import fold
from bantin.text.vitext import is_acronym

# Tokens after a name searched for "(Hà Nội)" / ", tỉnh Phú Thọ" that assign it to another province.
FOLLOW_WINDOW = 4
# Tokens before a name searched for an open "(... 35 tuổi, Nghệ An)" reader signature.
SIGNATURE_WINDOW = 10
# Proper words of a person's name between a title ("anh", "bà") and the "(" of their address, at most.
NAME_MAX_TOKENS = 4
# Longest blocker (other-province name or dictionary word) checked around a match; longer ones are proverbs.
MAX_BLOCKER_LEN = 4
_SENTENCE_START = set(".!?:;\"'“”‘’-–—|()[]")
PERSONAL_KINDS = ("province", "alias", "club", "region")
# Designators that say which kind of 2025 unit follows.
_ADMIN_DESIGNATORS = {
    ("xã",): "commune",
    ("x",): "commune",
    ("phường",): "ward",
    ("p",): "ward",
    ("đặc", "khu"): "special zone",
}


class ScanTables:
    """The gazetteer's lookup tables for one scanner, and the tests of a match's neighbouring words."""

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

    def _admin(self, keys: list[str], i: int) -> str | None:
        for n in (1, 2):
            kind = _ADMIN_DESIGNATORS.get(tuple(keys[max(0, i - n) : i]))
            if kind and i - n >= 0:
                return kind
        return None

    def _in_range(self, keys: list[str], i: int, length: int) -> bool:
        """Inside "từ A đến B" where the other end is another province-level name."""
        lo = max(0, i - gd.RANGE_MAX_TOKENS)
        opens = [j for j in range(lo, i) if keys[j] in gd.RANGE_OPEN or keys[j] in gd.RANGE_OPEN_TO_ONLY]
        if not opens:
            return False
        r = opens[-1]
        end = min(len(keys), r + gd.RANGE_MAX_TOKENS)
        closers = gd.RANGE_TO if keys[r] in gd.RANGE_OPEN_TO_ONLY else gd.RANGE_CLOSE
        closes = [j for j in range(r + 1, end) if keys[j] in closers]
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
        lax = place.kind == "province" and i > 0 and lows[i - 1] == "tỉnh"  # "Công an tỉnh nghệ An": a typo
        if not lax and any(cap and not toks[i + j][:1].isupper() for j, cap in enumerate(want)):
            return False
        if place.kind in PERSONAL_KINDS:
            return True
        if self._person_before(toks, lows, i, length) or self._age_after(toks, i + length):
            return False
        after = i + length
        if (
            lows[i] in gd.SURNAMES
            and after < len(toks)
            and self._proper_word(toks[after])
            and not self._place_at(lows, after)
        ):
            return False  # "Vũ Quang Minh", "Lê Lợi Anh": a place name that opens with a family name, then a given name
        if (
            (length == 1 or not self._is_designator(lows, i))
            and after < len(toks)
            and self._proper_word(toks[after])
            and not self._place_at(lows, after)
        ):
            return False  # "Vinh Hiển", "Cúp Thái Sơn Nam": a longer proper noun
        return True

    def _street(self, toks: list[str], lows: list[str], i: int) -> bool:
        """The last words of a street's longer name (a capitalised run before ``i``) after a street word or a house
        number: "đường Xô Viết Nghệ Tĩnh", "179 Xô Viết Nghệ Tĩnh"."""
        j = i - 1
        while j >= 0 and self._proper_word(toks[j]):
            j -= 1
        return j < i - 1 and j >= 0 and (lows[j] in gd.STREET_WORDS or lows[j].isdigit())

    def _place_at(self, lows: list[str], j: int) -> bool:
        """A gazetteer name starts at token ``j`` ("Vũ Quang Trung Sơn" is two places; "Vũ Quang Trung" a person)."""
        return lows[j] in self.first and any(
            tuple(lows[j : j + n]) in self.gaz.places for n in range(1, min(self.gaz.max_len, len(lows) - j) + 1))

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

    def _person_address(self, toks: list[str], lows: list[str], i: int) -> bool:
        """Inside the "(…" right after a person's name: "anh Nguyễn Thế Huấn (tỉnh Hưng Yên)" says where he lives
        (an origin when the field names another province, where the story then is: the scanner checks that)."""
        opened = self._open_bracket(lows, i)
        if opened is None:
            return False
        j = opened - 1
        while j >= 0 and opened - j <= NAME_MAX_TOKENS and self._proper_word(toks[j]) and (lows[j],) not in self.titles:
            j -= 1
        return j < opened - 1 and (tuple(lows[j : j + 1]) in self.titles or tuple(lows[j - 1 : j + 1]) in self.titles)

    def _located(self, keys: list[str], i: int) -> bool:
        """After a cue that says where the event is ("đoạn qua", "trên địa bàn"), a designator ("tỉnh") allowed."""
        j = i - 1 if i >= 1 and (keys[i - 1],) in self.designators else i
        return any(tuple(keys[max(0, j - n) : j]) in gd.LOCATION_CUES for n in (1, 2, 3))

    @staticmethod
    def _open_bracket(lows: list[str], i: int) -> int | None:
        """Where the "(" still open at token ``i`` stands, if one is within SIGNATURE_WINDOW tokens before it."""
        lo = max(0, i - SIGNATURE_WINDOW)
        window = lows[lo:i]
        if "(" not in window:
            return None
        opened = i - 1 - window[::-1].index("(")
        return None if ")" in lows[opened:i] else opened

    @classmethod
    def _signature(cls, lows: list[str], i: int) -> bool:
        opened = cls._open_bracket(lows, i)
        if opened is None:
            return False
        inside = lows[opened:i]
        # "(Thanh Bình, 56 tuổi, Nghệ An)", or any "(…, Hưng Yên)" right after a reader's question mark (in the window)
        return "tuổi" in inside or (opened > max(0, i - SIGNATURE_WINDOW) and lows[opened - 1] == "?" and "," in inside)
