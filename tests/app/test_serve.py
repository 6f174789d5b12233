"""`bantin serve` as a real process: the API answers, the crawler child runs, a killed crawler is restarted
(health says so), SIGTERM stops both with exit 0, and a port in use is one line with exit 2."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
# Start-up imports FastAPI, opens (creates) the database and starts the crawler, on a busy 2-core machine.
START_TIMEOUT_S = 90.0
# A crawler child restarts after BACKOFF_INITIAL_S plus its own start-up.
RESTART_TIMEOUT_S = 60.0
# SIGTERM: the crawler gets STOP_GRACE_S (20 s), then the server ends.
STOP_TIMEOUT_S = 60.0


def _env(tmp_path: Path) -> dict[str, str]:
    sources = tmp_path / "no-sources.toml"
    sources.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANTIN_")}
    env.update(BANTIN_ALLOW_LOOPBACK="1", BANTIN_DATA_DIR=str(tmp_path / "data"), BANTIN_SOURCES_FILE=str(sources),
               BANTIN_EXTRACT_WORKERS="0", PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])))
    return env  # no BANTIN_DATABASE_URL: SQLite in the data directory, the default


def _children(pid: int) -> set[int]:
    """Child processes of ``pid``, whichever of its threads started them (Linux /proc)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found |= {int(c) for c in (task / "children").read_text().split()}
        except OSError:
            continue
    return found


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")


def _wait_for(what: str, check: Any, timeout_s: float, proc: subprocess.Popen[bytes], log: Path) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"serve exited ({proc.returncode}) waiting for {what}: {log.read_text()[-3000:]}")
        try:
            if got := check():
                return got
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}: {log.read_text()[-3000:]}")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], Path, Path]]:
    out, err = tmp_path / "serve.out", tmp_path / "serve.err"
    with out.open("wb") as o, err.open("wb") as e:
        proc = subprocess.Popen([sys.executable, "-m", "bantin", "serve", "--port", "0"], cwd=ROOT,
                                env=_env(tmp_path), stdout=o, stderr=e, start_new_session=True)
    try:
        yield proc, out, err
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_serve_restarts_a_killed_crawler_and_stops_everything_on_sigterm(
        served: tuple[subprocess.Popen[bytes], Path, Path]) -> None:
    proc, out, err = served
    base = _wait_for("the URL", lambda: (m := re.search(r"http://127\.0\.0\.1:\d+", out.read_text())) and m.group(0),
                     START_TIMEOUT_S, proc, err)
    health_url = f"{base}/api/v1/health"

    def health() -> dict[str, Any]:
        return httpx.get(health_url, timeout=5).json()  # type: ignore[no-any-return]

    first = _wait_for("a live crawler", lambda: (h := health())["crawler_alive"] and h, START_TIMEOUT_S, proc, err)
    assert first["database"] is True and first["crawler_restarts"] == 0 and first["queue_open"] == 0
    assert "bantin users create NAME --role admin --password-stdin" in out.read_text()  # no admin yet
    [crawler] = _children(proc.pid)
    assert "crawl" in Path(f"/proc/{crawler}/cmdline").read_text()

    os.kill(crawler, signal.SIGKILL)
    again = _wait_for("the restart", lambda: (h := health())["crawler_restarts"] >= 1 and h["crawler_alive"] and h,
                      RESTART_TIMEOUT_S, proc, err)
    assert again["crawler_last_exit"] == -signal.SIGKILL and again["crawler_last_exit_at"]
    [restarted] = _children(proc.pid)
    assert restarted != crawler
    assert "restart #1" in err.read_text()

    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=STOP_TIMEOUT_S) == 0, err.read_text()[-3000:]
    assert _gone(proc.pid) and _gone(restarted)
    with pytest.raises(httpx.ConnectError):
        httpx.get(health_url, timeout=2)


def test_a_crawler_does_not_outlive_a_killed_server(served: tuple[subprocess.Popen[bytes], Path, Path]) -> None:
    proc, out, err = served
    base = _wait_for("the URL", lambda: (m := re.search(r"http://127\.0\.0\.1:\d+", out.read_text())) and m.group(0),
                     START_TIMEOUT_S, proc, err)
    _wait_for("a live crawler", lambda: httpx.get(f"{base}/api/v1/health", timeout=5).json()["crawler_alive"],
              START_TIMEOUT_S, proc, err)
    [crawler] = _children(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)  # no chance to stop its child: the kernel tells the child instead
    proc.wait()
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while not _gone(crawler) and time.monotonic() < deadline:
        time.sleep(0.2)
    gone = _gone(crawler)
    if not gone:  # do not leave it crawling after a failed test
        os.kill(crawler, signal.SIGKILL)
    assert gone


