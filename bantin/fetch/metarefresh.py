"""Scrapy's ``<meta http-equiv="refresh">`` redirects, without decoding every page to find none.

Scrapy's MetaRefreshMiddleware reads ``response.text[:4096]`` of every HTML response: that decodes the whole
body (and, for a page that declares no charset, sniffs it) only to look at its first 4,096 characters, which
almost never hold a refresh (none of bench/throughput.py's 226 pages; 0.33 ms of the crawler's CPU a page,
measured). The crawler never reads ``response.text`` otherwise: extraction decodes the bytes in its workers.

This subclass first looks at the bytes that can hold those characters: in an ASCII-compatible encoding the word
"refresh" in them is spelled with the same bytes, so its absence settles it and the response passes unread.
Anything else - the word found, a UTF-16/UTF-32 byte-order mark or charset - goes to Scrapy's own check,
which decides as before.
"""

from __future__ import annotations

import codecs

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse, Response

# Scrapy scans the first 4,096 characters (scrapy.utils.response.get_meta_refresh); a character of an
# ASCII-compatible encoding takes at most 4 bytes (UTF-8; GB18030), so these bytes hold all of them.
SCANNED_CHARS = 4096
MAX_BYTES_PER_CHAR = 4
# Encodings in which ASCII letters are not single ASCII bytes: their pages go to Scrapy's check.
_WIDE_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_WIDE_CHARSETS = (b"utf-16", b"utf-32", b"utf16", b"utf32", b"ucs-2", b"ucs2")


def may_hold_refresh(response: HtmlResponse) -> bool:
    """False only when no meta refresh can be in the characters Scrapy would scan."""
    head = response.body[: SCANNED_CHARS * MAX_BYTES_PER_CHAR]
    if head.startswith(_WIDE_BOMS) or b"\x00" in head:
        return True
    content_type = (response.headers.get(b"Content-Type") or b"").lower()
    if any(name in content_type for name in _WIDE_CHARSETS):
        return True
    return b"refresh" in head.lower()


class HeadMetaRefreshMiddleware(MetaRefreshMiddleware):
    """MetaRefreshMiddleware that decodes a page only when its first bytes spell "refresh"."""

    def process_response(  # type: ignore[override]  # Scrapy's spider argument is deprecated: never passed
        self, request: Request, response: Response
    ) -> Request | Response:
        if isinstance(response, HtmlResponse) and not may_hold_refresh(response):
            return response
        return super().process_response(request, response)
