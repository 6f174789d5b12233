"""wrk as the load generator for bench/api_load.py (``--generator wrk``): a C closed loop that costs the
2-core machine far less CPU than a Python client, so the server gets the cores it is measured on.

Each group's paths are cycled by a Lua script (one request after another per connection, the bearer token
on every request); wrk's own latency histogram gives the percentiles. With ``server_pid`` the server's CPU
time (the process and its children: the ``--workers`` processes) per request is reported beside it, a figure
the machine's other load disturbs much less than latency does.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

# wrk threads: one drives all connections of a group (it spends ~0.1 ms of CPU per request).
WRK_THREADS = 1
# A request slower than this counts as a wrk timeout error.
WRK_TIMEOUT_S = 10

LUA = r"""
local paths = {}
for line in io.lines(os.getenv("BANTIN_WRK_PATHS")) do paths[#paths + 1] = line end
local token = os.getenv("BANTIN_WRK_TOKEN")
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1], {["Authorization"] = "Bearer " .. token})
end
done = function(summary, latency, requests)
  local errs = summary.errors
  io.write(string.format('WRKJSON {"requests": %d, "duration_us": %d, "p50_ms": %.2f, "p95_ms": %.2f, ' ..
    '"p99_ms": %.2f, "max_ms": %.2f, "socket_errors": %d, "non_2xx": %d}\n', summary.requests, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, errs.connect + errs.read + errs.write + errs.timeout, errs.status))
end
"""


def available() -> bool:
    return shutil.which("wrk") is not None


def _cpu_s(pid: int | None) -> float | None:
    if pid is None:
        return None
    import psutil

    proc = psutil.Process(pid)
    total = 0.0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.NoSuchProcess:
            continue
    return total


def _wrk(base_url: str, token: str, paths_file: Path, script: Path, seconds: float, connections: int) -> dict[str, Any]:
    env = {"BANTIN_WRK_PATHS": str(paths_file), "BANTIN_WRK_TOKEN": token, "PATH": "/usr/bin:/bin"}
    out = subprocess.run(["wrk", f"-t{WRK_THREADS}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
                          f"--timeout={WRK_TIMEOUT_S}s", "-s", str(script), base_url], env=env,
                         capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("WRKJSON "))
    return json.loads(line.removeprefix("WRKJSON "))  # type: ignore[no-any-return]


def run_group(base_url: str, token: str, paths: list[str], duration: float, warmup: float, connections: int,
              server_pid: int | None = None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bantin-wrk-") as tmp:
        script, listing = Path(tmp) / "cycle.lua", Path(tmp) / "paths.txt"
        script.write_text(LUA)
        listing.write_text("\n".join(paths) + "\n")
        if warmup > 0:
            _wrk(base_url, token, listing, script, warmup, connections)
        cpu0 = _cpu_s(server_pid)
        got = _wrk(base_url, token, listing, script, duration, connections)
        cpu1 = _cpu_s(server_pid)
    seconds = got["duration_us"] / 1e6
    res: dict[str, Any] = {"requests": got["requests"], "rps": round(got["requests"] / seconds, 1),
                           "p50_ms": got["p50_ms"], "p95_ms": got["p95_ms"], "p99_ms": got["p99_ms"],
                           "max_ms": got["max_ms"], "errors": {k: got[k] for k in ("socket_errors", "non_2xx")
                                                               if got[k]}, "variants": len(paths)}
    if cpu0 is not None and cpu1 is not None and got["requests"]:
        res["server_cpu_ms_per_request"] = round((cpu1 - cpu0) * 1000 / got["requests"], 2)
    return res
