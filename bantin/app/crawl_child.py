"""The crawler as `bantin serve` runs it: ``python -m bantin.app.crawl_child PARENT_PID`` is
`bantin crawl --no-progress`, but it dies with its server.

On Linux it first asks the kernel for SIGTERM when the server's supervising thread ends
(``PR_SET_PDEATHSIG``), so a server that is killed outright (SIGKILL, the OOM killer) leaves no crawler
behind writing to the database; a server that died before the request makes it exit at once. SIGTERM is
the crawl's own graceful stop. Elsewhere it simply runs the crawl.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

# linux/prctl.h: deliver a signal to this process when its parent thread dies.
PR_SET_PDEATHSIG = 1
# The command line the child runs (the continuous crawl, logging to stderr).
CRAWL_ARGV = ["bantin", "crawl", "--no-progress"]


def die_with_parent(parent_pid: int) -> bool:
    """Ask for SIGTERM on the parent's death; False when the parent is already gone."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
        except (OSError, AttributeError):  # no libc prctl (unusual builds): run unguarded
            pass
    return os.getppid() == parent_pid


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[1].isdigit() and not die_with_parent(int(argv[1])):
        return 0  # the server is gone: nobody to crawl for
    from bantin.cli.main import main as cli_main

    sys.argv = list(CRAWL_ARGV)
    cli_main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
