"""feedparser's and miniflux's encoding/ill-formed fixtures (../shared/data/crawl/feeds/conformance) against
bantin's FeedItem output: every stated expectation is asserted, or listed in SKIPPED_EXPECTATIONS with why.

feedparser fixtures state theirs in a leading comment ("Expect: not bozo and encoding == 'utf-16be'"), in the
fixture's own encoding (UTF-16/32 for a fifth of them), so the comment is read from the properly decoded
text. miniflux fixtures state none in the file: MINIFLUX says which charset their bytes are really in.
"""

from __future__ import annotations

import codecs
import html
import re
from collections import Counter
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from bantin.feeds.parse import FeedResult, clean_text, parse_feed
from tests.conftest import requires_shared
from tests.feeds.test_feeds import FEEDS_DIR, _all_feed_files, _same_charset

# Characters of the decoded fixture searched for its comment (the longest leading comment is ~400).
HEAD_CHARS = 2000
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))  # UTF-32 LE before UTF-16 LE
_ZERO_PATTERNS = ((b"\x00\x00\x00<", "utf-32-be"), (b"<\x00\x00\x00", "utf-32-le"),
                  (b"\x00<\x00", "utf-16-be"), (b"<\x00", "utf-16-le"))  # XML 1.0 appendix F
_DECLARED = re.compile(rb"\s*<\?xml[^>]*?encoding\s*=\s*[\"']([\w.:-]+)")

# Expectations about things bantin does not model (FeedItem is url, title, summary, published, guid,
# language; FeedResult adds bozo, encoding, kind, title): counted, never silently passed.
SKIPPED_EXPECTATIONS = {
    r"isinstance\(bozo_exception, feedparser\.CharacterEncodingOverride\)":
        "bantin exposes bozo (asserted) and the encoding it used, not feedparser's exception class",
    r"entries\[0\](?:\.get\('where'\)|\['where'\]).*":
        "GeoRSS/GML location: FeedItem has no location field (bantin does not store geometry)",
}
# Where bantin deliberately gives another value than feedparser: (fixture, feedparser's clause) → (the clause
# bantin meets instead, why). Asserted like any other clause, and counted.
_BROKEN_UTF8 = ("a feed declared UTF-8 with a broken byte stays UTF-8, the byte U+FFFD "
                "(xmlfeed.MIN_VALID_PER_BROKEN_UTF8); feedparser re-reads the whole feed in a legacy charset")
BANTIN_DIFFERS = {
    ("bozo_linenoise.xml", r"entries[0].summary == '\xe2\u20ac\u2122\xe2\u20ac\x9d\u0160'"):
        (r"entries[0].summary == '\u2019<>\u201d\ufffd'", _BROKEN_UTF8 + "; the CDATA's literal \"<>\" is text"),
}
# Clauses bantin meets beyond the fixture's own: fixture → [(clause, why)].
_GEO = "the entry still becomes one FeedItem; its location is ignored"
BANTIN_ADDS = {
    "bozo_invalid-bytes-with-bom.xml": [
        (r"feed['title'] == 'Valid UTF8: \u0468Invalid UTF8: Espa\ufffda'", _BROKEN_UTF8)],
    "georss_point_no_coords.xml": [("len(entries) == 1", _GEO)],
    "georss_polygon_insufficient_coords.xml": [("len(entries) == 1", _GEO)],
    "gml_point.xml": [("len(entries) == 1", _GEO)],
}
# miniflux fixture → the charset its bytes are really in (miniflux/v2 reader/encoding tests), None: not a feed.
MINIFLUX = {
    "encoding_invalid-prolog.xml": "utf-8", "encoding_iso-8859-1.xml": "iso-8859-1", "encoding_koi8r.xml": "koi8-r",
    "encoding_utf8-incorrect-prolog.xml": "utf-8", "encoding_utf8.xml": "utf-8",
    "encoding_windows-1252-incorrect-prolog.xml": "utf-8", "encoding_windows-1252.xml": "windows-1252",
    "xml_koi8r.xml": "koi8-r", "encoding_iso-8859-1.html": None, "encoding_iso-8859-1-meta-after-1024.html": None,
    "encoding_utf8.html": None, "encoding_utf8-meta-after-1024.html": None, "xml_iso88591.xml": None,
    "xml_iso88591_utf8_mismatch.xml": None,
}


