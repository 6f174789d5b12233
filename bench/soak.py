"""Soak: ``bantin crawl`` left running for minutes against loopback publishers that misbehave, and killed once.

Seven publishers, each its own loopback address (127.0.0.20 …) and server, gain an item every
:data:`ITEM_GAP_S` seconds on the real clock (a "latest" feed and a section feed repeating it, ETag/304, real
Vietnamese pages from ../shared's VNTC dev set), each with one fault:

- ``normal``; ``slow`` (1.5 s per answer); ``maintenance`` (503 with ``Retry-After`` for 30 s of every 150 s);
- ``flaky`` (15 % of requests answered by a closed connection, 10 % by a 500);
- ``hang`` (5 % of requests held past the download timeout); ``broken`` (a quarter of the feed answers cut in
  half — malformed XML — and 10 % of the pages a 200 maintenance page without article text);
- ``down`` (connection refused for 40 s of every 180 s: the server stops listening and comes back).

The crawler runs as an office runs it (a child process, ``bantin crawl``, SQLite, BANTIN_POLL_MIN_S=5, host delay
0.5 s) and is SIGKILLed once at 40 % of the run and started again at once (as systemd would). Sampled every 5 s:
its resident memory. At the end the feeds stop gaining items, the crawler gets :data:`DRAIN_S` to catch up, is
stopped with SIGINT, and every item that appeared is looked up: stored once, waiting in the frontier for a retry
(a page that was a maintenance page is tried again after 10 min by design), given up, not yet listed by any whole feed
answer (its feed's last polls failed), or lost (listed, yet neither stored nor in the frontier). Also counted: the crawl log's
tracebacks and error lines, heartbeats, and item latency per publisher.

    python bench/soak.py [--minutes 10]   # prints one JSON object
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.freshness import (  # noqa: E402
    HOST_DELAY_S,
    POLL_MIN_S,
    ROOT,
    SLOW_S,
    QuietHandler,
    _page,
    _pct,
    _rss,
    _texts,
)

# An item every 20 s per publisher: 30 items each in 10 minutes, about 200 in all.
ITEM_GAP_S = 20.0
MODES = ("normal", "slow", "maintenance", "flaky", "hang", "broken", "down")
# The maintenance window (503, Retry-After) and the down window (connection refused), in every period.
MAINT_PERIOD_S, MAINT_S, RETRY_AFTER_S = 150.0, 30.0, 15
DOWN_PERIOD_S, DOWN_S = 180.0, 40.0
# Held past the crawler's 20 s download timeout (bantin.app.settings.DEFAULT_DOWNLOAD_TIMEOUT_S).
HANG_S = 25.0
# Items an hour old when the crawler starts: a new feed's first poll brings something, as in real life (a first
# poll with nothing new sends a feed to the back-off from its 15 min start, past the end of a short soak).
BACKLOG = 3
# After the last item: time for retries and back-offs to run out before the crawler is stopped.
DRAIN_S = 120.0
SAMPLE_S, KILL_AT = 5.0, 0.4


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # the crawler gave up on a held answer: expected
            super().handle_error(request, client_address)


class Publisher:
    def __init__(self, index: int, mode: str, texts: list[str]) -> None:
        self.index, self.mode, self.texts = index, mode, texts
        self.items: list[tuple[float, str, str, str]] = []  # (appears, url, title, text)
        self.listed: set[str] = set()  # item URLs some whole feed answer listed (the crawler may have seen them)
        self.rnd, self.lock = random.Random(index), threading.Lock()
        self.t0 = self.stop_at = 0.0
        self.server: _Server | None = None
        self.addr = (f"127.0.0.{20 + index}", 0)

    @property
    def base(self) -> str:
        return f"http://{self.addr[0]}:{self.addr[1]}"

    def visible(self, now: float) -> list[tuple[float, str, str, str]]:
        return [it for it in self.items if it[0] <= min(now, self.stop_at or now)]

    def chance(self, p: float) -> bool:
        with self.lock:
            return self.rnd.random() < p

    def start(self) -> None:
        self.server = _Server(self.addr, _handler(self))
        self.addr = self.server.server_address[:2]  # type: ignore[assignment]
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


def _handler(p: Publisher) -> type[BaseHTTPRequestHandler]:
    class Handler(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            now = time.time()
            if self.path == "/robots.txt":
                return self._send(200, b"User-agent: *\nAllow: /\n", "text/plain")
            since = now - p.t0
            if p.mode == "slow":
                time.sleep(SLOW_S)
            if p.mode == "hang" and p.chance(0.05):
                time.sleep(HANG_S)
            if p.mode == "flaky" and p.chance(0.25):
                if p.chance(0.6):  # 15 % in all: the connection closes without an answer
                    self.close_connection = True
                    return None
                return self._send(500, b"loi may chu", "text/plain")
            if p.mode == "maintenance" and since >= 0 and since % MAINT_PERIOD_S >= MAINT_PERIOD_S - MAINT_S:
                return self._send(503, b"bao tri", "text/plain", {"Retry-After": str(RETRY_AFTER_S)})
            seen = p.visible(now)
            if self.path.startswith("/rss/"):
                listed = seen[-15:] if self.path.endswith("latest.rss") else seen[-8:][::2]
                body = _rss(listed)
                if p.mode == "broken" and p.chance(0.25):
                    return self._send(200, body[: len(body) // 2], "application/rss+xml")
                with p.lock:
                    p.listed.update(it[1] for it in listed)
                etag = f'"{len(seen)}-{self.path[-12:]}"'
                if self.headers.get("If-None-Match") == etag:
                    return self._send(304, b"", "application/rss+xml", {"ETag": etag})
                return self._send(200, body, "application/rss+xml; charset=utf-8", {"ETag": etag})
            page = next((it for it in seen if it[1].endswith(self.path)), None)
            if page is None:
                return self._send(404, b"khong thay", "text/plain")
            if p.mode == "broken" and p.chance(0.10):
                return self._send(200, "<html><body>Bảo trì hệ thống</body></html>".encode(), "text/html; charset=utf-8")
            return self._send(200, _page(*page), "text/html; charset=utf-8")

    return Handler


def _down_loop(p: Publisher, end: float) -> None:
    """The ``down`` publisher stops listening for DOWN_S of every DOWN_PERIOD_S, then listens again (same port)."""
    while time.time() < end:
        since = time.time() - p.t0
        down = since >= 0 and since % DOWN_PERIOD_S >= DOWN_PERIOD_S - DOWN_S
        if down and p.server is not None:
            p.stop()
        elif not down and p.server is None:
            p.start()
        time.sleep(0.5)


def _start_crawler(env: dict[str, str], log: Any) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "bantin", "crawl", "--no-progress"], cwd=ROOT, env=env,
                            stdout=log, stderr=log)


def _fit_mb_per_min(samples: list[tuple[float, float]]) -> float | None:
    if len(samples) < 3:
        return None
    n = len(samples)
    mx, my = sum(t for t, _ in samples) / n, sum(m for _, m in samples) / n
    den = sum((t - mx) ** 2 for t, _ in samples)
    return round(sum((t - mx) * (m - my) for t, m in samples) / den * 60, 3) if den else None


def run(minutes: float) -> dict[str, Any]:
    texts = _texts(300)
    pubs = [Publisher(i, mode, texts) for i, mode in enumerate(MODES)]
    for p in pubs:
        p.start()
    gen_s = minutes * 60
    with tempfile.TemporaryDirectory(prefix="bantin-soak-") as tmp:
        (Path(tmp) / "sources.toml").write_text("".join(
            f'[[source]]\nname = "Báo {p.mode}"\nlanguage = "vi"\nfeeds = ["{p.base}/rss/latest.rss", '
            f'"{p.base}/rss/section.rss"]\n\n' for p in pubs), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("BANTIN_")}
        env.update(BANTIN_DATA_DIR=tmp, BANTIN_SOURCES_FILE=f"{tmp}/sources.toml", BANTIN_ALLOW_LOOPBACK="1",
                   BANTIN_POLL_MIN_S=str(POLL_MIN_S), BANTIN_MIN_HOST_DELAY_S=str(HOST_DELAY_S), PYTHONPATH=str(ROOT))
        t0 = time.time() + 5.0
        for p in pubs:
            p.t0 = t0
            at = [t0 - 3600.0] * BACKLOG + [t0 + (j + p.index / len(pubs)) * ITEM_GAP_S for j in range(int(gen_s / ITEM_GAP_S))]
            p.items = [(when, f"{p.base}/bai/{j}.html", f"Báo {p.mode}: tin {j}", texts[(p.index * 40 + j) % len(texts)])
                       for j, when in enumerate(at)]
            p.stop_at = t0 + gen_s
        end = t0 + gen_s + DRAIN_S
        threading.Thread(target=_down_loop, args=(pubs[MODES.index("down")], t0 + gen_s), daemon=True).start()
        log = open(Path(tmp) / "crawl.log", "w", encoding="utf-8")  # noqa: SIM115 (closed below)
        proc = _start_crawler(env, log)
        rss: list[tuple[float, float, int]] = []  # (seconds since t0, MB, segment)
        segment, killed_at, restarted_stored = 0, None, None
        try:
            while time.time() < end:
                time.sleep(SAMPLE_S)
                if proc.poll() is not None:
                    raise SystemExit(f"the crawler exited by itself (code {proc.returncode})")
                rss.append((time.time() - t0, psutil.Process(proc.pid).memory_info().rss / 2**20, segment))
                if killed_at is None and time.time() >= t0 + KILL_AT * gen_s:
                    proc.send_signal(signal.SIGKILL)
                    proc.wait()
                    killed_at, segment = time.time() - t0, 1
                    restarted_stored = _count(tmp, "SELECT count(*) FROM articles")
                    proc = _start_crawler(env, log)
                if time.time() > t0 + gen_s and _all_settled(tmp, pubs):
                    break
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()
            for p in pubs:
                p.stop()
        text = (Path(tmp) / "crawl.log").read_text(encoding="utf-8", errors="replace")
        return _measure(tmp, pubs, rss, text, killed_at, restarted_stored, time.time() - t0)


def _rows(tmp: str, sql: str) -> list[Any]:
    with sqlite3.connect(f"{tmp}/bantin.db", timeout=30) as c:
        return c.execute(sql).fetchall()


def _count(tmp: str, sql: str) -> int:
    return int(_rows(tmp, sql)[0][0])


def _all_settled(tmp: str, pubs: list[Publisher]) -> bool:
    stored = {u for (u,) in _rows(tmp, "SELECT canonical_url FROM articles")}
    waiting = {u for (u,) in _rows(tmp, "SELECT url FROM frontier WHERE state = 'pending' AND attempts > 0")}
    return all(it[1] in stored or it[1] in waiting for p in pubs for it in p.visible(time.time()))


def _measure(tmp: str, pubs: list[Publisher], rss: list[tuple[float, float, int]], log: str,
             killed_at: float | None, restarted_stored: int | None, wall: float) -> dict[str, Any]:
    stored: dict[str, list[float]] = {}
    for u, at in _rows(tmp, "SELECT canonical_url, fetched_at FROM articles"):
        stored.setdefault(u, []).append(datetime.fromisoformat(at).replace(tzinfo=UTC).timestamp())
    frontier = {u: (state, attempts) for u, state, attempts in _rows(tmp, "SELECT url, state, attempts FROM frontier")}
    out: dict[str, Any] = {"publishers": {}}
    for p in pubs:
        appeared = p.visible(time.time())
        once = [it for it in appeared if len(stored.get(it[1], [])) == 1]
        waiting = [it for it in appeared if it[1] not in stored and frontier.get(it[1], ("", 0))[0] == "pending"]
        gave_up = [it for it in appeared if it[1] not in stored and frontier.get(it[1], ("", 0))[0] == "failed"]
        lat = [stored[it[1]][0] - it[0] for it in once if it[0] >= p.t0]  # not the backlog
        out["publishers"][p.mode] = {
            "appeared": len(appeared), "stored_once": len(once),
            "stored_twice": sum(1 for it in appeared if len(stored.get(it[1], [])) > 1),
            "waiting_for_retry": len(waiting), "given_up": len(gave_up),
            "not_yet_listed": sum(1 for it in appeared if it[1] not in p.listed and it[1] not in stored),
            "lost": sum(1 for it in appeared if it[1] in p.listed and it[1] not in stored and it[1] not in frontier),
            "latency_s": {"p50": _pct(lat, 0.5), "p95": _pct(lat, 0.95), "max": _pct(lat, 1.0)}}
    after = [(t, mb) for t, mb, seg in rss if seg == 1]
    half = [(t, mb) for t, mb in after if t >= (after[0][0] + after[-1][0]) / 2] if after else []
    out.update({
        "killed_at_s": round(killed_at, 1) if killed_at else None, "stored_when_killed": restarted_stored,
        "rss_mb": {"first_run_max": round(max((mb for _, mb, seg in rss if seg == 0), default=0)),
                   "after_restart_first": round(after[0][1]) if after else None,
                   "after_restart_max": round(max(mb for _, mb in after)) if after else None,
                   "after_restart_last": round(after[-1][1]) if after else None,
                   "second_half_slope_mb_per_min": _fit_mb_per_min(half)},
        "log": {"tracebacks": log.count("Traceback"), "error_lines": sum(" ERROR" in ln or "ERROR:" in ln for ln in
                log.splitlines()), "heartbeats": log.count("crawl heartbeat:"), "loop_died": log.count("loop died")},
        "wall_s": round(wall, 1)})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--minutes", type=float, default=10.0, help="minutes during which the feeds gain items")
    args = ap.parse_args()
    if not 2 <= args.minutes <= 60:
        sys.exit("--minutes must be between 2 and 60")
    result = run(args.minutes)
    print(json.dumps({"bench": "soak", "minutes": args.minutes, "item_gap_s": ITEM_GAP_S, "poll_min_s": POLL_MIN_S,
                      "host_delay_s": HOST_DELAY_S, "machine": f"{os.cpu_count()} cores, load "
                      f"{os.getloadavg()[0]:.1f}", **result}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
