"""parse_feed on synthetic hostile input (always) and on every real feed in ../shared (when present)."""

from __future__ import annotations

import codecs
import gzip
import html
import io
import json
import random
import re
import time
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from functools import cache
from pathlib import Path

import feedparser
import pytest

from bantin.app.stats import CounterStats
from bantin.feeds import parse as feeds
from bantin.feeds import xmlfeed as feedxml
from bantin.feeds.parse import FeedItem, clean_text, parse_feed
from tests.conftest import SHARED_DATA, requires_shared

FEEDS_DIR = SHARED_DATA / "crawl" / "feeds"
VN = "https://vnexpress.net/rss/tin-moi-nhat.rss"


def rss(items: str, head: str = '<?xml version="1.0" encoding="utf-8"?>', channel: str = "") -> bytes:
    return f'{head}<rss version="2.0"><channel><title>T</title>{channel}{items}</channel></rss>'.encode()


def item(n: int, extra: str = "") -> str:
    return f"<item><title>Tin {n}</title><link>https://baomoi.vn/tin-{n}.html</link>{extra}</item>"


# ---- synthetic: never raise, clear errors -------------------------------------------------------------

@pytest.mark.parametrize("body", [b"", b"   \n\t ", b"\xef\xbb\xbf"])
def test_empty_body_is_an_error_not_an_exception(body: bytes) -> None:
    stats = CounterStats()
    result = parse_feed(body, VN, stats=stats)
    assert result.items == [] and result.kind == "unknown"
    assert result.error is not None and "empty" in result.error
    assert stats.get_value("feed/empty") == 1


def test_html_page_served_as_feed_is_reported_as_html() -> None:
    page = b"<!DOCTYPE html><html><head><title>Trang chu</title></head><body><p>Xin chao</p></body></html>"
    stats = CounterStats()
    result = parse_feed(page, "https://baonghean.vn/rss", content_type="text/html", stats=stats)
    assert result.items == [] and result.error is not None and "HTML page" in result.error
    assert stats.get_value("feed/html_page") == 1


@pytest.mark.parametrize("seed", range(12))
def test_random_binary_never_raises(seed: int) -> None:
    rng = random.Random(seed)
    body = bytes(rng.randrange(256) for _ in range(rng.choice([1, 7, 300, 5000])))
    if seed % 3 == 0:
        body = b"\x1f\x8b" + body  # gzip magic followed by garbage
    if seed % 3 == 1:
        body = b"<rss><channel><item><link>" + body
    result = parse_feed(body, VN)
    assert isinstance(result.items, list)
    assert all(i.url.startswith(("http://", "https://")) for i in result.items)


def test_str_body_is_refused_and_never_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feedparser, "parse", lambda *a, **k: pytest.fail("feedparser got a str"))
    result = parse_feed("https://vnexpress.net/rss/tin-moi-nhat.rss", VN)  # type: ignore[arg-type]
    assert result.error is not None and "bytes" in result.error


def test_feedparser_only_ever_receives_a_bytes_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[object] = []
    real = feedparser.parse

    def spy(source: object, **kwargs: object) -> object:
        seen.append(source)
        return real(source, **kwargs)

    monkeypatch.setattr(feedparser, "parse", spy)
    parse_feed(rss(item(1) + "<item><link>https://a.vn/?a=1&b=2</link></item>"), VN)
    assert seen and all(isinstance(s, io.BytesIO) for s in seen)


def test_truncated_xml_keeps_complete_items_and_drops_a_half_link() -> None:
    full = rss("".join(item(n, "<description>Mô tả dài</description>") for n in range(1, 4)))
    cut_in_link = full[: full.index(b"tin-3.html") + 5]  # ".../tin-3.h"
    stats = CounterStats()
    result = parse_feed(cut_in_link, VN, stats=stats)
    assert [i.url for i in result.items] == ["https://baomoi.vn/tin-1.html", "https://baomoi.vn/tin-2.html"]
    assert result.bozo and stats.get_value("feed/repaired_truncation") == 1


