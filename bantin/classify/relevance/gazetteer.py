"""Place-name gazetteer of one province, built offline from vietnam-provinces and vietnamadminunits.

Sources: 2025 provinces and wards/communes from ``vietnam_provinces``; pre-2025 (63-province) districts, towns,
wards and communes plus the legacy->2025 province mapping from the data files shipped in ``vietnamadminunits``
(its ``dataset.db`` table ``admin_units_legacy`` and ``converter_2025.json``, the same files its own
``database.query`` and converter read; opened directly so the build does not import geopy). Nicknames come from
:mod:`bantin.classify.relevance.data`. The whole country is loaded once to know which names are unique to the
province and which collide with places elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where a build needs it: its enums cost a start ~0.12 s CPU a cached gazetteer spares
    from vietnam_provinces import Province

from bantin.classify.relevance import data as gd
from bantin.classify.relevance.admin_sources import converter, legacy_rows, predecessor_provinces
from bantin.classify.relevance.lexicon import common_word_keys, fold_collisions, lexicon_keys
from bantin.text.diacritics import fold
from bantin.text.vitext import folded_key, key

# Evidence weight of the province's own name.
W_PROVINCE = 1.0
# A province merged into ours in 2025 (Thái Bình for Hưng Yên): its name now means us, slightly less surely.
W_MERGED_PROVINCE = 0.9
# A district, town or city (pre-2025) whose name exists nowhere else: newsrooms still use these daily.
W_DISTRICT_UNIQUE = 0.8
# A district-level name of ours that is only a commune's name elsewhere: still mostly ours in the news.
W_DISTRICT_CLASH = 0.6
# A ward or commune whose name exists nowhere else in the country: weak alone (many double as given names,
# schools, companies); strong once designated ("xã Mường Típ") or next to the province or a district.
W_UNIT_UNIQUE = 0.25
# Any name that also belongs to a unit of another province: corroboration only.
W_SHARED = 0.15
# Units named after people ("Trần Hưng Đạo"): they are street names in every city.
W_PERSON_NAMED = W_SHARED
# A 2025 unit name "xã X" / "phường X" shared by at most this many provinces is still told apart by context
# (the other province named nearby, or ours); more than this and the designated name says nothing.
MAX_SHARED_2025 = 3

# Kinds exempt from the "shared with another province" downgrade: they name the province as a whole.
LEVEL_KINDS = ("province", "province(merged)", "alias", "club", "region")
# Only these may match in unaccented text: two-syllable commune names collide with everyday words when folded
# ("Nam Thanh" ~ "năm thành", "Kỳ Thư" ~ "kỳ thủ"; measured on ../shared news, see docs/relevance.md).
FOLDABLE_KINDS = (*LEVEL_KINDS, "district(legacy)")
_KIND_2025 = {"xã": "commune", "phường": "ward", "đặc khu": "special zone"}
_KIND_LEGACY_WARD = {"Xã": "commune(legacy)", "Phường": "ward(legacy)", "Thị trấn": "township(legacy)"}
_PREFIX = re.compile(r"^(Tỉnh|Thành phố|Xã|Phường|Đặc khu|Thị trấn|Huyện|Quận|Thị xã)\s+")
_PAREN = re.compile(r"\s*\(.*?\)\s*")


@dataclass(frozen=True)
class Place:
    """One name of the configured province: ``kind`` says which unit (or alias) it names."""

    name: str
    kind: str
    province: str
    weight: float
    unique: bool


@dataclass(frozen=True)
class Gazetteer:
    province: str
    places: dict[tuple[str, ...], Place]
    folded: dict[tuple[str, ...], Place]
    blockers: frozenset[tuple[str, ...]]
    folded_blockers: frozenset[tuple[str, ...]]
    other_provinces: dict[tuple[str, ...], str]
    max_len: int
    # Our 2025 units: key -> {kind ("commune" / "ward" / "special zone"): number of 2025 provinces, ours
    # included, that have a unit of that kind and name}. "xã Cẩm Trung" in 1 province is strong evidence.
    units_2025: dict[tuple[str, ...], dict[str, int]]
    # Every key of another province's 2025 or pre-2025 unit -> those provinces (2025 names).
    owners_elsewhere: dict[tuple[str, ...], frozenset[str]]
    # Folded keys matched in English fields: the province, nicknames, districts and the English aliases
    # ("Nghe An province", "Vinh City", "Cua Lo"), without the Vietnamese fold-collision filter.
    english: dict[tuple[str, ...], Place]

    def names_by_kind(self, kind: str) -> set[str]:
        return {p.name for p in self.places.values() if p.kind == kind}


def short_name(name: str) -> str:
    """ "Xã Con Cuông" -> "Con Cuông"; "Kỳ Anh (Huyện)" -> "Kỳ Anh"."""
    return _PAREN.sub(" ", _PREFIX.sub("", name.strip())).strip()


def _province_key(p: Province) -> str:
    prefix = "thanhpho" if p.division_type.value.startswith("thành phố") else "tinh"
    return prefix + p.codename.replace("_", "")


def resolve_province(name: str) -> Province:
    """The 2025 province called ``name`` (accents, case and a "Tỉnh"/"Thành phố" prefix are optional)."""
    from vietnam_provinces import Province

    wanted = fold(short_name(name)).lower()
    for p in Province.iter_all():
        if fold(short_name(p.name)).lower() == wanted:
            return p
    known = ", ".join(sorted(short_name(p.name) for p in Province.iter_all()))
    raise ValueError(f"unknown province {name!r}; the 2025 provinces are: {known}")


class _Builder:
    def __init__(self, province: str) -> None:
        self.province = province
        self.ours: dict[tuple[str, ...], Place] = {}
        self.elsewhere: dict[tuple[str, ...], str] = {}
        self.other_provinces: dict[tuple[str, ...], str] = {}
        self.elsewhere_major: set[tuple[str, ...]] = set()
        self.owners: dict[tuple[str, ...], set[str]] = {}
        self.kinds_2025: dict[tuple[str, tuple[str, ...]], set[str]] = {}  # (kind, key) -> 2025 provinces
        self.ours_2025: dict[tuple[str, ...], set[str]] = {}  # our 2025 unit key -> its kinds

    def count_2025(self, name: str, kind: str, province: str, ours: bool) -> None:
        k = key(short_name(name))
        if _distinctive(k):
            self.kinds_2025.setdefault((kind, k), set()).add(province)
            if ours:
                self.ours_2025.setdefault(k, set()).add(kind)

    def add(self, name: str, kind: str, weight: float) -> None:
        name = name if kind in LEVEL_KINDS else short_name(name)
        k = key(name)
        if not _distinctive(k) or (len(k) == 1 and weight < W_DISTRICT_UNIQUE):
            return  # "Phường 1" and one-syllable communes are not distinctive
        old = self.ours.get(k)
        if old is None or weight > old.weight:
            self.ours[k] = Place(name, kind, self.province, weight, True)

    def add_other(self, name: str, province: str, level: str = "unit") -> None:
        """A unit of another province; ``level`` is "province", "district" or "unit"."""
        k = key(short_name(name))
        if _distinctive(k):
            self.elsewhere.setdefault(k, province)
            self.owners.setdefault(k, set()).add(province)
            if level != "unit":
                self.elsewhere_major.add(k)
            if level == "province":
                self.other_provinces.setdefault(k, province)


def _distinctive(k: tuple[str, ...]) -> bool:
    """A usable key: not empty, not a bare number ("Phường 1"); "Sơn Kim 2" is fine."""
    return bool(k) and not k[0].isdigit() and not (len(k) == 1 and any(c.isdigit() for c in k[0]))


def _build(province: str, include_legacy: bool, include_merged: bool) -> Gazetteer:
    from vietnam_provinces import Province, Ward

    target = resolve_province(province)
    ours_name = short_name(target.name)
    b = _Builder(ours_name)
    conv = converter()
    new_of_legacy = {old: new for new, olds in conv["DICT_PROVINCE"].items() for old in olds}
    our_key = _province_key(target)
    absorbed = {old for old, new in new_of_legacy.items() if new == our_key and old != our_key}
    excluded = set() if include_merged else absorbed
    b.add(ours_name, "province", W_PROVINCE)
    for alias, weight in gd.ALIASES.get(ours_name, {}).items():
        kind = "region" if weight <= gd.ALIAS_REGION else "club" if alias in gd.CLUB_ALIASES else "alias"
        b.add(alias, kind, weight)
    new_names = {_province_key(p): short_name(p.name) for p in Province.iter_all()}
    for p in Province.iter_all():
        if p.code != target.code:
            b.add_other(p.name, short_name(p.name), level="province")
            for w in Ward.iter_by_province(p.code):
                b.add_other(w.name, short_name(p.name))
                b.count_2025(w.name, _KIND_2025.get(w.division_type.value, "commune"), p.name, False)
    predecessors = predecessor_provinces(conv, our_key)
    for w in Ward.iter_by_province(target.code):
        b.count_2025(w.name, _KIND_2025.get(w.division_type.value, "commune"), target.name, True)
        before = predecessors.get(w.codename.replace("_", ""), set())
        if excluded and before and before <= excluded:
            b.add_other(w.name, f"{ours_name} (merged)")
            continue
        weight = W_PERSON_NAMED if key(short_name(w.name))[0] in gd.SURNAMES else W_UNIT_UNIQUE
        b.add(w.name, _KIND_2025.get(w.division_type.value, "commune"), weight)
    for row in legacy_rows():
        pkey = row["provinceKey"]
        if pkey in excluded:
            label = f"{row['provinceShort']} (merged)"
            b.add_other(row["provinceShort"], label, level="province")
            b.add_other(row["districtShort"], label, level="district")
            b.add_other(row["wardShort"] or "", label)
            continue
        if pkey != our_key and pkey not in absorbed:
            new = new_names.get(new_of_legacy.get(pkey, ""), row["provinceShort"])
            b.add_other(row["provinceShort"], new, level="province")
            b.add_other(row["districtShort"], new, level="district")
            b.add_other(row["wardShort"] or "", new)
            continue
        if not include_legacy:
            continue
        if pkey != our_key:
            b.add(row["provinceShort"], "province(merged)", W_MERGED_PROVINCE)
        district = short_name(row["districtShort"])
        person_like = key(district)[:1] and key(district)[0] in gd.MIDDLE_NAMES  # "Văn Lâm", "Văn Giang"
        b.add(district, "district(legacy)", W_UNIT_UNIQUE if person_like else W_DISTRICT_UNIQUE)
        if row["wardShort"]:
            first = key(short_name(row["wardShort"]))[:1]
            weight = W_PERSON_NAMED if first and first[0] in gd.SURNAMES else W_UNIT_UNIQUE
            b.add(row["wardShort"], _KIND_LEGACY_WARD.get(row["wardType"], "commune(legacy)"), weight)
    return _finish(b)


def _finish(b: _Builder) -> Gazetteer:
    places: dict[tuple[str, ...], Place] = {}
    common = common_word_keys()
    for k, p in b.ours.items():
        weight = p.weight
        if p.kind in LEVEL_KINDS:
            places[k] = p
            continue
        if k in b.elsewhere_major or k in common or (k in b.elsewhere and weight < W_DISTRICT_UNIQUE):
            weight = W_SHARED
        elif k in b.elsewhere:
            weight = W_DISTRICT_CLASH
        # a commune whose name is also a word or a trap phrase ("Đông Dương", Indochina; "Nam Trung" of "Nam Trung
        # Bộ") is no more ours than a shared one; a district keeps it ("thị xã Thái Hoà" is Nghệ An's)
        unique = k not in b.elsewhere and (k not in common or p.kind.startswith("district"))
        places[k] = Place(p.name, p.kind, p.province, weight, unique)
    our_tokens = {t for k in places for t in k}
    lex = lexicon_keys()
    blockers = _overlapping((*b.elsewhere, *lex, *(key(p) for p in gd.EXTRA_TRAP_PHRASES)), our_tokens)
    blockers -= set(places)
    collide = fold_collisions() | {tuple(fold(t) for t in k) for k in b.elsewhere if k not in places}
    folded = {
        folded_key(p.name): p
        for k, p in places.items()
        if (len(k) >= 2 or p.name.isupper())
        and p.kind in FOLDABLE_KINDS
        and folded_key(p.name) not in collide
    }
    return Gazetteer(
        province=b.province,
        places=places,
        folded=folded,
        blockers=frozenset(blockers),
        folded_blockers=frozenset(tuple(fold(t) for t in k) for k in blockers),
        other_provinces=dict(b.other_provinces),
        max_len=max(len(k) for k in places),
        units_2025={
            k: {kind: len(b.kinds_2025[(kind, k)]) for kind in kinds}
            for k, kinds in b.ours_2025.items()
            if k in places
        },
        owners_elsewhere={k: frozenset(v) for k, v in b.owners.items()},
        english=_english(b.province, places),
    )


def _english(province: str, places: dict[tuple[str, ...], Place]) -> dict[tuple[str, ...], Place]:
    out = {
        folded_key(p.name): p
        for k, p in places.items()
        if p.kind in FOLDABLE_KINDS and p.weight >= W_DISTRICT_CLASH and len(k) >= 2
    }
    for alias, weight in gd.ENGLISH_ALIASES.get(province, {}).items():
        kind = "club" if alias in gd.CLUB_ALIASES else "alias"
        out.setdefault(
            folded_key(alias), Place(alias, kind, province, weight, True)
        )  # "Nghe An" stays Nghệ An
    return out


def _overlapping(keys: Iterable[tuple[str, ...]], tokens: set[str]) -> set[tuple[str, ...]]:
    return {k for k in keys if len(k) >= 2 and any(t in tokens for t in k)}


@lru_cache(maxsize=8)
def build_gazetteer(
    province: str = "Nghệ An", include_legacy: bool = True, include_merged: bool = True
) -> Gazetteer:
    """The cached gazetteer of ``province``: its 2025 units, pre-2025 units (``include_legacy``) and, for a
    province that absorbed another in 2025, the absorbed province's places (``include_merged``). Read from the
    on-disk cache when it holds this very build (same package versions and gazetteer code; ``gazetteer_cache``)."""
    from bantin.classify.relevance.gazetteer_cache import cached_build

    return cached_build(province, include_legacy, include_merged, lambda: _build(province, include_legacy, include_merged))
