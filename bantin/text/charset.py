"""Bytes → text for HTML pages: declared charsets are hints that must survive validation.

Order: BOM, HTTP ``charset``, ``<meta charset>``/``http-equiv``, XML declaration. Each is validated:
a non-UTF-8 declaration on bytes that are valid UTF-8 with multibyte sequences is a lie (real cases:
People's Daily and qq.com declare gb2312, WinFuture iso-8859-1, El Mundo iso-8859-15); a strict decode
must succeed. Then detection: valid UTF-8, the two legacy Vietnamese encodings (windows-1258, VISCII:
charset-normalizer knows neither well, so we score candidates as Vietnamese syllables), charset-normalizer,
and finally :data:`FALLBACK_ENCODING`. Output is NFC (windows-1258 writes tones as combining marks).
"""

from __future__ import annotations

import codecs
import re
import unicodedata

import viscii  # noqa: F401  (import side effect: registers the "viscii" codec, Python has none)

from bantin.app.stats import StatsLike, inc

# WHATWG's prescan reads 1024 bytes; real pages put <meta> after long inline scripts, so look further.
META_SCAN_BYTES = 8192
# A page declared UTF-8 with a few broken bytes (truncated download, one bad paste) is still UTF-8.
MAX_UTF8_ERROR_RATIO = 0.001
# Detection samples this much: enough for a few hundred words, cheap on 3 MB pages.
DETECT_SAMPLE_BYTES = 256 * 1024
# Share of non-ASCII words that must be valid Vietnamese syllables to accept a legacy Vietnamese decode.
VI_MIN_SYLLABLE_RATIO = 0.85
# Fewer non-ASCII words than this is too little evidence to pick a legacy Vietnamese encoding.
VI_MIN_WORDS = 5
# Last resort: windows-1252 maps (almost) every byte, and is what browsers assume for Western pages.
FALLBACK_ENCODING = "cp1252"

# Labels browsers treat as another encoding (WHATWG Encoding Standard) plus VISCII spellings.
_ALIASES = {
    "iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252",
    "iso8859-1": "cp1252", "iso_8859-1": "cp1252", "gb2312": "gb18030", "gbk": "gb18030",
    "x-gbk": "gb18030", "shift_jis": "cp932", "sjis": "cp932", "x-sjis": "cp932", "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949", "big5": "big5hkscs", "tis-620": "cp874", "iso-8859-11": "cp874",
    "iso-8859-9": "cp1254", "x-viscii": "viscii", "csviscii": "viscii", "viscii1.1-1": "viscii",
    "windows-874": "cp874", "x-mac-cyrillic": "mac-cyrillic", "maccyrillic": "mac-cyrillic",
}
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_HTTP_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
_XML_DECL = re.compile(rb"^\s*<\?xml\b[^>]*?encoding\s*=\s*[\"']([\w.:-]+)", re.I)
_BAD_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
_NON_ASCII_WORD = re.compile(r"[^\W\d_]*[^\x00-\x7f][^\W\d_]*")
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_SYLLABLE = re.compile(
    r"(?:ngh|ch|gh|gi|kh|ng|nh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?"
    r"[aăâeêioôơuưy]{1,3}(?:ch|ng|nh|[cmnpt])?"
)


def codec_name(label: str) -> str | None:
    """Python codec name for a charset label, or None when unknown."""
    key = label.strip().strip("\"'").lower()
    key = _ALIASES.get(key, key)
    try:
        return codecs.lookup(key).name
    except LookupError:
        return None