def test_truncated_xml_keeps_a_cut_item_whose_link_is_complete() -> None:
    full = rss("".join(item(n, "<description>Mô tả dài</description>") for n in range(1, 4)))
    cut_in_description = full[: full.rindex(b"M\xc3\xb4 t\xe1\xba\xa3") + 4]
    result = parse_feed(cut_in_description, VN)
    assert [i.title for i in result.items] == ["Tin 1", "Tin 2", "Tin 3"]
    assert result.items[2].url == "https://baomoi.vn/tin-3.html"


def test_unescaped_ampersand_is_repaired_and_link_kept_exact() -> None:
    body = rss('<item><title>A &amp; B</title><link>https://vnexpress.net/x.html?a=1&b=2</link>'
               '<enclosure url="https://i.vnecdn.net/a.jpg?w=1&h=0" type="image/jpeg"/></item>')
    stats = CounterStats()
    result = parse_feed(body, VN, stats=stats)
    assert [(i.url, i.title) for i in result.items] == [("https://vnexpress.net/x.html?a=1&b=2", "A & B")]
    assert result.bozo and stats.get_value("feed/repaired_ampersands") == 1


@pytest.mark.parametrize("junk", [b"\n\n", b"This XML file does not appear to have any style information.\n",
                                  b"\xef\xbb\xbf  \n", b"<!-- cached -->\n", b"\xef\xbb\xbfjunk\n"])
def test_leading_junk_before_the_xml_declaration_is_stripped(junk: bytes) -> None:
    result = parse_feed(junk + rss(item(1) + item(2)), VN)
    assert [i.title for i in result.items] == ["Tin 1", "Tin 2"]


def test_html_entities_in_xml_are_repaired() -> None:
    body = rss("<item><title>Hà&nbsp;Tĩnh &ndash; mưa lớn</title><link>https://a.vn/1</link></item>"
               '<item><title>X</title><link>https://a.vn/2</link><description>a &hellip;</description></item>')
    result = parse_feed(body, VN)
    assert [i.title for i in result.items] == ["Hà Tĩnh – mưa lớn", "X"]
    assert result.items[1].summary == "a …"


def test_oversize_body_is_cut_at_the_bound_and_items_before_it_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feeds, "MAX_FEED_BYTES", 4096)
    body = rss("".join(item(n, "<description>" + "x" * 200 + "</description>") for n in range(200)))
    stats = CounterStats()
    result = parse_feed(body, VN, stats=stats)
    assert 5 < len(result.items) < 20 and result.bozo
    assert stats.get_value("feed/oversize_truncated") == 1


# ---- synthetic: fields -------------------------------------------------------------------------------

def test_links_resolved_against_feed_url_and_xml_base_only_http_kept() -> None:
    body = (b'<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://baohatinh.vn/tin/">'
            b'<title>B</title>'
            b'<entry><title>rel</title><link href="bai-1.html"/></entry>'
            b'<entry><title>abs</title><link href=" https://x.vn/2 \n"/></entry>'
            b'<entry><title>js</title><link href="javascript:alert(1)"/></entry>'
            b'<entry><title>mail</title><link href="mailto:a@b.vn"/></entry></feed>')
    stats = CounterStats()
    result = parse_feed(body, "https://baohatinh.vn/rss/atom.xml", stats=stats)
    assert result.kind == "atom"
    assert [i.url for i in result.items] == ["https://baohatinh.vn/tin/bai-1.html", "https://x.vn/2"]
    assert stats.get_value("feed/item_no_link") == 2


def test_relative_rss_links_resolve_against_the_feed_url() -> None:
    result = parse_feed(rss("<item><title>a</title><link>/thoi-su/a.html</link></item>"
                            "<item><title>empty</title><link></link></item>"), "https://baonghean.vn/rss/x.rss")
    assert [i.url for i in result.items] == ["https://baonghean.vn/thoi-su/a.html"]


