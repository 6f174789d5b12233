"""API worker processes that each accept on a socket of their own, so the kernel spreads connections over them.

Why: with one shared listening socket the first worker to wake accepts every connection waiting (asyncio accepts
up to the backlog per wake-up), so a client that opens a few keep-alive connections at once (a reverse proxy, a
load generator) often lands all of them on one process, which its GIL then bounds: at 1,000,000 articles on
SQLite, 8 connections on one worker made ~300 searches a second against ~650 when shared
(docs/benchmarks.md, API load, session 12). Here the address gets one listening socket per worker in one
``SO_REUSEPORT`` group, and the kernel hands each new connection to one of them by its address hash.

:class:`SocketPerWorker` is uvicorn's own supervisor (restart of a dead or hung worker, SIGHUP restarts, stop
on SIGINT / SIGTERM) with one change: each worker it starts is given the one socket that no live worker
serves (a replacement takes its predecessor's), never all of them. A socket is never left without a worker:
SIGTTOU (one worker fewer) is refused.
"""

from __future__ import annotations

import logging
import socket
import weakref
from collections import Counter
from typing import Any

from uvicorn.supervisors import Multiprocess

log = logging.getLogger("bantin.serve")


def reuseport_group(sock: socket.socket, n: int, backlog: int) -> list[socket.socket]:
    """``n`` listening sockets on ``sock``'s address in one ``SO_REUSEPORT`` group; ``sock`` (which proved the
    address free: a plain bind fails on a port held by anyone, another group included) is closed."""
    addr, family = sock.getsockname(), sock.family
    sock.close()
    group: list[socket.socket] = []
    try:
        for _ in range(n):
            s = socket.socket(family, socket.SOCK_STREAM)
            group.append(s)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            s.bind(addr)
            s.listen(backlog)
            s.set_inheritable(False)  # the crawler child must not hold the server's port
    except OSError:
        for s in group:
            s.close()
        raise
    return group


class SocketPerWorker(Multiprocess):
    """uvicorn's :class:`Multiprocess`, each new worker serving the group's least-served socket (ties: the one
    whose worker is oldest, which is the one a SIGHUP restart is about to replace)."""

    def __init__(self, config: Any, group: list[socket.socket]) -> None:
        self._group = group
        self._served: weakref.WeakKeyDictionary[Any, tuple[int, int]] = weakref.WeakKeyDictionary()
        self._pending: int | None = None  # the socket handed to the worker being started
        self._births = 0
        super().__init__(config, sockets=group)

    @property  # type: ignore[override]
    def sockets(self) -> list[socket.socket]:
        """Read by uvicorn once for each worker it starts: that worker's socket, alone."""
        self._note_started()
        live = [self._served[p] for p in self.processes if p in self._served and p.process.is_alive()]
        workers = Counter(index for index, _ in live)
        oldest: dict[int, int] = {}
        for index, born in live:
            oldest[index] = min(oldest.get(index, born), born)
        choice = min(range(len(self._group)), key=lambda i: (workers[i], oldest.get(i, 0), i))
        self._pending = choice
        return [self._group[choice]]

    @sockets.setter
    def sockets(self, value: list[socket.socket]) -> None:
        pass  # uvicorn's __init__ stores the list it was given; the group is kept in _group

    def _note_started(self) -> None:
        """Record which socket the worker started since the last call got (one that failed its start-up was
        never added to ``processes``, and its socket goes to the next one)."""
        for p in self.processes:
            if p not in self._served and self._pending is not None:
                self._served[p] = (self._pending, self._births)
                self._births += 1
        self._pending = None

    def handle_ttou(self) -> None:
        log.warning("SIGTTOU bỏ qua (ignored): each API worker serves a socket of its own; restart with fewer "
                    "--workers instead")
