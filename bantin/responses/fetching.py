"""Fetching originals the way ``bantin extract URL`` does: :func:`bantin.fetch.oneoff.run_fetch` (robots,
SSRF refusal, size caps, in a child process), then bantin's own extraction (:mod:`bantin.extract.article`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bantin.app.settings import Settings
from bantin.fetch.oneoff import FetchResult

# Fetches a batch of URLs: one FetchResult per URL (tests pass their own; run_tracking the default).
Fetcher = Callable[[list[str]], Mapping[str, FetchResult]]
# A page that has been removed answers one of these.
GONE_STATUSES = frozenset({404, 410})
# One child process fetches a whole batch: tracking.DUE_BATCH pages at the 20 s download timeout, with
# politeness delays and retries, fit well within 10 min; a child hung beyond that is killed.
BATCH_TIMEOUT_S = 600.0
# An error is kept as one line: the cause, not a traceback.
MAX_ERROR_CHARS = 300


@dataclass(frozen=True)
class PageOutcome:
    """What one fetch of an original found: its text (``ok``), ``gone``, or an ``error`` with a reason."""

    kind: str  # ok | gone | error
    http_status: int | None = None
    text: str | None = None
    error: str | None = None


def one_line(message: str) -> str:
    line = " ".join(str(message).split())
    return line if len(line) <= MAX_ERROR_CHARS else line[: MAX_ERROR_CHARS - 1] + "…"


def default_fetcher(settings: Settings, overrides: dict[str, Any] | None = None) -> Fetcher:
    """The production fetcher; ``overrides`` are Scrapy settings on top of bantin's (tests: no retries)."""
    from bantin.fetch.oneoff import run_fetch

    def fetch(urls: list[str]) -> Mapping[str, FetchResult]:
        return run_fetch(urls, settings, overrides, timeout_s=BATCH_TIMEOUT_S).results

    return fetch


def read_page(result: FetchResult | None) -> PageOutcome:
    """A fetch result → its extracted text, or why there is none (404/410 are ``gone``)."""
    from bantin.extract.article import extract_article

    if result is None:
        return PageOutcome("error", error="không có kết quả tải (no fetch result)")
    if result.error:
        return PageOutcome("error", result.status, error=one_line(f"không tải được (fetch failed): {result.error}"))
    if result.status in GONE_STATUSES:
        return PageOutcome("gone", result.status)
    if result.status is None or result.status >= 400:
        return PageOutcome("error", result.status, error=f"máy chủ trả lỗi (HTTP error) {result.status}")
    content_type = result.headers.get("content-type")
    article = extract_article(result.body, result.final_url or result.url, content_type, requested_url=result.url)
    if article.error or not article.text.strip():
        reason = article.error or "empty"
        return PageOutcome("error", result.status,
                           error=one_line(f"không trích được văn bản (no article text): {reason}"))
    return PageOutcome("ok", result.status, text=article.text)


def fetch_pages(fetch: Fetcher, urls: list[str]) -> dict[str, PageOutcome]:
    """Fetch and read ``urls``; a failed batch (child process, timeout) is an error for each URL."""
    try:
        results = fetch(list(dict.fromkeys(urls)))
    except Exception as exc:  # noqa: BLE001 - any batch failure is recorded per original, the schedule goes on
        reason = one_line(f"tải thất bại (fetch failed): {type(exc).__name__}: {exc}")
        return {u: PageOutcome("error", error=reason) for u in urls}
    return {u: _read_safely(results.get(u)) for u in urls}


def _read_safely(result: FetchResult | None) -> PageOutcome:
    try:
        return read_page(result)
    except Exception as exc:  # noqa: BLE001 - extraction should never raise; if it does, one error check
        return PageOutcome("error", result.status if result else None,
                           error=one_line(f"lỗi trích văn bản (extraction failed): {type(exc).__name__}: {exc}"))