def test_summary_html_stripped_entities_decoded_whitespace_collapsed() -> None:
    desc = ('<![CDATA[ <a href="https://vnexpress.net/a.html"><img src="https://i.vn/a.jpg"></a></br>'
            "Ngoại trưởng&nbsp;<b>Israel</b>\n\n cho biết <script>alert(1)</script>&amp; "
            "<p>đoạn hai</p> ]]>")
    result = parse_feed(rss(item(1, f"<description>{desc}</description>")), VN)
    assert result.items[0].summary == "Ngoại trưởng Israel cho biết & đoạn hai"


def test_long_content_is_capped_as_a_summary() -> None:
    long = "chữ " * 5000
    result = parse_feed(rss(item(1, f"<description>{long}</description>")), VN)
    summary = result.items[0].summary
    assert summary is not None and len(summary) <= feeds.MAX_SUMMARY_CHARS + 1 and summary.endswith("…")


def test_zone_less_dates_read_as_vietnam_time_in_vietnamese_feeds() -> None:
    body = rss(item(1, "<pubDate>Thu, 06 Feb 2025 20:30:48</pubDate>")
               + item(2, "<pubDate>Thu, 06 Feb 2025 20:30:48 +0700</pubDate>")
               + item(3, "<pubDate>16/02/2026 08:15</pubDate>"), channel="<language>vi</language>")
    stats = CounterStats()
    result = parse_feed(body, "https://example.org/rss", stats=stats)
    want = datetime(2025, 2, 6, 13, 30, 48, tzinfo=UTC)
    assert [i.published for i in result.items[:2]] == [want, want]
    assert result.items[2].published == datetime(2026, 2, 16, 1, 15, tzinfo=UTC)
    assert all(i.published and i.published.tzinfo == UTC for i in result.items)
    assert stats.get_value("feed/date_no_tz") == 2 and result.language == "vi"


def test_zone_less_dates_read_as_utc_in_foreign_feeds() -> None:
    body = rss(item(1, "<pubDate>Thu, 06 Feb 2025 20:30:48</pubDate>"))
    result = parse_feed(body, "https://example.org/rss")
    assert result.items[0].published == datetime(2025, 2, 6, 20, 30, 48, tzinfo=UTC)


def test_no_author_or_byline_is_kept() -> None:
    body = rss(item(1, "<author>nguyen.van.a@vnexpress.net (Nguyễn Văn A)</author>"
                       "<dc:creator xmlns:dc='http://purl.org/dc/elements/1.1/'>Nguyễn Văn A</dc:creator>"))
    result = parse_feed(body, VN)
    assert set(FeedItem.__dataclass_fields__) == {"url", "title", "summary", "published", "language"}
    assert "Nguyễn" not in repr(result)


def test_duplicate_links_are_collapsed() -> None:
    stats = CounterStats()
    result = parse_feed(rss(item(1) + item(1) + item(2)), VN, stats=stats)
    assert len(result.items) == 2 and stats.get_value("feed/item_dup_url") == 1


def test_billion_laughs_in_a_feed_stays_small_and_fast() -> None:
    ents = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
    body = f'<?xml version="1.0"?><!DOCTYPE rss [{ents}]>'.encode() + rss(item(1, "<description>&j;</description>"), head="")
    stats = CounterStats()
    started = time.monotonic()
    result = parse_feed(body, VN, stats=stats)
    assert time.monotonic() - started < 1.0 and stats.get_value("feed/entity_dtd_removed") == 1
    assert [i.title for i in result.items] == ["Tin 1"] and len(result.items[0].summary or "") < 100


