"""The labelled real RSS items (#12): fixed split, texts joined by URL, the held-out set never training data."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from bantin.classify.topics.rssdata import (
    FRESH,
    FRESH2,
    FRESH3,
    FRESH4,
    FRESH5,
    FRESH6,
    HELD_OUT_SETS,
    LABELS,
    POOL,
    POOL2,
    TRAINING_SETS,
    labelled,
    labelled_texts,
    labelled_urls,
    part_of,
    training_labelled,
    training_parts,
)
from bantin.classify.topics.taxonomy import TOPIC_KEYS
from bantin.classify.topics.weak import rss_weak_rows, weak_topic


def _archive(tmp_path: Path, rows: list[dict]) -> Path:
    (tmp_path / "news").mkdir()
    with gzip.open(tmp_path / "news" / "rss_articles.jsonl.gz", "wt", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    return tmp_path


def test_the_labelled_set_stores_urls_and_taxonomy_topics_only_split_in_two_fixed_halves() -> None:
    rows = labelled()
    assert len(rows) == 400 and len({r["url"] for r in rows}) == 400
    assert all(set(r) <= {"url", "topic", "note", "part"} and r["topic"] in TOPIC_KEYS for r in rows)
    parts = [r["part"] for r in rows]
    assert 150 < parts.count("tune") < 250 and parts.count("tune") + parts.count("heldout") == 400
    assert all(part_of(r["url"]) == r["part"] for r in rows)  # a pure function of the URL


def test_the_fresh_sets_and_pools_store_urls_and_topics_only_and_share_no_item_with_each_other() -> None:
    first = {r["url"] for r in labelled()}
    sets = [labelled(path) for path in (FRESH, FRESH2, FRESH3, FRESH4, FRESH5, FRESH6, POOL, POOL2)]
    for held, n in zip(sets, (250, 250, 300, 300, 300, 300, 6000, 9000), strict=True):
        assert len(held) == n and len({r["url"] for r in held}) == n
        assert all(set(r) <= {"url", "topic", "note", "part"} and r["topic"] in TOPIC_KEYS for r in held)
        assert all(len(r.get("note", "")) <= 120 for r in held)  # a reader's short reason, not the text
    urls = [first, *({r["url"] for r in held} for held in sets)]
    assert sum(map(len, urls)) == len(set().union(*urls))  # no item in two sets
    assert labelled_urls() == set().union(*urls)


def test_the_recipe_trains_on_every_labelled_set_but_the_held_out_ones(tmp_path: Path) -> None:
    assert HELD_OUT_SETS == (FRESH5, FRESH6) and not set(HELD_OUT_SETS) & set(TRAINING_SETS)
    assert set(TRAINING_SETS) == {LABELS, FRESH, FRESH2, FRESH3, FRESH4, POOL, POOL2}
    rows = [r for path in TRAINING_SETS for r in labelled(path)]
    items = [{"url": r["url"], "title": f"T{i}", "summary": "S"} for i, r in enumerate(rows)]
    items += [{"url": r["url"], "title": "held", "summary": "S"} for path in HELD_OUT_SETS for r in labelled(path)]
    texts, topics = training_labelled(_archive(tmp_path, items))
    assert texts == [f"T{i}\nS" for i in range(len(rows))] and "held\nS" not in texts
    assert topics == [r["topic"] for r in rows] and training_parts() == [part_of(r["url"]) for r in rows]


def test_labelled_texts_are_joined_from_the_archive_and_a_missing_url_is_refused(tmp_path: Path) -> None:
    (first,) = labelled()[:1]
    labels = tmp_path / "labels.jsonl"
    labels.write_text(json.dumps({"url": first["url"], "topic": "sports"}) + "\n", encoding="utf-8")
    (tmp_path / "with").mkdir()
    (tmp_path / "without").mkdir()
    item = {"url": first["url"], "title": "Tiêu đề", "summary": "Tóm tắt", "feed_category": "Tổng hợp"}
    assert labelled_texts(_archive(tmp_path / "with", [item]), path=labels) == (["Tiêu đề\nTóm tắt"], ["sports"])
    with pytest.raises(ValueError, match="1 labelled URLs are not in"):
        labelled_texts(_archive(tmp_path / "without", []), path=labels)


def test_weak_rows_never_include_labelled_items(tmp_path: Path) -> None:
    urls = [labelled(path)[0]["url"] for path in (LABELS, FRESH, FRESH2, FRESH3, FRESH4, FRESH5, FRESH6, POOL, POOL2)]
    urls.append("https://example.vn/a")
    rows = [{"url": url, "title": "Bão số 3 đổ bộ", "summary": "", "feed_category": "Tổng hợp"} for url in urls]
    got = list(rss_weak_rows(_archive(tmp_path, rows)))
    assert LABELS.is_file() and [(t, topic) for t, topic, _ in got] == [("Bão số 3 đổ bộ\n", "environment")]


def test_world_feed_items_are_foreign_affairs_unless_the_title_names_a_crime_or_disaster() -> None:
    world = {"feed_category": "Thế giới", "summary": ""}
    assert weak_topic({**world, "title": "Ông Trump gặp ông Putin tại Alaska"}) == "foreign_affairs"
    assert weak_topic({**world, "title": "Động đất mạnh ở Venezuela"}) == "environment"
    assert weak_topic({**world, "title": "Vụ cướp hơn 65 kg vàng ở Hong Kong"}) == "law"
    assert weak_topic({"feed_category": "Tổng hợp", "title": "Một ngày bình thường", "summary": ""}) is None


def test_digest_bulletins_are_society_and_world_digests_foreign_affairs_whatever_their_seeds() -> None:
    general = {"feed_category": "Tổng hợp", "summary": ""}
    assert weak_topic({**general, "title": "Toàn cảnh 17h: Bão số 3 đổ bộ | Bắt nghi phạm cướp tiệm vàng"}) == "society"
    assert weak_topic({**general, "title": "Xem nhanh 20h ngày 30.7: Cao tốc Bắc - Nam thông xe"}) == "society"
    assert weak_topic({"feed_category": "Thế giới", "summary": "",
                       "title": "Tin tức thế giới 5-5: Động đất mạnh ở Venezuela"}) == "foreign_affairs"
    assert weak_topic({**general, "title": "Điểm tin về bão số 3"}) == "environment"  # no bulletin hour: seeds decide

