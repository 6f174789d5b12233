"""Hand Scrapy's HttpCompressionMiddleware a compressed body as bytes, not as text it would try to decode.

A gzipped page served as ``text/html`` arrives as an ``HtmlResponse`` holding the *compressed* bytes.
HttpCompressionMiddleware decompresses them and builds the page's response with ``Response.replace``, which
reads every attribute of the old response first, ``encoding`` included: without a charset in Content-Type,
Scrapy then sniffs the gzip bytes for one (charset_normalizer, tens of ms a page; 0.15 s of CPU for the
41 charset-less pages of bench/throughput.py). The page's own response is unchanged: HttpCompression picks its
class from the headers and the decompressed body, and works out its encoding afresh, as before.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.http import Response, TextResponse


class CompressedBodyMiddleware:
    """Downloader middleware just outside HttpCompressionMiddleware: a compressed text response becomes a
    plain ``Response`` (same URL, status, headers, body, flags, request, certificate, address, protocol)."""

    def process_response(self, request: Request, response: Response) -> Response:
        if isinstance(response, TextResponse) and b"Content-Encoding" in response.headers:
            return Response(**{name: getattr(response, name) for name in Response.attributes})
        return response