def _to_cp1258(text: str) -> bytes:
    """windows-1258 has few precomposed letters: keep base letters, put tone marks as combining marks."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            nfd = unicodedata.normalize("NFD", ch)
            tones = "".join(c for c in nfd if c in "\u0300\u0301\u0303\u0309\u0323")
            base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in tones))
            out += (base + tones).encode("cp1258")
    return bytes(out)


VI_TITLES = ["Mưa lớn gây ngập nhiều tuyến phố ở Hà Tĩnh", "Nghệ An đẩy mạnh chuyển đổi số trong y tế",
             "Hưng Yên khởi công cầu vượt sông Hồng", "Giá vàng hôm nay tăng mạnh, người dân đổ xô đi mua"]


@pytest.mark.parametrize("declared", [True, False])
def test_windows_1258_feed_decodes_to_nfc_vietnamese(declared: bool) -> None:
    head = '<?xml version="1.0" encoding="windows-1258"?>' if declared else ""
    body = head + "<rss><channel><title>Báo Hà Tĩnh - Tin mới</title>" + "".join(
        f"<item><title>{t}</title><link>https://baohatinh.vn/{n}.html</link>"
        f"<description>{t} — bài viết số {n} về đời sống người dân địa phương.</description></item>"
        for n, t in enumerate(VI_TITLES)) + "</channel></rss>"
    stats = CounterStats()
    result = parse_feed(_to_cp1258(body), "https://baohatinh.vn/rss/tin-moi.rss", stats=stats)
    assert [i.title for i in result.items] == VI_TITLES
    assert result.title == "Báo Hà Tĩnh - Tin mới" and feedxml._codec(result.encoding or "") == "cp1258"
    assert all(unicodedata.is_normalized("NFC", i.summary or "") for i in result.items)
    assert result.bozo is (not declared)
    assert stats.get_value("feed/charset_redetected") == (None if declared else 1)


def test_utf8_feed_mislabelled_latin1_is_read_as_utf8() -> None:
    body = rss("".join(f"<item><title>{t}</title><link>https://a.vn/{n}</link></item>"
                       for n, t in enumerate(VI_TITLES)), head='<?xml version="1.0" encoding="iso-8859-1"?>')
    result = parse_feed(body, VN)
    assert [i.title for i in result.items] == VI_TITLES and result.bozo


def test_utf16_feed_without_bom() -> None:
    body = rss(item(1), head='<?xml version="1.0" encoding="utf-16"?>').decode().encode("utf-16-be")
    assert [i.title for i in parse_feed(body, VN).items] == ["Tin 1"]


# ---- real data: the RSS sample, VnExpress, hostile index, every feed, conformance ----------------------

@cache
def _parsed(path: str, content_type: str | None = None) -> tuple[feeds.FeedResult, dict[str, int]]:
    stats = CounterStats()
    return parse_feed(Path(path).read_bytes(), VN, content_type, stats=stats), stats.get_stats()


_ITEM_BLOCK = re.compile(r"<((?:[\w.-]+:)?(?:item|entry))[\s>].*?(?:</\1\s*>|$)", re.S)
_LINK = re.compile(r"<link[^>]*>\s*(?:<!\[CDATA\[)?\s*([^<\s\]]+)\s*(?:\]\]>)?\s*</link>|<link\b(?![^>]*\brel=[\"'](?!alternate))[^>]*\bhref=[\"']([^\"']+)")
_GUID = re.compile(r"<(?:guid|id)[^>]*>\s*(https?://[^<\s]+)|rdf:about=\"(https?://[^\"]+)\"")


def _markup_text(raw: bytes) -> str:
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                       (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            return raw.decode(codec, "replace")
    for codec in ("utf-32-be", "utf-32-le", "utf-16-be", "utf-16-le") if b"\x00" in raw[:4] else ():
        if (text := raw.decode(codec, "ignore")).lstrip()[:1] == "<":
            return text
    return raw.decode("latin-1")  # markup is ASCII in every other charset here


def expected_items(raw: bytes) -> int:
    """Independent count: distinct links of <item>/<entry> blocks (a cut-off last block counts if its link
    is complete), by regex on the raw markup rather than by any XML parser."""
    links = set()
    for block in _ITEM_BLOCK.finditer(_markup_text(raw)):
        if (m := _LINK.search(block.group(0)) or _GUID.search(block.group(0))) is not None:
            links.add(html.unescape(next(g for g in m.groups() if g)))
    return len(links)


def _all_feed_files() -> list[Path]:
    if not FEEDS_DIR.is_dir():
        return []
    return sorted(p for p in FEEDS_DIR.rglob("*") if p.is_file() and not p.name.startswith("LICENSE"))


# Files in feeds/ that are not feeds at all (0 items is the right answer, with a clear error).
NOT_FEEDS = {
    "legacy-encodings/chardet/CP932/hardsoft.at.webry.info.xml": "an XHTML blog page captured as a feed",
    "conformance/miniflux-encoding/encoding_iso-8859-1.html": "charset fixture: an HTML page",
    "conformance/miniflux-encoding/encoding_iso-8859-1-meta-after-1024.html": "charset fixture: an HTML page",
    "conformance/miniflux-encoding/encoding_utf8.html": "charset fixture: an HTML page",
    "conformance/miniflux-encoding/encoding_utf8-meta-after-1024.html": "charset fixture: an HTML page",
    "conformance/miniflux-encoding/xml_iso88591.xml": "charset fixture: a <note> document",
    "conformance/miniflux-encoding/xml_iso88591_utf8_mismatch.xml": "charset fixture: a <note> document",
    "conformance/feedparser/illformed/rss_empty_document.xml": "only a comment",
    "conformance/feedparser/illformed/rss_incomplete_cdata.xml": "the only item is cut inside its title",
}


@requires_shared
@pytest.mark.parametrize("path", _all_feed_files(), ids=lambda p: str(p.relative_to(FEEDS_DIR)))
def test_every_shared_feed_parses_and_recovers_every_linked_item(path: Path) -> None:
    result, stats = _parsed(str(path))
    rel = str(path.relative_to(FEEDS_DIR))
    if rel in NOT_FEEDS:
        assert result.items == [] and result.error, NOT_FEEDS[rel]
        return
    assert result.error is None, result.error
    raw = path.read_bytes()
    if result.kind in ("rss", "atom", "rdf"):
        assert len(result.items) == expected_items(raw)
        assert stats.get("feed/items_unrecovered", 0) == 0
    assert all(i.url.startswith(("http://", "https://")) and i.url.strip() == i.url for i in result.items)
    assert all(i.published is None or i.published.tzinfo == UTC for i in result.items)
    for i in result.items:
        for text in (i.title, i.summary):
            assert text is None or (unicodedata.is_normalized("NFC", text) and "  " not in text)


VNEXPRESS = {
    "vnexpress_the-gioi_2025-02-06_1item.xml": 1,
    "vnexpress_tin-moi-nhat_2017-02-18_chrome-view.xml": 25,
    "vnexpress_tin-moi-nhat_2017-04-19_chrome-view.xml": 25,
    "vnexpress_tin-moi-nhat_2017-07-26_chrome-view.xml": 25,
    "vnexpress_tin-moi-nhat_2017-08-30_chrome-view.xml": 25,
    "vnexpress_tin-moi-nhat_2017-11-14_chrome-view_with-banner.xml": 25,
    "vnexpress_tin-moi-nhat_2019-02-14.rss": 25,
    "vnexpress_tin-moi-nhat_2019-02-18.rss": 25,
}


@requires_shared
@pytest.mark.parametrize("name", sorted(VNEXPRESS))
def test_vnexpress_feeds_give_every_item_with_vietnamese_titles_and_dates(name: str) -> None:
    path = FEEDS_DIR / "vi" / "vnexpress" / name
    raw = path.read_bytes()
    result, stats = _parsed(str(path), "application/rss+xml; charset=utf-8")
    assert stats["feed/entries"] == VNEXPRESS[name] == len(re.findall(rb"<item>", raw))
    # the banner capture has one real placeholder <item> with no title and no link: nothing to crawl
    placeholders = len(re.findall(rb"<item>\s*<title\s*/>", raw))
    assert len(result.items) == VNEXPRESS[name] - placeholders == expected_items(raw)
    assert result.kind == "rss" and result.title and result.title.endswith("VnExpress RSS")
    raw_titles = [unicodedata.normalize("NFC", " ".join(html.unescape(t).split()))
                  for t in re.findall(r"<title>\s*([^<]+?)\s*</title>", raw.decode())[2:]]
    assert [i.title for i in result.items] == raw_titles
    dates = [parsedate_to_datetime(d.strip()) for d in re.findall(r"<pubDate>([^<]+)</pubDate>", raw.decode())[1:]]
    assert [i.published for i in result.items] == [d.astimezone(UTC) for d in dates][: len(result.items)]
    assert all(re.match(r"https?://([\w-]+\.)?vnexpress\.net/", i.url) for i in result.items)
    if name != "vnexpress_tin-moi-nhat_2019-02-14.rss":  # that day's feed is all English headlines
        assert sum(bool(re.search(r"[ăâđơư\u1ea0-\u1ef9]", i.title or "")) for i in result.items) > len(
            result.items) // 2


def _hostile_feed_rows() -> list[tuple[str, str, str]]:
    index = SHARED_DATA / "crawl" / "hostile-index.tsv"
    if not index.is_file():
        return []
    rows = [line.split("\t") for line in index.read_text().splitlines()[1:]]
    return [(r[0], r[1], r[2]) for r in rows if r[0].startswith("feeds/")]


@requires_shared
@pytest.mark.parametrize(("rel", "kind", "detail"), _hostile_feed_rows(), ids=lambda v: str(v)[:60])
def test_hostile_index_feeds_recover_their_items(rel: str, kind: str, detail: str) -> None:
    target = SHARED_DATA / "crawl" / rel
    paths = sorted(p for p in target.rglob("*") if p.suffix == ".xml") if target.is_dir() else [target]
    assert paths
    for path in paths:
        result, _ = _parsed(str(path))
        if str(path.relative_to(FEEDS_DIR)) in NOT_FEEDS:
            continue
        if kind != "conformance":
            assert result.error is None and len(result.items) == expected_items(path.read_bytes()) > 0
        if kind == "not-well-formed" and "multi-byte" not in detail:  # expat-only: feedparser transcodes
            assert result.bozo
        if kind == "legacy-charset":
            name = path.parent.name.replace("MacCyrillic", "mac-cyrillic")
            true = m.group(1) if (m := re.match(r"(iso-8859-\d+|windows-\d+)-", name)) else name
            assert _same_charset(result.encoding or "", true), (path, result.encoding)
            _assert_first_title_matches(path.read_bytes(), true, result)


_FAMILIES = [{"big5", "big5hkscs", "cp950"}, {"shift_jis", "cp932"}, {"euc_kr", "cp949"},
             {"gb2312", "gbk", "gb18030"}, {"tis-620", "cp874"}, {"ascii", "utf-8"}]


def _same_charset(a: str, b: str) -> bool:
    a, b = (feedxml._codec(x) or x.lower() for x in (a, b))
    return a == b or any(a in f and b in f for f in _FAMILIES)


def _assert_first_title_matches(raw: bytes, charset: str, result: feeds.FeedResult) -> None:
    """The first item's title, decoded independently with the true charset, equals ours."""
    block = _ITEM_BLOCK.search(raw.decode("latin-1"))
    m = re.search(r"<title[^>]*>(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?</title>", block.group(0), re.S) if block else None
    if m is None or not result.items:
        return
    want = clean_text(html.unescape(m.group(1).encode("latin-1").decode(charset, "replace")))
    assert result.items[0].title == want


