"""The gazetteer is built from vietnam-provinces and vietnamadminunits, per configured province."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pytest

from bantin.classify.relevance.gazetteer import W_SHARED, build_gazetteer, resolve_province
from bantin.text.vitext import fold, key, prepare
from tests.conftest import requires_shared


def _names(province: str, *kinds: str) -> set[str]:
    g = build_gazetteer(province)
    return {p.name for p in g.places.values() if not kinds or p.kind in kinds}


def test_nghe_an_has_its_known_units() -> None:
    names = _names("Nghệ An")
    assert {
        "Nghệ An",
        "Cửa Lò",
        "Quỳnh Lưu",
        "Con Cuông",
        "Diễn Châu",
        "Vinh",
        "Mường Típ",
        "Kim Liên",
    } <= names


def test_gazetteer_sizes_are_plausible() -> None:
    kinds = Counter(p.kind for p in build_gazetteer("Nghệ An").places.values())
    assert kinds["district(legacy)"] == 20  # 17 districts, Vinh city, Thái Hòa and Hoàng Mai towns
    assert 90 <= kinds["commune"] + kinds["ward"] <= 130  # 130 units in 2025, minus repeats of other names
    assert kinds["commune(legacy)"] > 250
    for province in ("Hà Tĩnh", "Hưng Yên"):
        assert 150 < len(build_gazetteer(province).places) < 1000


def test_provinces_resolve_without_accents_or_prefix() -> None:
    assert resolve_province("ha tinh").name == "Hà Tĩnh"
    assert resolve_province("Tỉnh Hưng Yên").name == "Hưng Yên"


def test_unknown_province_is_refused_with_the_list() -> None:
    with pytest.raises(ValueError, match="Nghệ An"):
        resolve_province("Thái Bình")  # merged into Hưng Yên in 2025


def test_hung_yen_includes_merged_thai_binh_places_by_default() -> None:
    assert {"Thái Bình", "Thái Thụy", "Vũ Thư"} <= _names("Hưng Yên")
    assert build_gazetteer("Hưng Yên").places[key("Thái Bình")].kind == "province(merged)"


def test_hung_yen_can_exclude_merged_thai_binh_places() -> None:
    g = build_gazetteer("Hưng Yên", include_merged=False)
    names = {p.name for p in g.places.values()}
    assert "Thái Thụy" not in names and "Thái Bình" not in names
    assert {"Phố Hiến", "Văn Giang", "Khoái Châu"} <= names


def test_without_legacy_only_2025_units_remain() -> None:
    kinds = {p.kind for p in build_gazetteer("Nghệ An", include_legacy=False).places.values()}
    assert not any(k.endswith("(legacy)") for k in kinds)


def test_names_shared_with_another_province_are_weak() -> None:
    g = build_gazetteer("Nghệ An")
    assert g.places[key("Hoàng Mai")].weight == W_SHARED  # also a district of Hà Nội
    assert g.places[key("Thái Hòa")].weight == W_SHARED  # communes elsewhere, and a common word
    assert not g.places[key("Kỳ Sơn")].unique  # a ward of Hòa Bình too
    assert g.places[key("Kỳ Sơn")].weight < g.places[key("Con Cuông")].weight
    assert g.places[key("Con Cuông")].unique


def test_only_distinctive_names_match_without_diacritics() -> None:
    folded = {p.name for p in build_gazetteer("Nghệ An").folded.values()}
    assert {"Nghệ An", "TP Vinh", "SLNA"} <= folded
    assert "Vinh" not in folded  # vĩnh, vịnh
    assert "Đô Lương" not in folded  # đo lường
    assert "Mường Típ" not in folded  # communes never match unaccented


def test_build_is_cached() -> None:
    assert build_gazetteer("Nghệ An") is build_gazetteer("Nghệ An")


# News items scanned by the collision check: about half the archive, ~30 s.
COLLISION_SAMPLE = 80_000


@requires_shared
@pytest.mark.slow
def test_fold_safe_names_mostly_mean_the_place_in_real_text(shared_data: Path) -> None:
    """A name matched without diacritics must, in accented real text, mostly be spelled as the name."""
    index = {
        k: p.name
        for prov in ("Nghệ An", "Hà Tĩnh", "Hưng Yên")
        for k, p in build_gazetteer(prov).folded.items()
    }
    first = {k[0] for k in index}
    own: Counter[str] = Counter()
    other: Counter[str] = Counter()
    with gzip.open(shared_data / "news" / "rss_articles.jsonl.gz", "rt", encoding="utf-8") as f:
        for n, line in enumerate(f):
            if n >= COLLISION_SAMPLE:
                break
            d = json.loads(line)
            _, lows = prepare(f"{d['title'] or ''} . {d['summary'] or ''}")
            fk = [fold(t) for t in lows]
            for i in (i for i, t in enumerate(fk) if t in first):
                for size in (2, 3, 4, 1):
                    name = index.get(tuple(fk[i : i + size]))
                    if name is not None:
                        (own if tuple(lows[i : i + size]) == key(name) else other)[name] += 1
    bad = {n: (other[n], own[n]) for n in other if other[n] >= 3 and other[n] > 0.2 * own[n]}
    assert not bad, f"add to EXTRA_FOLD_COLLISIONS: {bad}"
