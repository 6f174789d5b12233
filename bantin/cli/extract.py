"""``bantin extract PATH_OR_URL [--url URL] --json``: one page → one JSON object.

Local files (``.html``, ``.html.gz``, or any gzip by its magic bytes) are read directly; http(s) URLs go
through :func:`bantin.fetch.oneoff.fetch_urls` (robots, SSRF guard, size caps), imported lazily so
that extracting a file never loads Scrapy.
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path
from typing import Any

from bantin.app.stats import CounterStats
from bantin.extract.article import MAX_HTML_BYTES, ExtractedArticle, extract_article

# A local .gz page may not inflate past this (gzip bomb guard); extract_article truncates to MAX_HTML_BYTES.
MAX_LOCAL_BYTES = 4 * MAX_HTML_BYTES


class ExtractError(Exception):
    """The page could not be obtained (missing file, fetch failure); the message is for the user."""


def _read_local(path: Path) -> bytes:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ExtractError(f"không đọc được tệp (cannot read file) {path}: {exc.strerror or exc}") from exc
    if raw[:2] != b"\x1f\x8b":
        return raw
    try:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        return inflater.decompress(raw, MAX_LOCAL_BYTES)
    except (zlib.error, EOFError, gzip.BadGzipFile) as exc:
        raise ExtractError(f"tệp gzip hỏng (corrupt gzip file) {path}: {exc}") from exc


def _header(headers: Any, name: str) -> str | None:
    for key, value in dict(headers or {}).items():
        if str(key).lower() == name:
            if isinstance(value, list | tuple):
                value = value[0] if value else None
            return value.decode("latin-1") if isinstance(value, bytes) else (str(value) if value else None)
    return None


def _fetch(url: str) -> tuple[bytes, str, str | None]:
    from bantin.app.settings import get_settings
    from bantin.fetch.oneoff import fetch_urls

    try:
        result = fetch_urls([url], get_settings())[url]
    except Exception as exc:  # noqa: BLE001 - child-process or settings failure, reported to the user
        raise ExtractError(f"không tải được (fetch failed) {url}: {exc}") from exc
    if result.error or result.status is None or result.status >= 400:
        raise ExtractError(f"không tải được (fetch failed) {url}: status={result.status} error={result.error}")
    return result.body, result.final_url or url, _header(result.headers, "content-type")


def article_to_json(article: ExtractedArticle, stats: dict[str, int] | None = None) -> dict[str, Any]:
    """JSON-ready dict of an :class:`ExtractedArticle` (``published`` as ISO 8601 or None)."""
    return {
        "url": article.url,
        "canonical_url": article.canonical_url,
        "aliases": list(article.aliases),
        "title": article.title,
        "text": article.text,
        "published": article.published.isoformat() if article.published else None,
        "language": article.language,
        "description": article.description,
        "encoding": article.encoding,
        "error": article.error,
        "stats": dict(sorted((stats or {}).items())),
    }


def extract_to_json(path_or_url: str, url: str | None = None) -> dict[str, Any]:
    """Extract a local file or an http(s) URL. ``url`` overrides the page URL used for canonical/date
    resolution (for a file, default: its ``file://`` URI). Raises :class:`ExtractError` when the page
    cannot be obtained; a page that yields no article still returns a dict with ``error`` set."""
    stats = CounterStats()
    if path_or_url.lower().startswith(("http://", "https://")):
        body, final_url, content_type = _fetch(path_or_url)
        article = extract_article(
            body, url or final_url, content_type, stats=stats, requested_url=path_or_url
        )
    else:
        path = Path(path_or_url).expanduser()
        if not path.is_file():
            raise ExtractError(f"không tìm thấy tệp (no such file) {path}")
        article = extract_article(_read_local(path), url or path.resolve().as_uri(), stats=stats)
    return article_to_json(article, stats.get_stats())