@requires_shared
def test_real_rss_items_round_trip_through_a_feed(shared_data: Path) -> None:
    """999 real VnExpress/Thanh Niên/Tuổi Trẻ items, served as RSS 2.0 the way those sites write it."""
    rows = [json.loads(line) for line in (shared_data / "news" / "rss_articles_sample1000.jsonl").open()]
    body = ['<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Tổng hợp</title>']
    for r in rows:
        pub = datetime.fromisoformat(r["published"])
        date = "" if r["source"] == "Tuổi Trẻ" else f"<pubDate>{pub.strftime('%a, %d %b %Y %H:%M:%S +0700')}</pubDate>"
        body.append(f"<item><title>{html.escape(r['title'])}</title><link>{html.escape(r['url'])}</link>"
                    f'<description><![CDATA[<a href="{r["url"]}"><img src="x.jpg"></a></br>{r["summary"]}]]>'
                    f"</description>{date}<guid>{html.escape(r['url'])}</guid></item>")
    body.append("</channel></rss>")
    result = parse_feed("".join(body).encode(), "https://tonghop.example.vn/rss")
    assert len(result.items) == len(rows) == 999
    assert [i.title for i in result.items] == [" ".join(html.unescape(r["title"]).split()) for r in rows]
    assert [i.url for i in result.items] == [r["url"] for r in rows]
    assert [i.summary for i in result.items] == [" ".join(html.unescape(r["summary"]).split()) or None for r in rows]
    ict = timezone(timedelta(hours=7))
    for i, r in zip(result.items, rows, strict=True):
        pub = datetime.fromisoformat(r["published"]).astimezone(ict).replace(microsecond=0)
        assert i.published == (None if r["source"] == "Tuổi Trẻ" else pub.astimezone(UTC))


