"""bantin replay: real pages and feeds served from ../shared over loopback (skips without ../shared)."""

from __future__ import annotations

import csv
import gzip
import hashlib
import html
import http.client
import io
import json
import random
import re
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest

from bantin.replay.archive import NewsArchive
from bantin.replay.httpd import accepts_gzip
from bantin.replay.render import RECONSTRUCTED_MARK
from bantin.replay.server import ReplayBindError, ReplayServer
from bantin.replay.urls import url_key

VIETNAMESE = re.compile("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)
FUNDUS_VNEXPRESS = "https://vnexpress.net/dau-bung-keo-dai-phat-hien-ung-thu-lymphoma-ruot-non-4954454.html"


def get(server: ReplayServer, url: str, headers: dict[str, str] | None = None,
        method: str = "GET") -> tuple[int, http.client.HTTPMessage, bytes]:
    parts = urlsplit(url if "://" in url else server.base_url + url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read()
    finally:
        conn.close()


def table(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


@pytest.fixture(scope="module")
def replay(shared_data: Path) -> Iterator[ReplayServer]:
    with ReplayServer(shared_data / "crawl") as server:
        assert server.news is not None and server.news.wait(60), "news archive did not index"
        yield server


@pytest.fixture(scope="module")
def sha_by_path(shared_data: Path) -> dict[str, str]:
    return {row["path"]: row["sha256"] for row in table(shared_data / "crawl" / "manifest.tsv")}


def test_every_mapped_url_is_served_byte_exact_with_its_mapped_content_type(replay, shared_data, sha_by_path):
    rows = [r for r in table(shared_data / "crawl" / "url-map.tsv") if r["path"] in sha_by_path]
    last_capture = {url_key(r["original_url"]): r for r in rows}
    assert len(last_capture) > 400
    for row in last_capture.values():
        status, headers, body = get(replay, replay.url_for(row["original_url"]), {"Accept-Encoding": "gzip"})
        assert status == 200, row["original_url"]
        assert hashlib.sha256(body).hexdigest() == sha_by_path[row["path"]], row["path"]
        assert headers["Content-Type"] == row["content_type"]
        assert headers.get("Content-Encoding") == ("gzip" if row["content_encoding"] == "gzip" else None)


def test_gzip_file_is_decompressed_for_a_client_that_does_not_accept_gzip(replay, shared_data):
    stored = (shared_data / "crawl/pages/vi/fundus-vnexpress-2025/VnExpress_2025_10_22.html.gz").read_bytes()
    status, headers, body = get(replay, replay.url_for(FUNDUS_VNEXPRESS))
    assert status == 200 and headers.get("Content-Encoding") is None
    assert body == gzip.decompress(stored)
    assert "Đau bụng kéo dài" in body.decode("utf-8")
    assert headers["Vary"] == "Accept-Encoding"


def test_accept_encoding_parsing_honours_q_zero_and_wildcards():
    assert accepts_gzip("gzip, deflate, br")
    assert accepts_gzip("br;q=1.0, *;q=0.5")
    assert not accepts_gzip("gzip;q=0, deflate")
    assert not accepts_gzip(None)
    assert not accepts_gzip("identity")


def test_conditional_get_answers_304_for_a_matching_etag_or_date(replay):
    url = replay.url_for(FUNDUS_VNEXPRESS)
    status, headers, _ = get(replay, url, {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["ETag"] and headers["Last-Modified"]
    etag, modified = headers["ETag"], headers["Last-Modified"]
    status, headers304, body = get(replay, url, {"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert (status, body, headers304["ETag"]) == (304, b"", etag)
    assert get(replay, url, {"Accept-Encoding": "gzip", "If-Modified-Since": modified})[0] == 304
    assert get(replay, url, {"Accept-Encoding": "gzip", "If-None-Match": '"other"'})[0] == 200
    # the decompressed representation is a different entity, so the gzip ETag must not validate it
    assert get(replay, url, {"If-None-Match": etag})[0] == 200


def test_generated_feeds_also_answer_conditional_get(replay):
    status, headers, _ = get(replay, "/news/vnexpress/tong-hop.rss")
    assert status == 200
    assert get(replay, "/news/vnexpress/tong-hop.rss", {"If-None-Match": headers["ETag"]})[0] == 304
    since = {"If-Modified-Since": headers["Last-Modified"]}
    assert get(replay, "/news/vnexpress/tong-hop.rss", since)[0] == 304


class _Alternates(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.feeds: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "link" and a.get("rel") == "alternate" and a.get("type") == "application/rss+xml":
            self.feeds.append(a["href"] or "")


def test_index_page_advertises_every_generated_feed_for_autodiscovery(replay):
    status, headers, body = get(replay, "/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    page = body.decode("utf-8")
    assert "Máy chủ phát lại bantin" in page and f"bantin sources add {replay.base_url}/" in page
    parser = _Alternates()
    parser.feed(page)
    news = {f"{replay.base_url}/news/{path}.rss" for path in replay.news.feeds}
    hosts = {f"{replay.base_url}/feeds/{host}.rss" for host in replay.hosts}
    assert len(news) == 7 and "vnexpress.net" in replay.hosts
    assert set(parser.feeds) == news | hosts
    for href in sorted(news)[:2] + sorted(hosts)[:2]:
        assert get(replay, href)[0] == 200, href


def test_news_feed_parses_and_holds_the_newest_real_vietnamese_items(replay):
    status, headers, body = get(replay, "/news/thanh-nien/tong-hop.rss")
    assert status == 200 and headers["Content-Type"].startswith("application/rss+xml")
    feed = feedparser.parse(io.BytesIO(body))
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "rss20" and len(feed.entries) == 50
    assert all(VIETNAMESE.search(e.title) for e in feed.entries[:10])
    dates = [time.mktime(e.published_parsed) for e in feed.entries]
    assert dates == sorted(dates, reverse=True)
    assert all(e.link.startswith(replay.base_url + "/thanhnien.vn/") for e in feed.entries)
    assert all(urlsplit(e.id).hostname == "thanhnien.vn" for e in feed.entries)


def test_news_feed_pages_walk_back_in_time(replay):
    first = feedparser.parse(io.BytesIO(get(replay, "/news/vnexpress-the-gioi/the-gioi.rss")[2]))
    nxt = [link.href for link in first.feed.links if link.rel == "next"]
    assert nxt == [f"{replay.base_url}/news/vnexpress-the-gioi/the-gioi.rss?page=2"]
    second = feedparser.parse(io.BytesIO(get(replay, nxt[0])[2]))
    assert second.entries[0].published_parsed <= first.entries[-1].published_parsed
    assert {e.id for e in first.entries}.isdisjoint(e.id for e in second.entries)
    older_body = get(replay, "/news/vnexpress-the-gioi/the-gioi.rss?before=2026-01-01")[2]
    older = feedparser.parse(io.BytesIO(older_body))
    assert len(older.entries) == 50
    assert all(time.strftime("%Y", e.published_parsed) <= "2025" for e in older.entries)
    assert get(replay, "/news/vnexpress-the-gioi/the-gioi.rss?before=yesterday")[0] == 400


def test_feed_links_serve_pages_reconstructed_from_the_item(replay):
    entry = feedparser.parse(io.BytesIO(get(replay, "/news/tuoi-tre/tong-hop.rss")[2])).entries[0]
    status, headers, body = get(replay, entry.link)
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    page = body.decode("utf-8")
    assert f'<meta name="bantin:replay" content="{RECONSTRUCTED_MARK}">' in page
    assert f'<link rel="canonical" href="{entry.id}">' in page
    assert re.search(r'<meta property="article:published_time" content="\d{4}-\d\d-\d\dT', page)
    assert f"<h1>{html.escape(entry.title)}</h1>" in page


def test_archive_items_in_the_sample_are_served_with_their_real_title(replay, shared_data):
    lines = (shared_data / "news" / "rss_articles_sample1000.jsonl").read_text(encoding="utf-8").splitlines()
    for item in map(json.loads, random.Random(7).sample(lines, 20)):
        status, _, body = get(replay, replay.url_for(item["url"]))
        assert status == 200, item["url"]
        assert f"<title>{html.escape(item['title'])}</title>" in body.decode("utf-8")


def test_archive_index_finds_every_sampled_item_by_its_url(replay):
    archive = replay.news
    for item_id in random.Random(3).sample(range(len(archive)), 60):
        item = archive.item(item_id)
        assert archive.find(url_key(item["url"]))["url"] == item["url"]
    assert archive.find(url_key("https://thanhnien.vn/khong-co-bai-nay.htm")) is None


def test_archive_indexes_files_whose_lines_do_not_follow_the_usual_key_order(shared_data, tmp_path):
    sample = shared_data / "news" / "rss_articles_sample1000.jsonl"
    lines = sample.read_text(encoding="utf-8").splitlines()[:40]
    reordered = [json.dumps(dict(reversed(json.loads(line).items())), ensure_ascii=True) for line in lines]
    path = tmp_path / "items.jsonl.gz"
    path.write_bytes(gzip.compress(("\n\n".join(reordered) + "\n").encode()))
    archive = NewsArchive(path)
    assert archive.wait(10) and len(archive) == 40
    first = json.loads(lines[0])
    assert archive.find(url_key(first["url"]))["title"] == first["title"]
    assert sum(len(f.ids) for f in archive.feeds.values()) == 40


def test_host_feed_lists_real_pages_under_replay_links(replay):
    feed = feedparser.parse(io.BytesIO(get(replay, "/feeds/vnexpress.net.rss")[2]))
    assert not feed.bozo and len(feed.entries) == 5
    titles = " ".join(e.title for e in feed.entries)
    assert "Đau bụng kéo dài, phát hiện ung thư lymphoma ruột non" in titles
    for entry in feed.entries:
        assert entry.link.startswith(replay.base_url + "/vnexpress.net/")
        assert get(replay, entry.link, method="HEAD")[0] == 200


def test_several_captures_of_one_url_are_selectable(replay, sha_by_path):
    default = get(replay, replay.url_for("https://dantri.com.vn/"))[2]
    oldest = get(replay, replay.url_for("https://dantri.com.vn/", capture=0))[2]
    assert hashlib.sha256(default).hexdigest() == sha_by_path["pages/vi/listing-pages/dantri_home_2019.html"]
    assert hashlib.sha256(oldest).hexdigest() == sha_by_path["pages/vi/listing-pages/dantri_home_2013.html"]


def test_percent_encoded_paths_and_query_strings_route_to_their_file(replay):
    for url in ("https://www.jungewelt.de/artikel/474126.nationaler-veteranentag-orden-f%C3%BCrs-morden.html",
                "http://entermedia.co.kr/news/news_view.html?idx=8576&page=1&bc=03&mc=08&find=&sch_date=",
                "https://e.vnexpress.net"):
        assert get(replay, replay.url_for(url))[0] == 200, url
    assert get(replay, "/entermedia.co.kr/news/news_view.html?idx=1")[0] == 404


def test_url_map_rows_whose_file_is_missing_are_skipped_not_served_as_errors(replay, shared_data,
                                                                              sha_by_path):
    absent = [r for r in table(shared_data / "crawl" / "url-map.tsv") if r["path"] not in sha_by_path]
    assert sorted(replay.missing) == sorted(r["path"] for r in absent)
    for row in absent:
        status = get(replay, replay.url_for(row["original_url"]))[0]
        assert status in (200, 404)  # 200 only where another capture of the same URL exists


@pytest.mark.parametrize("path", ["/no.such.host/x.html", "/feeds/no.such.host.rss", "/news/x/y.rss",
                                  "/_capture/9/dantri.com.vn/", "/_files/../../etc/passwd", "/_fault/nope"])
def test_unknown_paths_are_404(replay, path):
    assert get(replay, path)[0] == 404


def test_robots_txt_allows_everything(replay):
    for path in ("/robots.txt", "/vnexpress.net/robots.txt"):
        status, _, body = get(replay, path)
        assert (status, body) == (200, b"User-agent: *\nAllow: /\n")


def test_fault_routes_inject_status_redirect_loop_truncation_and_slowness(replay):
    status, headers, _ = get(replay, "/_fault/status/429?retry_after=7")
    assert (status, headers["Retry-After"]) == (429, "7")
    status, headers, _ = get(replay, "/_fault/redirect-loop")
    assert status == 302
    status, back, _ = get(replay, headers["Location"])
    assert status == 302 and back["Location"] == "/_fault/redirect-loop"
    with pytest.raises(http.client.IncompleteRead):
        get(replay, "/_fault/truncate?bytes=1000")
    started = time.monotonic()
    assert len(get(replay, "/_fault/slow?bytes=500&delay=0.4")[2]) == 500
    assert time.monotonic() - started >= 0.35


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::", "example.org"])
def test_refuses_to_bind_a_non_loopback_address(tmp_path, host):
    with pytest.raises(ReplayBindError, match="loopback"):
        ReplayServer(tmp_path, host=host, news=False)


def test_binds_any_loopback_address_and_serves_robots_without_shared_data(tmp_path):
    with ReplayServer(tmp_path, host="127.0.0.7", news=False) as server:
        assert server.base_url.startswith("http://127.0.0.7:")
        assert get(server, "/robots.txt")[0] == 200
        assert get(server, "/")[0] == 200


def test_command_line_rejects_a_public_bind_address_with_a_clear_message(tmp_path, capsys):
    from bantin.replay.main import main

    with pytest.raises(SystemExit) as exited:
        main([str(tmp_path), "--host", "0.0.0.0", "--port", "0"])
    assert exited.value.code == 2
    assert "loopback" in capsys.readouterr().err


def test_a_port_in_use_is_a_bind_error_naming_the_address(tmp_path):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(ReplayBindError, match=f"127.0.0.1:{port}.*in use"):
            ReplayServer(tmp_path, port=port, news=False).start()


def test_command_line_refuses_a_directory_with_nothing_to_serve(tmp_path, capsys):
    from bantin.replay.main import main

    with pytest.raises(SystemExit) as exited:
        main([str(tmp_path), "--port", "0"])
    assert exited.value.code == 2
    assert "nothing to serve" in capsys.readouterr().err