def _detect(raw: bytes) -> tuple[int, str]:
    """(BOM length, codec) as an XML parser finds them: BOM, then the zero-byte pattern of "<" (UTF-32/16),
    then the XML declaration's encoding, else UTF-8."""
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            return len(bom), codec
    for pattern, codec in _ZERO_PATTERNS:
        if raw.startswith(pattern):
            return 0, codec
    if (m := _DECLARED.match(raw)) is not None:
        try:
            return 0, codecs.lookup(m.group(1).decode("ascii")).name
        except LookupError:
            pass  # encoding="invalid": the bytes decide
    return 0, "utf-8"


def fixture_text(raw: bytes) -> str:
    """The fixture decoded as an XML parser would (bytes that do not decode are replaced)."""
    skip, codec = _detect(raw)
    return raw[skip:].decode(codec, "replace")


def expectation(text: str) -> tuple[str | None, str | None]:
    """(Expect clause, Content-type header) from a feedparser fixture's leading comment."""
    head = text[:HEAD_CHARS]
    expect, header = re.search(r"Expect:\s*(.*)", head), re.search(r"Header:\s*Content-type:\s*(.*)", head, re.I)
    return (expect.group(1).strip() if expect else None), (header.group(1).strip() if header else None)


def _with_links(text: str) -> str:
    """Give link-less fixture items a link so that their text fields reach FeedItem."""
    text = text.replace("<item>", "<item><link>http://example.com/i</link>")
    return text.replace("<entry>", '<entry><link href="http://example.com/i"/>')


def _reencoded(raw: bytes, text: str) -> bytes:
    """``_with_links`` applied in the fixture's own encoding; ASCII-compatible fixtures are edited as bytes
    so that their (deliberately) invalid bytes stay as they are."""
    skip, codec = _detect(raw)
    if codec.startswith(("utf-16", "utf-32")):
        return raw[:skip] + _with_links(text).encode(codec)
    return raw.replace(b"<item>", b"<item><link>http://example.com/i</link>").replace(
        b"<entry>", b'<entry><link href="http://example.com/i"/>')


def _unescape(literal: str) -> str:
    """A Python string literal's body from the comment ("don\\u2019t") → its value."""
    return literal.encode("latin-1", "backslashreplace").decode("unicode_escape")


def _check(clause: str, result: FeedResult, text: str, name: str) -> str:
    """Assert one clause on bantin's output; the clause's kind (for the tally), or 'skipped: reason'."""
    for pattern, reason in SKIPPED_EXPECTATIONS.items():
        if re.fullmatch(pattern, clause):
            return f"skipped: {reason}"
    if clause == "not bozo":
        assert not result.bozo
        return "bozo flag"
    if clause == "bozo":
        assert result.bozo
        return "bozo flag"
    if m := re.fullmatch(r"encoding == '([^']+)'", clause):
        assert _same_charset(result.encoding or "", m.group(1)), (result.encoding, m.group(1))
        return "encoding"
    if m := re.fullmatch(r"feed\['title'\] == '(.*)'", clause):
        assert result.title == _unescape(m.group(1))
        return "feed title"
    if m := re.fullmatch(r"entries\[0\](?:\['description'\]|\.summary) == '(.*)'", clause):
        # FeedItem.summary is text: markup dropped, entities decoded
        assert result.items[0].summary == clean_text(_unescape(m.group(1)))
        return "item summary"
    if m := re.fullmatch(r"ord\(entries\[0\]\['description'\]\) == (\d+)", clause):
        assert result.items[0].summary == chr(int(m.group(1)))
        return "item summary"
    if m := re.fullmatch(r"entries\[0\]\.link == '(.*)'", clause):
        assert result.items[0].url == m.group(1)
        return "item link"
    if m := re.fullmatch(r"len\(entries\) == (\d+)", clause):
        assert len(result.items) == int(m.group(1))
        return "item count"
    if clause == "1":  # feedparser: "does not crash"; bantin: parses, every item recovered, text without markup
        assert result.error is None
        assert len(result.items) == len(re.findall(r"<(?:item|entry)[\s>]", text))
        assert all(i.summary is None or not re.search(r"<\w|&\w+;", i.summary) for i in result.items)
        return "parses (feedparser crash case)"
    pytest.fail(f"expectation {clause!r} is neither asserted nor listed in SKIPPED_EXPECTATIONS")


def _feedparser_files() -> list[Path]:
    return [p for p in _all_feed_files() if "conformance" in p.parts and p.parent.name != "miniflux-encoding"]