def vietnamese_syllable_ratio(text: str) -> tuple[float, int]:
    """(share of non-ASCII words that are well-formed Vietnamese syllables, number of such words)."""
    words = _NON_ASCII_WORD.findall(text)
    if not words:
        return 0.0, 0
    good = 0
    for word in words:
        decomposed = unicodedata.normalize("NFD", word.lower())
        tones = sum(decomposed.count(t) for t in _TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
        good += tones <= 1 and _SYLLABLE.fullmatch(base) is not None
    return good / len(words), len(words)


def _declared(body: bytes, content_type: str | None) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if content_type and (m := _HTTP_CHARSET.search(content_type)):
        found.append(("http", m.group(1)))
    head = body[:META_SCAN_BYTES]
    if m2 := _META_CHARSET.search(head):
        found.append(("meta", m2.group(1).decode("ascii", "replace")))
    if m3 := _XML_DECL.match(head):
        found.append(("xml", m3.group(1).decode("ascii", "replace")))
    return found


def _utf8_multibyte(body: bytes) -> str | None:
    """The UTF-8 decode when ``body`` is valid UTF-8 and not plain ASCII, else None."""
    if body.isascii():
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _try_declared(body: bytes, name: str, stats: StatsLike | None, utf8: str | None = None) -> str | None:
    if name == "utf-8" and utf8 is not None:
        return utf8
    if name == "utf-8":
        text = body.decode("utf-8", errors="replace")
        errors = text.count("\ufffd") - body.count(b"\xef\xbf\xbd")
        if errors and errors > MAX_UTF8_ERROR_RATIO * len(body):
            return None
        if errors:
            inc(stats, "extract/charset_utf8_repaired")
        return text
    try:
        text = body.decode(name)
    except (UnicodeDecodeError, LookupError):
        return None
    return None if _BAD_CONTROLS.search(text[:DETECT_SAMPLE_BYTES]) else text


def _detect(body: bytes, stats: StatsLike | None) -> tuple[str, str]:
    sample = body[:DETECT_SAMPLE_BYTES]
    best: tuple[float, str] | None = None
    for name in ("cp1258", "viscii"):
        ratio, words = vietnamese_syllable_ratio(sample.decode(name, errors="replace"))
        if words >= VI_MIN_WORDS and ratio >= VI_MIN_SYLLABLE_RATIO and (best is None or ratio > best[0]):
            best = (ratio, name)
    if best is not None:
        inc(stats, "extract/charset_vi_legacy")
        return body.decode(best[1], errors="replace"), best[1]
    from charset_normalizer import from_bytes

    match = from_bytes(sample).best()
    if match is not None and (detected := codec_name(match.encoding)) is not None:
        text = _try_declared(body, detected, None)
        if text is not None:
            inc(stats, "extract/charset_detected")
            return text, detected
    inc(stats, "extract/charset_fallback")
    return body.decode(FALLBACK_ENCODING, errors="replace"), FALLBACK_ENCODING


def _decode(body: bytes, content_type: str | None, stats: StatsLike | None) -> tuple[str, str]:
    for bom, bom_codec in _BOMS:
        if body.startswith(bom):
            try:
                unbommed = body.decode(bom_codec)
            except UnicodeDecodeError:
                break
            inc(stats, "extract/charset_bom")
            return unbommed, codecs.lookup(bom_codec).name
    utf8 = _utf8_multibyte(body)
    for source, label in _declared(body, content_type):
        name = codec_name(label)
        if name is None:
            inc(stats, "extract/charset_unknown_label")
            continue
        if source != "http" and name.startswith("utf-16"):
            name = "utf-8"  # an ASCII-readable declaration cannot be UTF-16 (WHATWG)
        if utf8 is not None and name != "utf-8":
            inc(stats, "extract/charset_lie")
            inc(stats, "extract/charset_utf8_valid")
            return utf8, "utf-8"
        text = _try_declared(body, name, stats, utf8)
        if text is not None:
            inc(stats, f"extract/charset_{source}")
            return text, name
        inc(stats, "extract/charset_invalid")
    if utf8 is not None or body.isascii():
        inc(stats, "extract/charset_utf8_valid")
        return utf8 if utf8 is not None else body.decode("ascii"), "utf-8"
    return _detect(body, stats)


def decode_html(body: bytes, content_type: str | None = None, stats: StatsLike | None = None) -> tuple[str, str]:
    """Decode page bytes; returns (NFC text, Python codec name used). Never raises on bad bytes."""
    text, name = _decode(body, content_type, stats)
    # normalize() returns its input untouched when CPython's NFC quick check passes: 1.5 ms on a 250 kB
    # VnExpress page, where a regex of characters NFC may change took 6 ms, is_normalized() + normalize 17 ms
    # on Dân trí's combining-mark page; and exact (the regex missed Devanagari nukta letters and U+2000).
    return unicodedata.normalize("NFC", text), name
