"""JSON Feed 1.0/1.1 through parse_feed."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bantin.app.stats import CounterStats
from bantin.feeds.parse import parse_feed
from tests.conftest import requires_shared


def jsonfeed(items: list[object], **top: object) -> bytes:
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": "Báo Hưng Yên", "items": items, **top}
    return json.dumps(doc, ensure_ascii=False).encode()


def test_relative_urls_resolve_against_the_fetch_url() -> None:
    body = jsonfeed([{"id": "1", "url": "/tin/a.html", "title": "A"},
                     {"id": 2, "url": "b.html", "title": "B"},
                     {"id": "3", "external_url": "https://x.vn/c", "title": "C"}])
    result = parse_feed(body, "https://baohungyen.vn/feeds/all.json")
    assert result.kind == "jsonfeed" and result.error is None
    assert [(i.url, i.title) for i in result.items] == [
        ("https://baohungyen.vn/tin/a.html", "A"), ("https://baohungyen.vn/feeds/b.html", "B"),
        ("https://x.vn/c", "C")]


def test_relative_urls_fall_back_to_feed_url_when_fetch_url_unknown() -> None:
    body = jsonfeed([{"id": "1", "url": "tin/a.html"}], feed_url="https://baohungyen.vn/feed.json")
    assert [i.url for i in parse_feed(body, "").items] == ["https://baohungyen.vn/tin/a.html"]


def test_fields_text_dates_and_language() -> None:
    body = jsonfeed([{"id": "1", "url": "https://x.vn/1", "title": " Hưng  Yên ",
                      "content_html": "<p>Đoạn <b>một</b></p><p>hai &amp; ba</p>",
                      "date_published": "2026-02-16T08:15:00+07:00", "language": "vi-VN",
                      "authors": [{"name": "Nguyễn Văn A"}]},
                     {"id": "2", "url": "https://x.vn/2", "summary": "Tóm tắt", "content_text": "Toàn văn",
                      "date_modified": "2026-02-16T08:15:00"}], language="vi")
    stats = CounterStats()
    result = parse_feed(body, "https://x.vn/feed.json", stats=stats)
    a, b = result.items
    assert (a.title, a.summary, a.language) == ("Hưng Yên", "Đoạn một hai & ba", "vi-vn")
    assert a.published == datetime(2026, 2, 16, 1, 15, tzinfo=UTC)
    assert (b.summary, b.language, b.published) == ("Tóm tắt", "vi", datetime(2026, 2, 16, 1, 15, tzinfo=UTC))
    assert stats.get_value("jsonfeed/date_no_tz") == 1 and stats.get_value("jsonfeed/date_from_modified") == 1
    assert "Nguyễn" not in repr(result)


@pytest.mark.parametrize(("body", "message"), [
    (b"{not json", "invalid JSON"), (b"[1, 2]", "not a JSON Feed"), (b'{"version": 1}', "not a JSON Feed"),
    (b"[" * 100_000, "invalid JSON"), (b'{"items": [1, "x", null, {"url": 5}]}', None),
])
def test_broken_json_never_raises(body: bytes, message: str | None) -> None:
    result = parse_feed(body, "https://x.vn/feed.json", content_type="application/feed+json")
    assert result.items == []
    assert (result.error is None) if message is None else (message in (result.error or ""))


def test_utf16_json_feed_with_bom() -> None:
    body = jsonfeed([{"id": "1", "url": "https://x.vn/1", "title": "Thời sự"}]).decode().encode("utf-16")
    assert [i.title for i in parse_feed(body, "https://x.vn/f.json").items] == ["Thời sự"]


@requires_shared
@pytest.mark.parametrize("rel", ["en/trafilatura/npr-technology.feed.json", "en/feedjira/json_feed.json",
                                 "en/extractus/json-feed-standard-realworld.json"])
def test_shared_json_feeds_give_every_item(shared_data: Path, rel: str) -> None:
    raw = (shared_data / "crawl" / "feeds" / rel).read_bytes()
    doc = json.loads(raw)
    result = parse_feed(raw, doc.get("feed_url") or "https://example.org/feed.json")
    assert result.kind == "jsonfeed" and result.error is None and not result.bozo
    assert len(result.items) == len({it.get("url") or it.get("external_url") for it in doc["items"]}) > 0
    assert all(i.url.startswith("http") and i.title for i in result.items)
