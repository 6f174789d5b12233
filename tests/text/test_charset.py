"""decode_html: declarations are validated, Vietnamese legacy encodings are detected, output is NFC."""

from __future__ import annotations

import csv
import gzip
import unicodedata
from pathlib import Path

import pytest

from bantin.app.stats import CounterStats
from bantin.text.charset import codec_name, decode_html, vietnamese_syllable_ratio

VI_FILES = {"utf-8": "utf-8", "windows-1258": "cp1258", "viscii": "viscii"}
# chardet's directory names that are not codec labels themselves.
CHARDET_DIR_CODEC = {
    "iso-8859-2-hungarian": "iso-8859-2", "iso-8859-5-bulgarian": "iso-8859-5",
    "iso-8859-5-russian": "iso-8859-5", "iso-8859-7-greek": "iso-8859-7",
    "iso-8859-9-turkish": "iso-8859-9", "windows-1250-hungarian": "cp1250",
    "windows-1251-bulgarian": "cp1251", "windows-1251-russian": "cp1251", "windows-1255-hebrew": "cp1255",
}


def _hostile(shared_data: Path, kind: str) -> list[str]:
    with (shared_data / "crawl" / "hostile-index.tsv").open(encoding="utf-8") as fh:
        return [row["path"] for row in csv.DictReader(fh, delimiter="\t") if row["kind"] == kind]


@pytest.fixture(scope="module")
def vi_reference(shared_data: Path) -> str:
    return (shared_data / "crawl/pages/encodings/vi-uchardet/utf-8.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(VI_FILES))
def test_vietnamese_encodings_decode_to_same_nfc_text_without_declaration(shared_data, vi_reference, name):
    body = (shared_data / f"crawl/pages/encodings/vi-uchardet/{name}.txt").read_bytes()
    text, encoding = decode_html(body)
    assert encoding == VI_FILES[name]
    assert text == vi_reference
    assert unicodedata.is_normalized("NFC", text)


@pytest.mark.parametrize("name,label", [("utf-8", "UTF-8"), ("windows-1258", "windows-1258"), ("viscii", "VISCII")])
def test_vietnamese_encodings_decode_with_correct_http_or_meta_declaration(shared_data, vi_reference, name, label):
    body = (shared_data / f"crawl/pages/encodings/vi-uchardet/{name}.txt").read_bytes()
    stats = CounterStats()
    text, _ = decode_html(body, f"text/html; charset={label}", stats)
    assert text == vi_reference
    page = b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=' + label.encode()
    text2, encoding = decode_html(page + b'"></head><body>' + body + b"</body></html>")
    assert vi_reference in text2 and encoding == VI_FILES[name]


def test_windows_1258_combining_tones_are_composed(shared_data):
    body = (shared_data / "crawl/pages/encodings/vi-uchardet/windows-1258.txt").read_bytes()
    raw = body.decode("cp1258")
    assert any(unicodedata.combining(c) for c in raw)  # the file really uses combining marks
    text, _ = decode_html(body, "text/html; charset=windows-1258")
    assert not any(unicodedata.combining(c) for c in text)


def test_charset_lie_pages_decode_as_utf8(shared_data):
    paths = _hostile(shared_data, "charset-lie")
    assert len(paths) >= 4
    for rel in paths:
        body = gzip.decompress((shared_data / "crawl" / rel).read_bytes())
        stats = CounterStats()
        text, encoding = decode_html(body, "text/html", stats)
        assert encoding == "utf-8", rel
        assert text == body.decode("utf-8"), rel
        assert stats.get_value("extract/charset_lie") == 1


def test_lying_http_header_loses_to_valid_utf8_bytes(shared_data):
    body = (shared_data / "crawl/pages/encodings/vi-uchardet/utf-8.txt").read_bytes()
    text, encoding = decode_html(body, "text/html; charset=windows-1258")
    assert encoding == "utf-8" and text.startswith("Chữ Quốc ngữ")


def test_utf8_declaration_on_windows_1258_bytes_is_rejected(shared_data, vi_reference):
    body = (shared_data / "crawl/pages/encodings/vi-uchardet/windows-1258.txt").read_bytes()
    stats = CounterStats()
    text, encoding = decode_html(body, "text/html; charset=utf-8", stats)
    assert (text, encoding) == (vi_reference, "cp1258")
    assert stats.get_value("extract/charset_invalid") == 1
    assert stats.get_value("extract/charset_vi_legacy") == 1


def test_legacy_charset_feeds_decode_as_declared(shared_data):
    dirs = [p for p in _hostile(shared_data, "legacy-charset") if p.startswith("feeds/legacy-encodings/chardet/")]
    checked = 0
    for rel in dirs:
        folder = shared_data / "crawl" / rel
        truth = codec_name(CHARDET_DIR_CODEC.get(folder.name, folder.name))
        assert truth is not None, folder.name
        for path in sorted(folder.iterdir()):
            body = path.read_bytes()
            text, _ = decode_html(body)
            assert text == unicodedata.normalize("NFC", body.decode(truth, errors="replace")), path.name
            checked += 1
    assert checked >= 40


def test_a_few_broken_bytes_in_a_utf8_page_stay_utf8(shared_data, vi_reference):
    body = (shared_data / "crawl/pages/encodings/vi-uchardet/utf-8.txt").read_bytes() * 20
    broken = body[:1000] + b"\xff" + body[1000:]
    stats = CounterStats()
    text, encoding = decode_html(broken, "text/html; charset=utf-8", stats)
    assert encoding == "utf-8" and "\ufffd" in text and vi_reference in text
    assert stats.get_value("extract/charset_utf8_repaired") == 1


def test_bom_wins_over_declarations():
    body = "\ufeff<meta charset='iso-8859-1'>Hà Nội".encode("utf-16")
    text, encoding = decode_html(body, "text/html; charset=gb2312")
    assert encoding == "utf-16" and text.endswith("Hà Nội")


def test_xml_declaration_is_used_when_nothing_else_declares(shared_data):
    body = '<?xml version="1.0" encoding="windows-1251"?><rss><title>Привет мир</title></rss>'.encode("cp1251")
    stats = CounterStats()
    text, encoding = decode_html(body, None, stats)
    assert encoding == "cp1251" and "Привет мир" in text
    assert stats.get_value("extract/charset_xml") == 1


def test_unknown_label_is_skipped_and_counted():
    stats = CounterStats()
    text, encoding = decode_html("<p>Đà Nẵng</p>".encode(), "text/html; charset=x-klingon", stats)
    assert (text, encoding) == ("<p>Đà Nẵng</p>", "utf-8")
    assert stats.get_value("extract/charset_unknown_label") == 1


def test_random_bytes_never_raise_and_fall_back_to_a_named_encoding():
    stats = CounterStats()
    text, encoding = decode_html(bytes(range(256)) * 50, None, stats)
    assert isinstance(text, str) and encoding
    assert (stats.get_value("extract/charset_detected") or stats.get_value("extract/charset_fallback")) == 1


def test_syllable_ratio_separates_vietnamese_from_mojibake(shared_data):
    body = (shared_data / "crawl/pages/encodings/vi-uchardet/viscii.txt").read_bytes()
    good, words = vietnamese_syllable_ratio(body.decode("viscii"))
    bad, _ = vietnamese_syllable_ratio(body.decode("cp1258", errors="replace"))
    assert words > 20 and good > 0.95 and bad < 0.5
