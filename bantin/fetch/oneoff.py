"""Fetch a handful of URLs through bantin's full Scrapy stack (robots, SSRF, throttle, size caps).

``fetch_urls`` runs a throwaway crawl in a *child process* (``python -m bantin.fetch.oneoff``): the
Twisted reactor cannot be restarted within one process, so an in-process crawl would work once and
then break every later call (and any caller that has its own reactor). The parent sends the URLs and
settings as JSON on stdin; the child writes results to a temporary file. Used by ``bantin extract URL``
and by the end-to-end tests of the middlewares.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from time import monotonic
from typing import Any

from bantin.app.settings import Settings

# Every status except redirects reaches the callback, so 404/503 are results, not silent drops.
_REDIRECT_STATUSES = {301, 302, 303, 307, 308}
PASS_STATUSES = [s for s in range(100, 600) if s not in _REDIRECT_STATUSES]


@dataclass
class FetchResult:
    url: str
    final_url: str
    status: int | None
    headers: dict[str, str]
    body: bytes
    error: str | None
    elapsed: float  # seconds from queueing the URL to its outcome (robots, delays and retries included)

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["body"] = base64.b64encode(self.body).decode("ascii")
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> FetchResult:
        return cls(**{**d, "body": base64.b64decode(d["body"])})


@dataclass
class FetchReport:
    results: dict[str, FetchResult]
    stats: dict[str, int | float] = field(default_factory=dict)  # crawler.stats numbers, incl. fetch/*


def run_fetch(
    urls: list[str],
    settings: Settings,
    scrapy_overrides: dict[str, Any] | None = None,
    timeout_s: float | None = None,
) -> FetchReport:
    """Like :func:`fetch_urls`, also returning the crawl's stats counters.

    ``scrapy_overrides`` (tests, tuning) is applied on top of ``build_scrapy_settings(settings)``.
    Raises ``RuntimeError`` when the child process fails.
    """
    payload = {
        "urls": list(urls),
        "settings": settings.model_dump(mode="json"),
        "overrides": scrapy_overrides or {},
    }
    project_root = str(Path(__file__).resolve().parents[2])
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [project_root, os.environ.get("PYTHONPATH")])),
    }
    with tempfile.TemporaryDirectory(prefix="bantin-fetch-") as tmp:
        out = Path(tmp) / "results.json"
        proc = subprocess.run(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "bantin.fetch.oneoff", str(out)],
            input=json.dumps(payload).encode(),
            capture_output=True,
            timeout=timeout_s,
            env=env,
            check=False,
        )
        if proc.returncode != 0 or not out.exists():
            raise RuntimeError(
                f"fetch child failed ({proc.returncode}): {proc.stderr.decode(errors='replace')[-4000:]}"
            )
        data = json.loads(out.read_text())
    results = {u: FetchResult.from_json(r) for u, r in data["results"].items()}
    return FetchReport(results, data["stats"])


def fetch_urls(urls: list[str], settings: Settings) -> dict[str, FetchResult]:
    """Fetch ``urls`` politely and safely; one :class:`FetchResult` per input URL."""
    return run_fetch(urls, settings).results


def _crawl(urls: list[str], settings: Settings, overrides: dict[str, Any]) -> dict[str, Any]:
    """Child-process side: one CrawlerProcess, one reactor run."""
    import scrapy
    from scrapy.crawler import CrawlerProcess

    from bantin.fetch.scrapy_config import build_scrapy_settings

    results: dict[str, FetchResult] = {}

    class FetchSpider(scrapy.Spider):
        name = "bantin_fetch"

        async def start(self):  # type: ignore[override]
            for url in urls:
                try:
                    req = scrapy.Request(
                        url,
                        callback=self.on_response,
                        errback=self.on_error,
                        dont_filter=True,
                        meta={
                            "handle_httpstatus_list": PASS_STATUSES,
                            "bantin_url": url,
                            "bantin_t0": monotonic(),
                        },
                    )
                except ValueError as e:
                    results[url] = FetchResult(url, url, None, {}, b"", f"ValueError: {e}", 0.0)
                    continue
                yield req

        def on_response(self, response: Any) -> None:
            meta = response.meta
            headers = {
                k.decode("latin-1").lower(): ", ".join(v.decode("latin-1") for v in vs)
                for k, vs in response.headers.items()
            }
            results[meta["bantin_url"]] = FetchResult(
                meta["bantin_url"],
                response.url,
                response.status,
                headers,
                response.body,
                None,
                monotonic() - meta["bantin_t0"],
            )

        def on_error(self, failure: Any) -> None:
            req = failure.request
            results[req.meta["bantin_url"]] = FetchResult(
                req.meta["bantin_url"],
                req.url,
                None,
                {},
                b"",
                f"{type(failure.value).__name__}: {failure.value}",
                monotonic() - req.meta["bantin_t0"],
            )

    process = CrawlerProcess({**build_scrapy_settings(settings), **overrides})
    crawler = process.create_crawler(FetchSpider)
    process.crawl(crawler)
    process.start()
    for url in urls:  # anything the crawl never reported (should not happen) is an explicit error
        results.setdefault(url, FetchResult(url, url, None, {}, b"", "NotFetched: crawl ended first", 0.0))
    stats = {
        k: v
        for k, v in (crawler.stats.get_stats() if crawler.stats else {}).items()
        if isinstance(v, (int, float)) and not isinstance(v, bool)
    }
    return {"results": {u: r.to_json() for u, r in results.items()}, "stats": stats}


def main(argv: list[str]) -> int:
    payload = json.loads(sys.stdin.buffer.read())
    settings = Settings(**payload["settings"])
    data = _crawl(payload["urls"], settings, payload["overrides"])
    Path(argv[1]).write_text(json.dumps(data))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
