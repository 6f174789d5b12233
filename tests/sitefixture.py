"""A tiny publisher on 127.0.0.1 (port 0): one RSS feed and its article pages, optionally slow."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests import pagefactory as pf

T0 = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)


@dataclass
class Site:
    base: str
    pages: dict[str, tuple[bytes, str]]
    hits: dict[str, int] = field(default_factory=dict)
    delay_s: float = 0.0

    @property
    def feed_url(self) -> str:
        return f"{self.base}/rss/tin-moi-nhat.rss"

    def article_urls(self) -> list[str]:
        return [f"{self.base}{p}" for p in self.pages if p.startswith("/bai/")]

    def sources_toml(self, path: Path, name: str = "Báo Thử Nghiệm") -> Path:
        path.write_text(
            f'[[source]]\nname = "{name}"\nhome_url = "{self.base}/"\nlanguage = "vi"\ncountry = "VN"\n'
            f'feeds = ["{self.feed_url}"]\n',
            encoding="utf-8",
        )
        return path


@contextmanager
def serve_site(n_articles: int, delay_s: float = 0.0) -> Iterator[Site]:
    site = Site(base="", pages={}, delay_s=delay_s)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            path = self.path.split("?")[0]
            site.hits[path] = site.hits.get(path, 0) + 1
            if path == "/robots.txt":
                body, ctype = b"User-agent: *\nAllow: /\n", "text/plain"
            elif path in site.pages:
                body, ctype = site.pages[path]
                if path.startswith("/bai/") and site.delay_s:
                    threading.Event().wait(site.delay_s)
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    texts = pf.texts(n_articles)
    items = []
    for i, text in enumerate(texts):
        path = f"/bai/tin-so-{i}.html"
        url = site.base + path
        published = T0 + timedelta(minutes=i)
        site.pages[path] = (pf.page(f"Tin số {i}", text, url, published), "text/html; charset=utf-8")
        items.append((f"Tin số {i}", url, published))
    site.pages["/rss/tin-moi-nhat.rss"] = (pf.rss(items), "application/rss+xml; charset=utf-8")
    site.pages["/"] = (
        b'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>B\xc3\xa1o Th\xe1\xbb\xad</title>'
        b'<link rel="alternate" type="application/rss+xml" title="Tin m\xe1\xbb\x9bi" href="/rss/tin-moi-nhat.rss">'
        b"</head><body><h1>Trang ch\xe1\xbb\xa7</h1></body></html>",
        "text/html; charset=utf-8",
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
