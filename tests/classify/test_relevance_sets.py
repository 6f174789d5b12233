"""The relevance label sets (#12): each fresh set holds URLs and labels only, shares no item with the earlier sets, and
bench/relevance.py refuses a "fresh" set that does; the sampler's pools come from names, not from the matcher."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import relevance, relevance_sample

# In the order they were drawn (each excluded every earlier set), with their items per province (NA, HT, HY).
FRESH_SETS = {"fresh_labels.jsonl": (200, 100, 100), "fresh2_labels.jsonl": (200, 100, 100),
              "fresh3_labels.jsonl": (200, 100, 100), "fresh4_labels.jsonl": (200, 150, 150),
              "fresh5_labels.jsonl": (200, 150, 0), "fresh6_labels.jsonl": (0, 200, 0),
              "fresh7_labels.jsonl": (0, 135, 0)}


@pytest.mark.parametrize("name", FRESH_SETS)
def test_a_fresh_set_stores_labels_only_for_the_three_provinces_and_shares_no_item_with_earlier_sets(name: str) -> None:
    earlier = [relevance.LABELS.with_name(n) for n in list(FRESH_SETS)[: list(FRESH_SETS).index(name)]]
    fresh = relevance.load_labels(relevance.LABELS.with_name(name))
    dev = relevance.load_labels() + [lab for path in earlier for lab in relevance.load_labels(path)]
    n = sum(FRESH_SETS[name])
    assert len(fresh) == n and len({(r["province"], r["url"]) for r in fresh}) == n  # an item may serve two
    assert all(set(r) <= {"url", "province", "relevance", "note"} for r in fresh)
    assert {r["relevance"] for r in fresh} == {"primary", "mention", "none"}
    counts = {p: sum(r["province"] == p for r in fresh) for p in ("Nghệ An", "Hà Tĩnh", "Hưng Yên")}
    assert tuple(counts.values()) == FRESH_SETS[name]
    assert all(len(r.get("note", "")) <= 120 for r in fresh)  # a reader's short reason, not the text
    assert not {r["url"] for r in fresh} & {r["url"] for r in dev}


def test_a_fresh_set_that_shares_an_item_with_the_dev_set_is_refused(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "fresh.jsonl"
    bad.write_text(json.dumps(relevance.load_labels()[0], ensure_ascii=False) + "\n", encoding="utf-8")
    if not relevance.RSS.is_file():
        pytest.skip("needs ../shared/data/news (the bench checks for it before reading any label file)")
    assert relevance.main(["--no-speed", "--no-learned", "--fresh", str(bad)]) == 2
    assert "shares items with" in capsys.readouterr().out


def test_the_sampler_sorts_items_by_the_province_name_then_by_its_places_names() -> None:
    own, units = relevance_sample._names("Hà Tĩnh")
    assert own.search("Mưa lớn ở hà tĩnh") and not own.search("Hà Tĩnhxyz")
    assert units.search("Tắm biển Xuân Thành") and units.search("xã Cẩm Trung")
    assert not units.search("Giá vàng tăng mạnh")
