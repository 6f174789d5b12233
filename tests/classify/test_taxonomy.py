"""Taxonomy keys, labels and corpus mappings."""

from __future__ import annotations

from bantin.classify.topics.taxonomy import (
    RSS_CATEGORY_MAP,
    TC201805_MAP,
    TOPIC_KEYS,
    TOPICS,
    VNTC_MAP,
    best_seed_topic,
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
    assert map_label("tc201805", "du lich") == ("tourism",)


def test_rss_world_feed_is_foreign_affairs_by_the_labelling_conventions() -> None:
    assert map_label("rss", "Thế giới") == ("foreign_affairs",)  # international politics and war (#12)
    assert map_label("rss", "Tổng hợp") == ()


def test_one_seed_topic_per_rss_item_follows_the_conventions() -> None:
    assert best_seed_topic("Xe khách bốc cháy trên cao tốc, công an vào cuộc") == "infrastructure"  # vehicle fire
    assert best_seed_topic("Cháy nhà trong đêm, hai người bị thương") == "society"  # a fire in a home
    assert best_seed_topic("Bão số 13 đổ bộ, nhiều nơi ngập sâu") == "environment"
    assert best_seed_topic("HLV Kim Sang-sik chốt danh sách, công an tỉnh hộ tống đội tuyển") == "sports"
    assert best_seed_topic("Một ngày ở phố", "Du khách đổ về đông") is None  # tourism seeds count in titles only


def test_seed_phrases_find_uncovered_topics_in_the_lead_only() -> None:
    assert seed_topics("Ngư dân bám biển Trường Sa") >= {"sea_borders", "agriculture"}
    assert "infrastructure" in seed_topics("Khởi công cao tốc Bắc - Nam")
    assert seed_topics("x" * 500 + " biên giới") == set()
