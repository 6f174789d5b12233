"""Freshness benchmark: how long from an item appearing in a publisher's feed to its article being stored.

A loopback publisher on several hosts (distinct loopback addresses 127.0.0.2, 127.0.0.3 …, each its own
server on port 0, so host politeness applies per host), crawled continuously by ``bantin crawl`` (a child
process, as an office runs it) for a bounded few minutes:

- every host has a "latest" feed and two section feeds that repeat the latest feed's items (like the
  shipped VnExpress source), with ETag/304, and gains an item every :data:`ITEM_GAP_S` seconds on the real
  clock (the schedule is fixed in advance, so an item's appearance time is exact);
- one host answers slowly (:data:`SLOW_S` per response); one answers 503 with ``Retry-After`` in mid-run
  (``robots.txt`` stays up: a maintenance page in front of the app);
- article pages carry real Vietnamese texts (VNTC small dev set, read-only from ``../shared``; random
  syllables when it is absent).

Measured per host: latency = article ``fetched_at`` (the crawler's clock) − the item's appearance time
(same machine clock), p50/p95/max; items stored exactly once (appeared vs stored, page fetches per item);
feed polls. Goal: p95 on hosts that are not failing ≤ 2 × BANTIN_POLL_MIN_S + host delay.

``--spider-ticks shipped,2.5`` runs the crawl once per value: ``shipped`` as installed; a number patches
``bantin.ingest.spider.TICK_S`` (how often the continuous spider looks for due feeds) in the child process
only, to show what that tick costs. ``python bench/freshness.py [--gen-s 80]`` prints one JSON object.
"""

from __future__ import annotations

import argparse
import hashlib
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
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VNTC_DEV = ROOT.parent / "shared" / "data" / "vntc_small" / "dev.jsonl"
# An item every 8 s per host: a busy national publisher's pace (VnExpress: ~1 a minute) sped up ~8x.
ITEM_GAP_S = 8.0
# Items already in the feeds when the clock starts: the first poll has something new, as in real life.
BACKLOG = 3
# The "latest" feed lists the newest 15 items; a section feed the newest 8 of its section (RSS norms).
LATEST_N, SECTION_N, SECTIONS = 15, 8, 2
# A slow host takes 1.5 s per response (a loaded provincial portal), three times the host delay.
SLOW_S = 1.5
# The failing host answers 503 (Retry-After 20 s) from 20 s to 60 s: a deploy or an overload, in mid-run
# so that the other hosts' items before, during and after it can be compared.
FAIL_FROM_S, FAIL_TO_S, RETRY_AFTER_S = 20.0, 60.0, 20
# Crawler settings for the run: polls every 5 s at most, half a second between requests to one host.
POLL_MIN_S, HOST_DELAY_S = 5, 0.5
# Bounds: the crawler must poll every host within 60 s of starting; stragglers get 40 s after the last item.
READY_TIMEOUT_S, DRAIN_S, STOP_TIMEOUT_S = 60.0, 40.0, 30.0
HOSTS = (("Báo Một", ""), ("Báo Hai", ""), ("Báo Chậm", "slow"), ("Báo Lỗi", "failing"))


def _texts(n: int) -> list[str]:
    out: list[str] = []
    if VNTC_DEV.is_file():
        with VNTC_DEV.open(encoding="utf-8") as fh:
            out = [t for t in (json.loads(line)["text"][:3000] for line in fh) if len(t) > 1200][:n]
    rnd = random.Random(7)
    syll = "tỉnh nghệ an du lịch kinh tế người dân xã huyện phát triển năm tháng công trình đường biển".split()
    while len(out) < n:
        out.append(". ".join(" ".join(rnd.choices(syll, k=14)) for _ in range(30)) + ".")
    return out


@dataclass
class Host:
    name: str
    mode: str
    index: int
    base: str = ""
    t0: float | None = None
    first_feed_at: float | None = None
    items: list[tuple[float, str, str, str]] = field(default_factory=list)  # (appears, url, title, text)

    def visible(self, now: float) -> list[tuple[float, str, str, str]]:
        return [it for it in self.items if it[0] <= now]

    def failing(self, now: float) -> bool:
        return self.mode == "failing" and self.t0 is not None and self.t0 + FAIL_FROM_S <= now < self.t0 + FAIL_TO_S


def _rss(items: list[tuple[float, str, str, str]]) -> bytes:
    entries = "".join(
        f"<item><title>{escape(title)}</title><link>{url}</link><guid>{url}</guid>"
        f"<pubDate>{format_datetime(datetime.fromtimestamp(at, UTC), usegmt=True)}</pubDate></item>"
        for at, url, title, _ in reversed(items))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Tin</title>'
            f"<link>http://example.test/</link>{entries}</channel></rss>").encode()


def _page(at: float, url: str, title: str, text: str) -> bytes:
    paras = "".join(f"<p>{escape(p)}.</p>" for p in text.split(". ") if p)
    when = datetime.fromtimestamp(at, UTC).isoformat()
    return (f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f'<link rel="canonical" href="{url}"><meta property="article:published_time" content="{when}">'
            f"</head><body><article><h1>{escape(title)}</h1>{paras}</article></body></html>").encode()