def test_no_crawl_runs_only_the_api(tmp_path: Path) -> None:
    out, err = tmp_path / "serve.out", tmp_path / "serve.err"
    with out.open("wb") as o, err.open("wb") as e:
        proc = subprocess.Popen([sys.executable, "-m", "bantin", "serve", "--port", "0", "--no-crawl"], cwd=ROOT,
                                env=_env(tmp_path), stdout=o, stderr=e, start_new_session=True)
    try:
        base = _wait_for("the URL", lambda: (m := re.search(r"http://127\.0\.0\.1:\d+", out.read_text()))
                         and m.group(0), START_TIMEOUT_S, proc, err)
        body = _wait_for("health", lambda: httpx.get(f"{base}/api/v1/health", timeout=5).json(), START_TIMEOUT_S,
                         proc, err)
        assert _children(proc.pid) == set() and "--no-crawl" in out.read_text()
        # no supervisor: the crawler is judged by the fetch log, and nothing was fetched
        assert (body["crawler_alive"], body["crawler_restarts"], body["status"]) == (False, None, "degraded")
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=STOP_TIMEOUT_S) == 0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.mark.parametrize("setting", [None, "1"])
def test_the_access_log_is_off_unless_the_setting_turns_it_on(tmp_path: Path, setting: str | None) -> None:
    env = _env(tmp_path)
    if setting is not None:
        env["BANTIN_ACCESS_LOG"] = setting
    out, err = tmp_path / "serve.out", tmp_path / "serve.err"
    with out.open("wb") as o, err.open("wb") as e:
        proc = subprocess.Popen([sys.executable, "-m", "bantin", "serve", "--port", "0", "--no-crawl"], cwd=ROOT,
                                env=env, stdout=o, stderr=e, start_new_session=True)
    try:
        base = _wait_for("the URL", lambda: (m := re.search(r"http://127\.0\.0\.1:\d+", out.read_text()))
                         and m.group(0), START_TIMEOUT_S, proc, err)
        _wait_for("health", lambda: httpx.get(f"{base}/api/v1/health", timeout=5).json(), START_TIMEOUT_S, proc, err)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=STOP_TIMEOUT_S) == 0
        logged = '"GET /api/v1/health HTTP/1.1" 200' in err.read_text() + out.read_text()
        assert logged is (setting is not None)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_a_port_in_use_is_one_line_and_exit_2(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        r = subprocess.run([sys.executable, "-m", "bantin", "serve", "--port", str(port)], cwd=ROOT,
                           env=_env(tmp_path), capture_output=True, text=True, timeout=START_TIMEOUT_S, check=False)
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and f"127.0.0.1:{port}" in lines[0] and "--port" in lines[0]
    assert not (tmp_path / "data" / "bantin.db").exists()  # refused before touching the database


def _workers(pid: int) -> set[int]:
    """The API worker processes of ``pid`` (multiprocessing spawns them; its resource tracker is no worker)."""
    out = set()
    for child in _children(pid):
        try:
            cmd = Path(f"/proc/{child}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if "spawn_main" in cmd:
            out.add(child)
    return out


def _listening_inodes(port: int) -> set[str]:
    """Inodes of the sockets listening on 127.0.0.1:``port`` (the kernel's own table)."""
    want = f"0100007F:{port:04X}"
    rows = Path("/proc/net/tcp").read_text().splitlines()[1:]
    return {f[9] for f in (r.split() for r in rows) if f[1] == want and f[3] == "0A"}


def _socket_inodes(pid: int) -> set[str]:
    out = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            out.add(target[8:-1])
    return out


def _served(port: int, workers: set[int]) -> dict[int, set[str]]:
    """The listening sockets of ``port`` each worker holds."""
    listening = _listening_inodes(port)
    return {w: _socket_inodes(w) & listening for w in workers}


def _spread(port: int, workers: set[int], connections: int) -> dict[int, int]:
    """Open ``connections`` keep-alive connections at once (one request each, answered) and count, per worker,
    the ones it accepted (each connection's server side is a socket of exactly one worker)."""
    import http.client

    import psutil

    conns = [http.client.HTTPConnection("127.0.0.1", port, timeout=10) for _ in range(connections)]
    try:
        for c in conns:
            c.connect()
        for c in conns:
            c.request("GET", "/api/v1/health")
        for c in conns:
            assert c.getresponse().read()
        return {w: sum(1 for k in psutil.Process(w).net_connections(kind="tcp")
                       if k.status == "ESTABLISHED" and k.laddr.port == port) for w in workers}
    finally:
        for c in conns:
            c.close()


def test_workers_have_a_socket_each_share_the_connections_a_killed_one_is_replaced_and_sigterm_stops_all(
        tmp_path: Path) -> None:
    out, err = tmp_path / "serve.out", tmp_path / "serve.err"
    with out.open("wb") as o, err.open("wb") as e:
        proc = subprocess.Popen([sys.executable, "-m", "bantin", "serve", "--port", "0", "--no-crawl", "--workers",
                                 "2"], cwd=ROOT, env=_env(tmp_path), stdout=o, stderr=e, start_new_session=True)
    try:
        base = _wait_for("the URL", lambda: (m := re.search(r"http://127\.0\.0\.1:\d+", out.read_text()))
                         and m.group(0), START_TIMEOUT_S, proc, err)
        _wait_for("health", lambda: httpx.get(f"{base}/api/v1/health", timeout=5).json(), START_TIMEOUT_S, proc, err)
        workers = _wait_for("two workers", lambda: len(w := _workers(proc.pid)) == 2 and w, START_TIMEOUT_S, proc, err)
        port = int(base.rsplit(":", 1)[1])
        served = _served(port, workers)
        assert all(len(v) == 1 for v in served.values()) and len(set().union(*served.values())) == 2
        # 16 connections opened at once: with one shared socket the first worker to wake took them all
        assert all(n >= 1 for n in _spread(port, workers, 16).values())
        victim = min(workers)
        os.kill(victim, signal.SIGKILL)
        replaced = _wait_for("a replacement worker", lambda: victim not in (w := _workers(proc.pid)) and len(w) == 2
                             and w, RESTART_TIMEOUT_S, proc, err)
        assert replaced - workers  # a new process
        # the replacement serves the socket its predecessor served: none is left without a worker
        assert _wait_for("the socket taken over", lambda: set().union(*(v := _served(port, replaced)).values())
                         == set().union(*served.values()) and all(len(x) == 1 for x in v.values()),
                         RESTART_TIMEOUT_S, proc, err)
        for _ in range(20):  # every request answered while one worker was replaced
            assert httpx.get(f"{base}/api/v1/health", timeout=10).status_code == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=STOP_TIMEOUT_S) == 0
        assert all(_gone(w) for w in replaced)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