def _miniflux_files() -> list[Path]:
    return [p for p in _all_feed_files() if p.parent.name == "miniflux-encoding"]


def check_feedparser_case(path: Path) -> list[str]:
    raw = path.read_bytes()
    text = fixture_text(raw)
    expect, header = expectation(text)
    assert expect, f"{path.name}: no Expect: comment in the decoded fixture"
    result = parse_feed(_reencoded(raw, text), "https://example.org/feed", content_type=header)
    kinds = []
    for clause in re.split(r"\s+and\s+", expect):
        if (path.name, clause) in BANTIN_DIFFERS:
            clause, why = BANTIN_DIFFERS[path.name, clause]
            kinds.append(f"differs from feedparser on purpose (asserted): {why}")
        kinds.append(_check(clause, result, text, path.name))
    for clause, why in BANTIN_ADDS.get(path.name, []):
        kinds.append(_check(clause, result, text, path.name))
        kinds.append(f"extra bantin assertion: {why}")
    return kinds


def check_miniflux_case(path: Path) -> list[str]:
    true = MINIFLUX[path.name]
    raw = path.read_bytes()
    result = parse_feed(_reencoded(raw, raw.decode(true or "latin-1")), "https://example.org/feed")
    if true is None:
        assert result.items == [] and result.error, "not a feed: no items and a clear error"
        return ["not a feed"]
    text = raw.decode(true)
    titles = [clean_text(html.unescape(t)) for t in re.findall(r"<title>(.*?)</title>", text, re.S)]
    assert _same_charset(result.encoding or "", true), (result.encoding, true)
    assert result.title == titles[0] and [i.title for i in result.items] == titles[1:]
    dates = [parsedate_to_datetime(d) for d in re.findall(r"<pubDate>(.*?)</pubDate>", text)]
    assert [i.published for i in result.items if i.published] == dates
    return ["encoding", "feed and item titles"] + (["item dates"] if dates else [])


@requires_shared
@pytest.mark.parametrize("path", _feedparser_files(), ids=lambda p: str(p.relative_to(FEEDS_DIR / "conformance")))
def test_feedparser_fixture_meets_its_stated_expectation(path: Path) -> None:
    check_feedparser_case(path)


@requires_shared
@pytest.mark.parametrize("path", _miniflux_files(), ids=lambda p: p.name)
def test_miniflux_fixture_decodes_to_the_text_its_true_charset_gives(path: Path) -> None:
    check_miniflux_case(path)


def tally() -> tuple[int, Counter[str]]:
    """(cases, how many cases assert each kind of expectation, or skip it with which reason)."""
    kinds: Counter[str] = Counter()
    files = _feedparser_files() + _miniflux_files()
    for path in files:
        found = check_feedparser_case(path) if path in _feedparser_files() else check_miniflux_case(path)
        kinds.update(set(found))
    return len(files), kinds


@requires_shared
def test_every_case_asserts_something_or_says_why_not() -> None:
    cases, kinds = tally()
    assert cases == len([p for p in _all_feed_files() if "conformance" in p.parts]) == 115
    assert set(MINIFLUX) == {p.name for p in _miniflux_files()}
    skipped = {k: n for k, n in kinds.items() if k.startswith("skipped")}
    assert sum(skipped.values()) == 4  # one CharacterEncodingOverride clause, three GeoRSS cases
    print(f"\n{cases} conformance cases; cases per kind of expectation:")
    for kind, n in sorted(kinds.items(), key=lambda kv: -kv[1]):
        print(f"  {n:3d}  {kind}")


def test_fixture_text_reads_utf16_and_utf32_comments() -> None:
    comment = "<?xml version='1.0' encoding='utf-16be'?>\n<!--\nExpect: not bozo and encoding == 'utf-16be'\n--><rss/>"
    for codec in ("utf-16-be", "utf-16-le", "utf-32-be", "utf-32-le"):
        assert expectation(fixture_text(comment.encode(codec)))[0] == "not bozo and encoding == 'utf-16be'"
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF32_BE, "utf-32-be")):
        assert expectation(fixture_text(bom + comment.encode(codec)))[0] == "not bozo and encoding == 'utf-16be'"
    cp1252 = "<?xml version='1.0' encoding='windows-1252'?>\n<!-- Expect: feed['title'] == '\u20ac' -->"
    assert fixture_text(cp1252.encode("cp1252")).endswith("'€' -->")
