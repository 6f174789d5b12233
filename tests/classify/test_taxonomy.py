"""Taxonomy keys, labels and corpus mappings."""

from __future__ import annotations

from bantin.classify.topics.taxonomy import (
    RSS_CATEGORY_MAP,
    TC201805_MAP,
    TOPIC_KEYS,
    TOPICS,
    VNTC_MAP,
    map_label,
    seed_topics,
)


def test_every_mapping_targets_known_topic_keys() -> None:
    for table in (VNTC_MAP, TC201805_MAP, RSS_CATEGORY_MAP):
        assert all(k in TOPIC_KEYS for keys in table.values() for k in keys)


def test_topics_have_unique_keys_and_bilingual_labels() -> None:
    assert len(set(TOPIC_KEYS)) == len(TOPICS) == 14
    assert all(t.vi and t.en for t in TOPICS)


def test_taxonomy_has_no_dissent_or_rights_label() -> None:
    words = " ".join(f"{t.key} {t.vi} {t.en}" for t in TOPICS).lower()
    for banned in ("dissent", "rights", "protest", "phản động", "nhân quyền", "chống đối"):
        assert banned not in words


def test_world_news_and_lifestyle_labels_are_left_out() -> None:
    assert map_label("vntc", "The gioi") == ()
    assert map_label("tc201805", "thu cung va dong vat") == ()
    assert map_label("rss", "Thế giới") == ()
    assert map_label("tc201805", "du lich") == ("tourism",)


def test_seed_phrases_find_uncovered_topics_in_the_lead_only() -> None:
    assert seed_topics("Ngư dân bám biển Trường Sa") >= {"sea_borders", "agriculture"}
    assert "infrastructure" in seed_topics("Khởi công cao tốc Bắc - Nam")
    assert seed_topics("x" * 500 + " biên giới") == set()
