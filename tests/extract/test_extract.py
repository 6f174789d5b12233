"""extract_article on real Vietnamese pages, hostile input, and the ``bantin extract`` JSON helper."""

from __future__ import annotations

import dataclasses
import gzip
import json
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bantin.app.stats import CounterStats
from bantin.cli.extract import ExtractError, extract_to_json
from bantin.extract import article as extract_mod
from bantin.extract.article import MAX_HTML_BYTES, ExtractedArticle, extract_article

VNE_URL = "https://vnexpress.net/dau-bung-keo-dai-phat-hien-ung-thu-lymphoma-ruot-non-4954454.html"


@pytest.fixture(scope="module")
def vne(shared_data: Path) -> tuple[bytes, dict]:
    folder = shared_data / "crawl/pages/vi/fundus-vnexpress-2025"
    gold = next(iter(json.loads((folder / "VnExpress.json").read_text(encoding="utf-8")).values()))
    return gzip.decompress((folder / "VnExpress_2025_10_22.html.gz").read_bytes()), gold


def _f1(pred: str, gold: str) -> float:
    p, g = Counter(pred.split()), Counter(gold.split())
    overlap = sum((p & g).values())
    return 0.0 if not overlap else 2 * overlap / (sum(p.values()) + sum(g.values()))


def test_vnexpress_article_matches_fundus_gold(vne):
    body, gold = vne
    stats = CounterStats()
    art = extract_article(body, VNE_URL, "text/html; charset=utf-8", stats=stats)
    paragraphs = gold["body"]["summary"] + [p for s in gold["body"]["sections"] for p in s["paragraphs"]]
    assert art.title == gold["title"]
    assert art.text.split("\n")[0] == gold["body"]["summary"][0]  # the sa-pô is restored first
    assert _f1(art.text, "\n".join(paragraphs)) > 0.95
    assert art.published == datetime(2025, 10, 22, 19, 25, 52, tzinfo=UTC) + timedelta(hours=-7)
    assert art.published.utcoffset() == timedelta(hours=7)
    assert art.language == "vi" and art.canonical_url == VNE_URL and art.error is None
    assert stats.get_value("extract/lead_added") == 1


def test_result_carries_no_author_fields():
    names = {f.name for f in dataclasses.fields(ExtractedArticle)}
    assert not {n for n in names if "author" in n or "byline" in n}
    assert {"url", "canonical_url", "aliases", "title", "text", "published", "language", "description"} <= names


def test_htmldate_ground_truth_page_gets_its_publication_date(shared_data):
    folder = shared_data / "crawl/pages/vi/htmldate-vnexpress-2023"
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    art = extract_article((folder / truth["file"]).read_bytes(), truth["url"])
    assert art.published is not None and art.published.date().isoformat() == truth["date"]
    assert art.published.tzinfo is not None and art.language == "vi"


@pytest.mark.parametrize("name", ["vnexpress_doi-song_3878849.html", "vnexpress_thoi-su_3882669.html",
                                  "vnexpress_4426992_2022_reformatted.html"])
def test_older_vnexpress_layouts_give_vietnamese_body(shared_data, name):
    art = extract_article((shared_data / "crawl/pages/vi/articles-no-gt" / name).read_bytes(), "https://vnexpress.net/x.html")
    assert len(art.text) > 1000 and art.title and art.language == "vi"
    assert "\n" in art.text and "  " not in art.text


def test_lying_lang_attribute_does_not_make_vietnamese_english(vne):
    body = vne[0].replace(b"<html", b'<html lang="en"', 1)
    assert extract_article(body, VNE_URL).language == "vi"


def test_requested_final_and_canonical_urls_become_aliases(vne):
    art = extract_article(vne[0], VNE_URL + "?utm_source=zalo", requested_url="https://vnexpress.net/4954454")
    assert art.canonical_url == VNE_URL
    assert art.aliases == ["https://vnexpress.net/4954454"]


def test_naive_dates_are_vietnam_time_on_vn_hosts_and_utc_elsewhere():
    page = (
        '<html><head><meta property="article:published_time" content="2024-05-06T08:30:00"><title>Tin</title>'
        "</head><body><article><p>" + "Nội dung bài báo về tỉnh Hưng Yên. " * 30 + "</p></article></body></html>"
    ).encode()
    vn = extract_article(page, "https://baohungyen.vn/tin-1.html").published
    assert vn is not None and vn.utcoffset() == timedelta(hours=7) and vn.hour == 8
    other = extract_article(page.replace("Hưng Yên".encode(), b"X").replace("Nội dung bài báo về tỉnh".encode(), b"News of"),
                            "https://example.com/a").published
    assert other is not None and other.utcoffset() == timedelta(0)


