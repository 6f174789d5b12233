"""The queue page (home): filters that narrow the list exactly as GET /api/v1/stories does, counts per
state as links, keyset pages with the API's cursor, messages for bad filters, the first steps on an empty
database, and the audit row of every view (principle 3)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from html import unescape
from typing import Any

from sqlalchemy import select

from bantin.store.schema import Source
from tests.queue.newsroom import T0, Newsroom
from tests.web.conftest import Web
from tests.web.queuedata import audits, queue_fixture, rows  # noqa: F401 - the fixture

API = "/api/v1/stories"


def _api_ids(web: Web, role: str = "reviewer", **params: Any) -> list[int]:
    r = web.client.get(API, params=params, headers=web.headers(role))
    assert r.status_code == 200, r.text
    return [i["id"] for i in r.json()["items"]]


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _source_id(web: Web, name: str) -> int:
    with web.ctx.sessions() as s:
        sid = s.scalar(select(Source.id).where(Source.name == name))
    assert sid is not None
    return sid


def test_filters_narrow_the_list_as_the_api_does(queue: Web) -> None:
    client = queue.login("reviewer")
    flood, bridge = _api_ids(queue)
    assert rows(client.get("/").text) == [flood, bridge]
    r = client.post("/queue/assign-to-me", data={"csrf_token": client.csrf, "story": f"{flood}:1"})  # type: ignore[attr-defined]
    assert r.status_code == 200
    vn_day = (T0 + timedelta(hours=7)).date()  # the Vietnam day of the publications
    cases: list[tuple[dict[str, Any], dict[str, Any]]] = [
        ({"state": "assigned"}, {"state": "assigned"}),
        ({"state": ["new", "assigned"]}, {"state": ["new", "assigned"]}),
        ({"owner": "me"}, {"owner": "me"}),
        ({"owner": "none"}, {"owner": "none"}),
        ({"source_id": _source_id(queue, "Foreign Daily")}, {"source_id": _source_id(queue, "Foreign Daily")}),
        ({"topic": "infrastructure"}, {"topic": "infrastructure"}),
        ({"relevance": "primary"}, {"relevance": "primary"}),
        ({"priority": "normal"}, {"priority": "normal"}),
        ({"priority": "urgent"}, {"priority": "urgent"}),
        ({"language": "vi"}, {"language": "vi"}),
        ({"overdue": "1"}, {"overdue": "true"}),
        ({"from": vn_day.isoformat(), "to": vn_day.isoformat()},
         {"from": datetime(vn_day.year, vn_day.month, vn_day.day, tzinfo=UTC) - timedelta(hours=7),
          "to": datetime(vn_day.year, vn_day.month, vn_day.day, tzinfo=UTC) + timedelta(hours=17)}),
        ({"to": (vn_day - timedelta(days=1)).isoformat()},
         {"to": datetime(vn_day.year, vn_day.month, vn_day.day, tzinfo=UTC) - timedelta(hours=7)}),
    ]
    seen_nonempty = seen_empty = False
    for page_params, api_params in cases:
        api_params = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in api_params.items()}
        expected = _api_ids(queue, **api_params)
        shown = rows(client.get("/", params=page_params).text)
        assert shown == expected, (page_params, shown, expected)
        seen_nonempty |= bool(expected) and len(expected) < 2
        seen_empty |= not expected
    assert seen_nonempty and seen_empty  # the cases do narrow the list
    assert rows(client.get("/", params={"state": "assigned"}).text) == [flood]
    assert rows(client.get("/", params={"owner": "none"}).text) == [bridge]


def test_counts_per_state_are_links_and_the_current_one_is_marked(queue: Web) -> None:
    client = queue.login("reviewer")
    flood, bridge = _api_ids(queue)
    client.post("/queue/bulk", data={"csrf_token": client.csrf, "ids": [f"{flood}:1"], "action": "dismiss",  # type: ignore[attr-defined]
                                     "reason": "Tin trùng lặp"})
    html = client.get("/?state=dismissed").text
    counts = re.search(r'<ul class="counts">(.*?)</ul>', html, re.S).group(1)  # type: ignore[union-attr]
    text = _text(counts)
    assert "tất cả 2" in text and "mới 1" in text and "đã bỏ qua 1" in text and "quá hạn 0" in text
    assert re.search(r'href="/\?state=dismissed" class="state-dismissed" aria-current="true"', counts)
    assert counts.count('aria-current="true"') == 1
    assert rows(html) == [flood]
    assert 'href="/?state=new"' in counts and 'href="/?overdue=1"' in counts


def test_pages_follow_the_api_cursor_and_keep_the_filters(queue: Web) -> None:
    client = queue.login("viewer")
    flood, bridge = _api_ids(queue)
    first = client.get("/?limit=1&relevance=primary")
    assert rows(first.text) == [flood]
    api_cursor = queue.client.get(API, params={"limit": 1, "relevance": "primary"},
                                  headers=queue.headers("viewer")).json()["next_cursor"]
    link = re.search(r'<a class="button" rel="next" href="([^"]+)"', first.text).group(1)  # type: ignore[union-attr]
    assert "Trang sau" in first.text
    assert link.replace("&amp;", "&") == f"/?relevance=primary&limit=1&cursor={api_cursor}"
    second = client.get(link.replace("&amp;", "&"))
    assert rows(second.text) == [bridge]
    assert 'rel="next"' not in second.text  # the last page
    assert client.get("/?limit=999").status_code == 200  # out of bounds: a message, the default size
    assert "Số dòng mỗi trang" in client.get("/?limit=999").text


def test_an_invalid_filter_gives_one_line_and_keeps_the_others(queue: Web) -> None:
    client = queue.login("viewer")
    flood, bridge = _api_ids(queue)
    r = client.get("/", params={"state": "disputed", "source_id": _source_id(queue, "Foreign Daily"),
                                "from": "2026-13-45", "owner": "someone"})
    assert r.status_code == 200
    assert "Bộ lọc “Trạng thái” không hợp lệ nên đã được bỏ qua: disputed" in r.text
    assert "Bộ lọc “Từ ngày” không hợp lệ nên đã được bỏ qua: 2026-13-45" in r.text
    assert "Bộ lọc “Người phụ trách” không hợp lệ nên đã được bỏ qua: someone" in r.text
    assert rows(r.text) == [bridge]  # the outlet filter still applies
    assert f'<option value="{_source_id(queue, "Foreign Daily")}" selected>' in r.text  # kept in the form
    bad_cursor = client.get("/?cursor=garbage")
    assert "Liên kết trang không hợp lệ" in bad_cursor.text and rows(bad_cursor.text) == [flood, bridge]
    many = client.get("/", params={"topic": ["x"] * 51})
    assert "Bộ lọc “Chủ đề”" in many.text and rows(many.text) == [flood, bridge]


def test_a_filter_without_result_says_so_and_offers_to_clear(queue: Web) -> None:
    client = queue.login("viewer")
    r = client.get("/?state=responded")
    assert "Không có tin nào khớp với bộ lọc." in r.text and '<a class="button" href="/">Xoá bộ lọc</a>' in r.text
    assert rows(r.text) == []


def test_the_list_shows_state_priority_owner_topic_copies_and_overdue_badge(queue: Web) -> None:
    flood, bridge = _api_ids(queue)
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    r = queue.client.patch(f"{API}/{bridge}", json={"version": 1, "due_at": past}, headers=queue.headers("reviewer"))
    assert r.status_code == 200
    html = queue.login("viewer").get("/").text
    row = re.search(rf'<tr data-story="{bridge}".*?</tr>', html, re.S).group(0)  # type: ignore[union-attr]
    text = _text(row)
    assert "Nghệ An khánh thành cầu Hưng Đức" in text and f'href="/stories/{bridge}"' in row
    assert "quá hạn" in text and 'class="badge overdue"' in row and "is-overdue" in row
    for shown in ("mới", "bình thường", "chưa có ai", "hạ tầng – giao thông", "chủ yếu về tỉnh",
                  "2 bản · 2 báo", "1 báo nước ngoài", "Báo Thử, Foreign Daily", "tiếng Việt"):
        assert shown in text, (shown, text)
    assert "11:00 20/11/26" in text  # latest publication T0 + 3 h = 04:00 UTC, in Vietnam time (UTC+7)
    flood_row = re.search(rf'<tr data-story="{flood}".*?</tr>', html, re.S).group(0)  # type: ignore[union-attr]
    assert "quá hạn" not in flood_row


def test_every_view_of_the_list_and_counts_is_audited_with_its_filters(queue: Web) -> None:
    client = queue.login("viewer")
    before = len(audits(queue, "queue.read"))
    client.get("/?state=new&topic=infrastructure")
    client.get("/?state=new", headers={"HX-Request": "true", "HX-Target": "queue-results"})
    reads = audits(queue, "queue.read")[before:]
    assert len(reads) == 4 and all(actor == "user:viewer" and target == "queue" for actor, target, _ in reads)
    details = [json.loads(d or "{}") for _, _, d in reads]
    assert details[0]["filters"] == {"states": ["new"], "topics": ["infrastructure"]} and details[0]["ui"] is True
    assert details[1]["counts"] is True and details[1]["filters"] == {"topics": ["infrastructure"]}
    assert details[2]["filters"] == {"states": ["new"]}


def test_htmx_gets_only_the_results_fragment(queue: Web) -> None:
    client = queue.login("viewer")
    r = client.get("/?state=new", headers={"HX-Request": "true", "HX-Target": "queue-results"})
    assert r.status_code == 200
    assert r.text.lstrip().startswith('<div id="queue-results"') and "<html" not in r.text
    assert len(rows(r.text)) == 2
    full = client.get("/?state=new", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in full.text


def test_an_empty_database_shows_what_to_do_next(web: Web) -> None:
    client = web.login("viewer")
    html = client.get("/").text
    assert "Chưa có tin nào." in html and "Bước 1/3" in html and "bantin sources add URL" in html
    assert "bantin replay ../shared/data/crawl" in html and "Offline demo" in html
    news = Newsroom(web.ctx)  # outlets, no article yet
    html = client.get("/").text
    assert "Bước 2/3" in html and "bantin articles import --input FILE.jsonl.gz" in html
    assert "trong vòng 5 phút" in html and "bantin crawl --once" in html
    news.publish("Báo Thử", "lai-suat", "Điều chỉnh lãi suất điều hành",
                 "Ngân hàng Nhà nước điều chỉnh lãi suất điều hành từ ngày mai. Theo các chuyên gia, doanh nghiệp sẽ "
                 "tiếp cận vốn dễ hơn trong những tháng cuối năm.")  # an article's length: a shorter page is a notice
    html = client.get("/").text
    assert "Bước 3/3" in html and 'href="/search"' in html
    assert 'role="search"' not in html  # nothing to filter yet: the next step comes first


def test_in_english_the_queue_speaks_english(queue: Web) -> None:
    client = queue.login("reviewer")
    client.post("/lang", data={"lang": "en", "next": "/"})
    text = _text(client.get("/?state=disputed").text)
    for shown in ("Review queue", "Mark triaged", "Assign to me", "infrastructure & transport",
                  "mainly about the province", "2 copies · 2 outlets", "The filter “State” was not understood"):
        assert shown in text, shown
    for vietnamese in ("Đánh dấu", "Nhận xử lý", "hạ tầng"):
        assert vietnamese not in text


def test_a_plain_form_posts_address_leads_back_to_the_queue(web: Web) -> None:
    client = web.login("viewer")
    r = client.get("/queue/bulk")
    assert r.status_code == 303 and r.headers["location"] == "/"