class QuietHandler(BaseHTTPRequestHandler):
    """A loopback publisher's handler: no request log, and ``_send`` for a whole answer (also bench/soak.py)."""

    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for k, v in {"Content-Type": ctype, "Content-Length": str(len(body)), **(extra or {})}.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)


def _handler(host: Host) -> type[BaseHTTPRequestHandler]:
    class Handler(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            now = time.time()
            if self.path == "/robots.txt":
                return self._send(200, b"User-agent: *\nAllow: /\n", "text/plain")
            if host.mode == "slow":
                time.sleep(SLOW_S)
            if self.path.startswith("/rss/") and host.first_feed_at is None:
                host.first_feed_at = now
            if host.failing(now):
                return self._send(503, b"bao tri", "text/plain", {"Retry-After": str(RETRY_AFTER_S)})
            seen = host.visible(now)
            if self.path == "/rss/latest.rss":
                body = _rss(seen[-LATEST_N:])
            elif self.path.startswith("/rss/section-"):
                k = int(self.path.split("-")[1].split(".")[0])
                body = _rss([it for i, it in enumerate(seen) if i % SECTIONS == k][-SECTION_N:])
            else:
                page = next((it for it in seen if it[1].endswith(self.path)), None)
                if page is None:
                    return self._send(404, b"not found", "text/plain")
                return self._send(200, _page(*page), "text/html; charset=utf-8")
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                return self._send(304, b"", "application/rss+xml", {"ETag": etag})
            return self._send(200, body, "application/rss+xml; charset=utf-8", {"ETag": etag})

    return Handler


def _item(h: Host, i: int, at: float, texts: list[str]) -> tuple[float, str, str, str]:
    return at, f"{h.base}/bai/{i}.html", f"{h.name}: tin số {i}", texts[(h.index * 50 + i) % len(texts)]


def _schedule(hosts: list[Host], gen_s: float, t0: float, texts: list[str]) -> None:
    """New items from ``t0`` on the real clock: one per gap, hosts out of phase, +-25 % jitter."""
    rnd = random.Random(11)
    for h in hosts:
        h.t0 = t0
        for j in range(int(gen_s / ITEM_GAP_S)):
            at = t0 + (j + h.index / len(hosts) + rnd.uniform(-0.25, 0.25)) * ITEM_GAP_S
            h.items.append(_item(h, BACKLOG + j, max(t0, at), texts))
        h.items.sort()


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    s = sorted(values)
    return round(s[min(len(s) - 1, int(round(q * (len(s) - 1))))], 2)


CHILD = ("import sys\nif sys.argv[1] != 'shipped':\n    import bantin.ingest.spider as sp\n"
         "    sp.TICK_S = float(sys.argv[1])\nsys.argv = ['bantin', 'crawl', '--no-progress']\n"
         "from bantin.cli.main import main\nmain()\n")


def run_once(tick: str, gen_s: float, texts: list[str]) -> dict[str, Any]:
    hosts = [Host(name, mode, i) for i, (name, mode) in enumerate(HOSTS)]
    servers = []
    for i, h in enumerate(hosts):
        srv = ThreadingHTTPServer((f"127.0.0.{i + 2}", 0), _handler(h))
        srv.daemon_threads = True
        h.base = f"http://127.0.0.{i + 2}:{srv.server_address[1]}"
        threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
        servers.append(srv)
    with tempfile.TemporaryDirectory(prefix="bantin-fresh-") as tmp:
        toml = "".join(f'[[source]]\nname = "{h.name}"\nlanguage = "vi"\nfeeds = ["{h.base}/rss/latest.rss", '
                       + ", ".join(f'"{h.base}/rss/section-{k}.rss"' for k in range(SECTIONS)) + "]\n\n"
                       for h in hosts)
        (Path(tmp) / "sources.toml").write_text(toml, encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("BANTIN_")}
        env.update(BANTIN_DATA_DIR=tmp, BANTIN_SOURCES_FILE=f"{tmp}/sources.toml", BANTIN_ALLOW_LOOPBACK="1",
                   BANTIN_POLL_MIN_S=str(POLL_MIN_S), BANTIN_MIN_HOST_DELAY_S=str(HOST_DELAY_S),
                   BANTIN_EXTRACT_WORKERS="0", PYTHONPATH=str(ROOT))
        t_start = time.time()
        for h in hosts:  # the backlog (an hour old) is there when the crawler starts
            h.items = [_item(h, i, t_start - 3600, texts) for i in range(BACKLOG)]
        log = open(Path(tmp) / "crawl.log", "w", encoding="utf-8")  # noqa: SIM115 (closed below)
        proc = subprocess.Popen([sys.executable, "-c", CHILD, tick], cwd=ROOT, env=env, stdout=log, stderr=log)
        try:
            deadline = time.time() + READY_TIMEOUT_S
            while time.time() < deadline and not all(h.first_feed_at for h in hosts):
                time.sleep(0.2)
            ready_s = time.time() - t_start
            t0 = time.time() + 1.0  # every host was polled once: new items start appearing now
            _schedule(hosts, gen_s, t0, texts)
            end = t0 + gen_s + DRAIN_S
            while time.time() < end and proc.poll() is None:
                time.sleep(1.0)
                if time.time() > t0 + gen_s and _stored_all(tmp, hosts):
                    break
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            log.close()
            for srv in servers:
                srv.shutdown()
                srv.server_close()
        return {"spider_tick_s": tick, "crawler_ready_s": round(ready_s, 1), **_measure(tmp, hosts)}


def _rows(tmp: str, sql: str) -> list[Any]:
    with sqlite3.connect(f"{tmp}/bantin.db") as c:
        return c.execute(sql).fetchall()


def _stored_all(tmp: str, hosts: list[Host]) -> bool:
    urls = {u for (u,) in _rows(tmp, "SELECT canonical_url FROM articles")}
    return all(it[1] in urls for h in hosts for it in h.visible(time.time()))


def _measure(tmp: str, hosts: list[Host]) -> dict[str, Any]:
    stored = {u: datetime.fromisoformat(at).replace(tzinfo=UTC).timestamp()
              for u, at in _rows(tmp, "SELECT canonical_url, fetched_at FROM articles")}
    fetches: dict[str, int] = {}
    for (u,) in _rows(tmp, "SELECT url FROM fetch_log WHERE kind = 'article' AND status = 200"):
        fetches[u] = fetches.get(u, 0) + 1
    polls = dict(_rows(tmp, "SELECT url, count(*) FROM fetch_log WHERE kind = 'feed' GROUP BY url"))
    out: dict[str, Any] = {"hosts": {}}
    healthy: list[float] = []
    normal: list[float] = []
    outage: dict[str, list[float]] = {"before": [], "during": [], "after": []}  # normal hosts, vs the 503 outage
    for h in hosts:
        appeared = h.visible(time.time())
        fresh = [it for it in appeared if it[0] >= (h.t0 or 0)]
        lat = [stored[u] - at for at, u, _, _ in fresh if u in stored]
        if h.mode != "failing":
            healthy += lat
        if not h.mode:
            normal += lat
            for at, u, _, _ in fresh:
                if u in stored:
                    when = at - (h.t0 or 0)
                    key = "before" if when < FAIL_FROM_S else "during" if when < FAIL_TO_S else "after"
                    outage[key].append(stored[u] - at)
        out["hosts"][h.name] = {
            "mode": h.mode or "normal", "items_appeared": len(appeared), "new_items_timed": len(fresh),
            "stored": sum(1 for it in appeared if it[1] in stored),
            "max_article_fetches_per_item": max((fetches.get(it[1], 0) for it in appeared), default=0),
            "latency_s": {"p50": _pct(lat, 0.5), "p95": _pct(lat, 0.95), "max": _pct(lat, 1.0)},
            "feed_polls": {f.split("/")[-1]: polls.get(f, 0) for f in
                           [f"{h.base}/rss/latest.rss", *(f"{h.base}/rss/section-{k}.rss" for k in range(SECTIONS))]},
        }
    goal = 2 * POLL_MIN_S + HOST_DELAY_S
    others = {u for u in stored if not any(u.startswith(h.base + "/") for h in hosts)}
    out.update({"p95_not_failing_s": _pct(healthy, 0.95), "p95_normal_hosts_s": _pct(normal, 0.95),
                "p95_normal_hosts_vs_outage_s": {k: _pct(v, 0.95) for k, v in outage.items()}, "goal_s": goal,
                "goal_met": bool(healthy) and (_pct(healthy, 0.95) or 0) <= goal,
                "stored_not_in_feeds": len(others),
                "every_item_stored_once": all(v["stored"] == v["items_appeared"] for v in out["hosts"].values())
                and not others and max(v["max_article_fetches_per_item"] for v in out["hosts"].values()) <= 1})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gen-s", type=float, default=80.0, help="seconds during which the feeds gain items")
    ap.add_argument("--spider-ticks", default="shipped,2.5", help="comma list: 'shipped' and/or seconds")
    args = ap.parse_args()
    if not 10 <= args.gen_s <= 150:
        sys.exit("--gen-s must be between 10 and 150 (the whole run stays within a few minutes)")
    texts = _texts(200)
    t = time.time()
    runs = [run_once(tick.strip(), args.gen_s, texts) for tick in args.spider_ticks.split(",")[:3]]
    print(json.dumps({"bench": "freshness", "poll_min_s": POLL_MIN_S, "host_delay_s": HOST_DELAY_S,
                      "item_gap_s": ITEM_GAP_S, "gen_s": args.gen_s, "texts": "vntc_small" if VNTC_DEV.is_file()
                      else "random syllables", "runs": runs, "wall_s": round(time.time() - t, 1)},
                     ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
