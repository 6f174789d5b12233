"""Landmarks learned from stored coverage: what distant supervision keeps, and what it never learns."""

from __future__ import annotations

import pytest

from bantin.classify.relevance import learned
from bantin.classify.relevance.gazetteer import build_gazetteer
from bantin.classify.relevance.learned import learn, learned_places
from bantin.classify.relevance.province import ProvinceMatcher


def _place(title: str, summary: str) -> str:
    text = f"{title} {summary}"
    return "ours" if "Hà Tĩnh" in text else "other" if "Quảng Ninh" in text else "unplaced"


def test_a_landmark_seen_with_the_province_is_learned_and_a_shared_one_is_not() -> None:
    items = [
        ("Hồ Kẻ Gỗ xả lũ", "Hà Tĩnh cho hồ Kẻ Gỗ xả lũ."),
        ("Nước hồ Kẻ Gỗ dâng", "Hà Tĩnh theo dõi hồ Kẻ Gỗ."),
        ("Kẻ Gỗ đầy nước", "Hồ Kẻ Gỗ ở Hà Tĩnh."),
        ("Du khách tới Kẻ Gỗ", "Chưa nói tỉnh nào."),
        ("Chợ Bến Thành đông khách", "Hà Tĩnh có gian hàng ở chợ Bến Thành."),
        ("Chợ Bến Thành", "Quảng Ninh có gian hàng ở chợ Bến Thành."),
        ("Chợ Bến Thành sáng nay", "Quảng Ninh cũng có gian hàng ở chợ Bến Thành."),
    ]
    names = learn(items, _place)
    assert names["kẻ gỗ"] == [3, 3, 4]  # the unplaced item is counted, not held against it
    assert "bến thành" not in names


def test_names_of_people_are_never_learned() -> None:
    # docs/principles.md: no person tracking. "Nguyễn Văn Bình" after a head word is still a person's name.
    items = [(f"Bệnh viện Nguyễn Văn Bình số {i}", "Hà Tĩnh khai trương.") for i in range(6)]
    assert learn(items, _place) == {}


def test_stored_names_the_gazetteer_already_knows_are_not_layered_twice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(learned, "_stored", lambda: {"Hà Tĩnh": {"kẻ gỗ": [3, 3, 4], "vũng áng": [9, 9, 9]}})
    places = learned_places(build_gazetteer("Hà Tĩnh"))
    assert [p.name for p in places.values()] == ["Kẻ Gỗ"]
    assert places[("kẻ", "gỗ")].kind == learned.KIND


def test_every_stored_landmark_alone_makes_a_title_primary_for_its_province() -> None:
    for province, names in learned._stored().items():
        matcher = ProvinceMatcher(province)
        for name in names:
            title = f"Du khách đổ về {name.title()} cuối tuần"
            assert matcher.match(title, None).relevance == "primary", (province, name)