def test_feed_hint_fills_missing_title_and_date():
    page = b"<html><body><p>" + b"short " * 5 + b"</p></body></html>"
    stats = CounterStats()
    hint = {"title": "Tiêu đề từ RSS", "published": datetime(2025, 1, 2, 3, 4, tzinfo=UTC), "summary": "Tóm tắt"}
    art = extract_article(page, "https://example.com/a", feed_hint=hint, stats=stats)
    assert art.title == "Tiêu đề từ RSS" and art.published == hint["published"] and art.description == "Tóm tắt"
    assert stats.get_value("extract/title_from_feed") == 1


def test_windows_1258_page_is_decoded_and_composed(shared_data):
    para = (shared_data / "crawl/pages/encodings/vi-uchardet/windows-1258.txt").read_bytes()
    page = b"<html><head><title>" + para[:40] + b"</title></head><body><article><p>" + para * 5 + b"</p></article></body></html>"
    art = extract_article(page, "https://baohungyen.vn/a.html")
    assert art.encoding == "cp1258" and art.title and art.title.startswith("Chữ Quốc ngữ")
    assert "Chữ Quốc ngữ là hệ chữ viết" in art.text


@pytest.mark.parametrize("garbage", [b"", b"   \n", bytes(range(256)) * 100, b"\x89PNG\r\n\x1a\n" + b"\0" * 500, b"{}"])
def test_garbage_gives_empty_result_with_error_instead_of_raising(garbage):
    stats = CounterStats()
    art = extract_article(garbage, "https://baohungyen.vn/a.html", stats=stats)
    assert art.text == "" and art.error and art.title is None
    assert stats.get_value("extract/no_body") == 1


@pytest.mark.slow
def test_three_megabyte_page_extracts_the_same_article(vne, shared_data):
    body = vne[0]
    listing = (shared_data / "crawl/pages/vi/listing-pages/dantri_home_2019.html").read_bytes()
    cut = body.rfind(b"</body>")
    padded = body[:cut] + b'<div class="footer">' + listing * 16 + b"</div>" + body[cut:]
    assert len(padded) > 3_000_000
    start = time.perf_counter()
    art = extract_article(padded, VNE_URL)
    assert time.perf_counter() - start < 60
    assert art.text == extract_article(body, VNE_URL).text


def test_oversized_body_is_truncated_not_rejected(vne, monkeypatch):
    monkeypatch.setattr(extract_mod, "MAX_HTML_BYTES", 200_000)
    stats = CounterStats()
    art = extract_article(vne[0] + b"<!--" + b"x" * 300_000 + b"-->", VNE_URL, stats=stats)
    assert stats.get_value("extract/truncated") == 1 and art.title
    assert MAX_HTML_BYTES >= 3 * 1024 * 1024


def test_extract_to_json_reads_gzip_and_plain_files(shared_data, tmp_path):
    gz = shared_data / "crawl/pages/vi/fundus-vnexpress-2025/VnExpress_2025_10_22.html.gz"
    result = extract_to_json(str(gz), VNE_URL)
    assert result["title"].startswith("Đau bụng kéo dài") and result["language"] == "vi"
    assert result["published"] == "2025-10-22T19:25:52+07:00" and result["canonical_url"] == VNE_URL
    plain = tmp_path / "page.html"
    plain.write_bytes(gzip.decompress(gz.read_bytes()))
    assert extract_to_json(str(plain), VNE_URL)["text"] == result["text"]
    json.dumps(result)  # serialisable as is


def test_extract_to_json_missing_file_raises_extract_error(tmp_path):
    with pytest.raises(ExtractError):
        extract_to_json(str(tmp_path / "nope.html"), None)


def test_extract_to_json_fetches_urls_through_fetch_urls(vne, monkeypatch):
    from bantin.fetch import oneoff as fetch
    calls = []

    def fake_fetch_urls(urls, settings):
        calls.append(urls)
        return {urls[0]: fetch.FetchResult(urls[0], VNE_URL, 200, {"Content-Type": "text/html; charset=utf-8"}, vne[0], None, 0.1)}

    monkeypatch.setattr(fetch, "fetch_urls", fake_fetch_urls)
    result = extract_to_json("https://vnexpress.net/4954454", None)
    assert calls == [["https://vnexpress.net/4954454"]]
    assert result["url"] == VNE_URL and result["aliases"] == ["https://vnexpress.net/4954454"]


def test_extract_to_json_reports_fetch_errors(monkeypatch):
    from bantin.fetch import oneoff as fetch
    monkeypatch.setattr(fetch, "fetch_urls", lambda urls, s: {urls[0]: fetch.FetchResult(urls[0], urls[0], 404, {}, b"", None, 0.1)})
    with pytest.raises(ExtractError, match="404"):
        extract_to_json("https://vnexpress.net/missing", None)