def test_gzip_feed_body_is_inflated() -> None:
    assert [i.title for i in parse_feed(gzip.compress(rss(item(7))), VN).items] == ["Tin 7"]


def test_php_warnings_before_the_declaration_are_stripped() -> None:
    junk = b"<br />\n<b>Warning</b>: Undefined index in <b>/var/www/rss.php</b> on line <b>12</b><br />\n"
    stats = CounterStats()
    result = parse_feed(junk + rss(item(1)), VN, stats=stats)
    assert [i.title for i in result.items] == ["Tin 1"] and result.bozo
    assert stats.get_value("feed/leading_junk_stripped") == 1


@pytest.mark.parametrize("bom", [b"", codecs.BOM_UTF8])
def test_one_broken_byte_in_a_utf8_feed_does_not_garble_every_title(bom: bytes) -> None:
    items = "".join(f"<item><title>{t}</title><link>https://a.vn/{n}</link></item>" for n, t in enumerate(VI_TITLES))
    body = bom + rss(items, channel="<description>Espa\xf1a</description>").replace("ñ".encode(), b"\xf1")
    stats = CounterStats()
    result = parse_feed(body, "https://baohatinh.vn/rss", stats=stats)
    assert [i.title for i in result.items] == VI_TITLES and result.encoding == "utf-8" and result.bozo
    assert stats.get_value("feed/utf8_broken_bytes_replaced") == 1


def test_latin1_feed_mislabelled_utf8_is_still_read_as_latin1() -> None:
    body = rss("<item><title>España café crème</title><link>https://a.es/1</link></item>").replace(
        "ñ".encode(), b"\xf1").replace("é".encode(), b"\xe9").replace("è".encode(), b"\xe8")
    stats = CounterStats()
    result = parse_feed(body, "https://a.es/rss", stats=stats)
    assert [i.title for i in result.items] == ["España café crème"] and result.bozo
    assert stats.get_value("feed/utf8_broken_bytes_replaced") is None
