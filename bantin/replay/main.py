"""`bantin replay DIR`: a loopback HTTP server that replays real pages and feeds offline.

Serves the files that DIR/url-map.tsv maps from original URLs at ``/<host>/<path>?<query>``, RSS feeds
generated from them and from the news archive, an index page for feed autodiscovery and a few
fault-injection routes. Loopback only: the content belongs to its publishers and may be used for internal
testing and demos only. It is also the test suite's fixture server. This module is the command line
(:func:`serve`, :func:`main`); the server is :mod:`.replay_server`, its HTTP handler :mod:`.replay_http`,
URL mapping :mod:`.replay_urls`, rendering :mod:`.replay_feeds` and the news archive :mod:`.replay_archive`.
"""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path

from bantin.replay.httpd import (
    HANDLER_TIMEOUT,
    SLOW_MAX_BYTES,
    SLOW_MAX_DELAY,
    SLOW_STEPS,
    Reply,
    accepts_gzip,
)
from bantin.replay.server import (
    FEED_CACHE,
    NEWS_PAGE_SIZE,
    NEWS_WAIT_SECONDS,
    ROBOTS,
    SHUTDOWN_POLL,
    ReplayBindError,
    ReplayRootError,
    ReplayServer,
    loopback_address,
)
from bantin.replay.urls import Capture, load_url_map

__all__ = [
    "DEFAULT_PORT", "FEED_CACHE", "HANDLER_TIMEOUT", "NEWS_PAGE_SIZE", "NEWS_WAIT_SECONDS", "ROBOTS",
    "SHUTDOWN_POLL", "SLOW_MAX_BYTES", "SLOW_MAX_DELAY", "SLOW_STEPS", "Capture", "Reply", "ReplayBindError",
    "ReplayRootError", "ReplayServer", "accepts_gzip", "load_url_map", "loopback_address", "main", "serve",
]

# Fixed default so demo instructions can be copied verbatim.
DEFAULT_PORT = 8765


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve(root: Path, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
          news_jsonl: Path | None = None) -> None:
    """Serve ``root`` until Ctrl-C, printing the base URL and how to point bantin at it."""
    server = ReplayServer(Path(root), host, port, news_jsonl)
    if not server.captures and server.news is None:
        raise ReplayRootError(f"bantin replay: nothing to serve in {root} (no readable url-map.tsv captures and "
                              "no news archive; e.g. ../shared/data/crawl)")
    server.start()
    base = server.base_url
    print(f"bantin replay: đang phục vụ {root} tại {base}/  (serving {len(server.captures)} captured URLs)")
    print(f"  Thêm nguồn vào bantin (add it to bantin):  bantin sources add {base}/")
    print("  Nhấn Ctrl-C để dừng (Ctrl-C to stop).", flush=True)
    if threading.current_thread() is threading.main_thread():  # stop cleanly under systemd/docker too
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        if server.news is not None and not server.news.wait():
            print(f"  Không đọc được kho tin (news archive unusable): {server.news.error}", flush=True)
        elif server.news is not None:
            print(f"  Kho tin RSS: {len(server.news):,} mục, {len(server.news.feeds)} nguồn, "
                  f"lập chỉ mục trong {server.news.index_seconds:.1f} s ({server.news.path})", flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        print("\nĐã dừng (stopped).")
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bantin replay", description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path, help="directory with url-map.tsv, e.g. ../shared/data/crawl")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind (127.0.0.0/8 or ::1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--news", type=Path, default=None,
                        help="RSS archive JSONL(.gz); default DIR/../news/rss_articles.jsonl.gz")
    args = parser.parse_args(argv)
    try:
        serve(args.dir, args.host, args.port, args.news)
    except (ReplayBindError, ReplayRootError, OSError) as exc:
        parser.exit(2, f"bantin replay: {exc}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
