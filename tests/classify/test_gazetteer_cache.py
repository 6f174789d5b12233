"""The built gazetteer's on-disk cache: a second start reads it, a corrupt or stale file is rebuilt with a notice."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from bantin.app.settings import get_settings
from bantin.classify.relevance import gazetteer_cache as gc
from bantin.classify.relevance.gazetteer import Gazetteer, Place, build_gazetteer

PROVINCE = "Nghệ An"


def small_gazetteer() -> Gazetteer:
    vinh = Place("TP Vinh", "alias", PROVINCE, 0.9, True)
    return Gazetteer(province=PROVINCE, places={("tp", "vinh"): vinh, ("nghệ", "an"): Place(
        "Nghệ An", "province", PROVINCE, 1.0, True)}, folded={("tp", "vinh"): vinh},
        blockers=frozenset({("trà", "vinh"), ("vinh", "danh")}), folded_blockers=frozenset({("tra", "vinh")}),
        other_provinces={("hà", "nội"): "Hà Nội"}, max_len=2, units_2025={("cửa", "lò"): {"ward": 1}},
        owners_elsewhere={("hoàng", "mai"): frozenset({"Hà Nội"})}, english={("vinh", "city"): vinh})


class Builds:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> Gazetteer:
        self.calls += 1
        return small_gazetteer()


def cached(directory: Path, build: Builds) -> Gazetteer:
    return gc.cached_build(PROVINCE, True, True, build, directory)


def test_a_second_start_reads_the_cache_instead_of_building(tmp_path: Path) -> None:
    build, before = Builds(), gc.stats.copy()
    first = cached(tmp_path, build)
    second = cached(tmp_path, build)
    assert build.calls == 1 and second == first == small_gazetteer()
    assert (gc.stats - before) == {"built": 1, "loaded": 1}
    assert isinstance(second.blockers, frozenset) and next(iter(second.places)) == ("tp", "vinh")
    (path,) = tmp_path.glob("gazetteer-nghean-11-*.json")
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == gc.CACHE_FORMAT


@pytest.mark.parametrize("damage", ["truncated", "not json", "wrong type", "foreign class", "missing field"])
def test_a_corrupt_cache_file_is_rebuilt_with_a_one_line_notice(
    tmp_path: Path, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    build = Builds()
    cached(tmp_path, build)
    (path,) = tmp_path.glob("gazetteer-*.json")
    text = path.read_text(encoding="utf-8")
    damaged = {
        "truncated": text[: len(text) // 2],
        "not json": "\x00\x01 not a cache",
        "wrong type": text.replace('"weight":0.9', '"weight":"0.9"'),
        "foreign class": text.replace("bantin.classify.relevance.gazetteer:Place", "os:system", 1),
        "missing field": text.replace(',"unique":true', "", 1),
    }[damage]
    assert damaged != text
    path.write_text(damaged, encoding="utf-8")
    before = gc.stats.copy()
    with caplog.at_level(logging.WARNING, logger="bantin.classify"):
        again = cached(tmp_path, build)
    assert again == small_gazetteer() and build.calls == 2
    assert (gc.stats - before) == {"rebuilt": 1, "built": 1}
    (notice,) = [r.getMessage() for r in caplog.records]
    assert "unreadable" in notice and "rebuilding" in notice and "\n" not in notice
    assert path.read_text(encoding="utf-8") == text  # written afresh, readable by the next start
    assert cached(tmp_path, build) == small_gazetteer() and build.calls == 2


def test_a_changed_source_gives_a_new_key_and_the_stale_file_is_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    build = Builds()
    cached(tmp_path, build)
    (old,) = tmp_path.glob("gazetteer-*.json")
    real_version = gc.metadata.version
    monkeypatch.setattr(gc.metadata, "version", lambda name: "99.0" if name == "vietnam-provinces" else real_version(name))
    gc.sources_digest.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="bantin.classify"):
            cached(tmp_path, build)
    finally:
        gc.sources_digest.cache_clear()
    (new,) = tmp_path.glob("gazetteer-*.json")
    assert new != old and build.calls == 2
    assert [r.getMessage() for r in caplog.records] == [
        "gazetteer sources changed (package versions or bantin's gazetteer code); rebuilding the cache"]


def test_an_unwritable_cache_directory_only_costs_the_build(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the directory should be", encoding="utf-8")
    build = Builds()
    with caplog.at_level(logging.WARNING, logger="bantin.classify"):
        assert cached(blocker, build) == small_gazetteer() and cached(blocker, build) == small_gazetteer()
    assert build.calls == 2 and all("not written" in r.getMessage() for r in caplog.records)


def test_the_real_gazetteer_read_back_from_the_settings_cache_equals_the_built_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bantin.classify.service import LazyMatcher

    monkeypatch.setenv("BANTIN_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    try:
        assert LazyMatcher(PROVINCE).matcher.province == PROVINCE  # points the cache at settings.cache_dir
        before = gc.stats.copy()
        built = build_gazetteer.__wrapped__(PROVINCE)  # type: ignore[attr-defined]  # past the in-process lru_cache
        again = build_gazetteer.__wrapped__(PROVINCE)  # type: ignore[attr-defined]
    finally:
        gc.use_directory(None)
        get_settings.cache_clear()
    assert (gc.stats - before) in ({"built": 1, "loaded": 1}, {"loaded": 2})  # (the matcher may have built it)
    assert again == built and len(again.places) > 100 and again.max_len == built.max_len
    assert list(tmp_path.glob("data/cache/gazetteer-nghean-11-*.json"))
