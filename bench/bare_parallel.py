"""Bare ``trafilatura.extract`` in N processes at once: the control for bench/throughput.py's CPU ratio (#8).

The pipeline's CPU per page is measured with its extraction workers running side by side on the machine's cores,
bare trafilatura's in one process alone. Where two busy processes slow each other down (hyper-threads of one core,
a shared cache, a host's other guests), CPU time per page grows with the parallelism itself, and the ratio then
charges the pipeline for the machine. This runs the same bare extraction over the same pages split across N
forked processes (each warm: forked after the serial bare run) and reports its CPU per page; its ratio to the
serial run is the machine's parallel penalty, and the pipeline's CPU over it is the ratio at equal parallelism.
Forked before the crawl starts any thread.
"""

from __future__ import annotations

import multiprocessing
import time
from typing import Any

# The processes start extracting together this long after the pool is made (forks of a ~300 MB process: < 0.1 s).
START_DELAY_S = 0.5


def _share(args: tuple[list[tuple[bytes, str]], float]) -> tuple[float, int]:
    """Extract one process's share of the pages once every process has started; its CPU time and empty pages."""
    import trafilatura

    share, start_at = args
    while time.time() < start_at:  # all processes work at once, as the pipeline's workers do
        time.sleep(0.005)
    empty, c0 = 0, time.process_time()
    for body, url in share:
        empty += not trafilatura.extract(body, url=url)
    return time.process_time() - c0, empty


def bare_parallel_run(pages: list[tuple[bytes, str]], processes: int) -> dict[str, Any]:
    """``pages`` as (body, url); page i goes to process i mod ``processes``."""
    shares = [pages[i::processes] for i in range(processes)]
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(processes) as pool:
        start_at = time.time() + START_DELAY_S
        results = pool.map(_share, [(s, start_at) for s in shares], chunksize=1)
    cpu = sum(c for c, _ in results)
    return {"processes": processes, "cpu_s": round(cpu, 3), "cpu_ms_per_page": round(1000 * cpu / len(pages), 1),
            "no_text": sum(e for _, e in results)}
