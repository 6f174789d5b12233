"""Protection of the API: login throttling, a per-client rate limit, bounded request bodies (413), CORS only
when configured, security headers on every response.

The counters live in this process's memory, bounded in size (MAX_TRACKED_KEYS): bantin serves the API from
one server process (``bantin serve``), so one process sees every request. Several processes would each
count on their own (the limits would multiply by the number of processes).
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bantin.app.settings import Settings

# Failed logins are counted over this window; an attacker gets LOGIN_MAX_FAILURES tries per 15 minutes,
# an officer who mistyped waits at most a coffee break.
LOGIN_WINDOW_S = 15 * 60
# The rate limit counts requests over one minute (the setting is per minute).
RATE_WINDOW_S = 60
# Keys (accounts, addresses, credentials) remembered at once: bounded memory (~100 bytes each plus their
# timestamps) even under a flood of made-up names; the least recently seen key is forgotten first.
MAX_TRACKED_KEYS = 10_000
# Tokens and cookies are ~50 characters (accounts.secrets); longer credentials are not ours (same bound as
# accounts.tokens.resolve_token).
MAX_CREDENTIAL_CHARS = 210
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
]
# Headers a browser client of the API sends (CORS preflight allows exactly these).
CORS_HEADERS = ["Authorization", "Content-Type", "X-CSRF-Token"]
CORS_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


class SlidingLog:
    """Timestamps of events per key within a window, for at most MAX_TRACKED_KEYS keys (LRU). Thread-safe:
    sync routes (the login) run in a thread pool."""

    def __init__(self, window_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.window_s = window_s
        self.clock = clock
        self._log: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _events(self, key: str) -> deque[float]:
        now = self.clock()
        events = self._log.get(key)
        if events is None:
            events = deque()
            self._log[key] = events
            while len(self._log) > MAX_TRACKED_KEYS:
                self._log.popitem(last=False)
        self._log.move_to_end(key)
        while events and events[0] <= now - self.window_s:
            events.popleft()
        return events

    def count(self, key: str) -> int:
        with self._lock:
            return len(self._events(key))

    def add(self, key: str, limit: int) -> None:
        with self._lock:
            events = self._events(key)
            events.append(self.clock())
            while len(events) > limit:  # only the last `limit` matter for retry_after
                events.popleft()

    def retry_after(self, key: str, limit: int) -> int | None:
        """Seconds until ``key`` is below ``limit`` again, or None when it is below now."""
        with self._lock:
            events = self._events(key)
            if len(events) < limit:
                return None
            oldest = events[len(events) - limit]
            return max(1, math.ceil(oldest + self.window_s - self.clock()))

    def reset(self, key: str) -> None:
        with self._lock:
            self._log.pop(key, None)


class LoginThrottle:
    """Failed logins per account and per client address; over either limit every try waits (429), even one
    with the right password, so guessing gains nothing. A successful login clears the account's count."""

    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_account = settings.login_max_failures
        self.per_address = settings.login_max_failures_per_address
        self.log = SlidingLog(LOGIN_WINDOW_S, clock)

    def retry_after(self, account: str, address: str) -> int | None:
        waits = [w for w in (self.log.retry_after("account:" + account.lower(), self.per_account),
                             self.log.retry_after("address:" + address, self.per_address)) if w is not None]
        return max(waits) if waits else None

    def failed(self, account: str, address: str) -> None:
        self.log.add("account:" + account.lower(), self.per_account)
        self.log.add("address:" + address, self.per_address)

    def succeeded(self, account: str) -> None:
        self.log.reset("account:" + account.lower())


def client_key(scope: Scope) -> str:
    """Who the rate limit counts: the bearer token, else the session cookie (hashed), else the address.
    A header that cannot be one of our tokens counts against the address, so made-up headers do not each
    get a fresh allowance (made-up ``bt_`` tokens still do: they cost one indexed lookup and a 401)."""
    headers = dict(scope.get("headers") or [])
    auth = headers.get(b"authorization", b"")
    if auth.lower().startswith(b"bearer bt_") and len(auth) <= MAX_CREDENTIAL_CHARS:
        return "token:" + hashlib.sha256(auth).hexdigest()
    for part in headers.get(b"cookie", b"").split(b";"):
        name, _, value = part.strip().partition(b"=")
        if name == b"bantin_session" and 0 < len(value) <= MAX_CREDENTIAL_CHARS:
            return "session:" + hashlib.sha256(value).hexdigest()
    client = scope.get("client")
    return "address:" + (client[0] if client else "unknown")


async def send_json(send: Send, status: int, detail: str, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps({"detail": detail}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


class RateLimitMiddleware:
    """At most ``rate_limit_per_minute`` requests per client per minute; then 429 with Retry-After."""

    def __init__(self, app: ASGIApp, limit: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        self.limit = limit
        self.log = SlidingLog(RATE_WINDOW_S, clock)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        key = client_key(scope)
        wait = self.log.retry_after(key, self.limit)
        if wait is not None:
            await send_json(send, 429, f"quá nhiều yêu cầu, thử lại sau {wait} giây (too many requests; "
                                       f"retry after {wait} s)", [(b"retry-after", str(wait).encode())])
            return
        self.log.add(key, self.limit)
        await self.app(scope, receive, send)


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"nội dung yêu cầu quá lớn (request body over {limit} bytes)")


class BodyLimitMiddleware:
    """Request bodies of at most ``limit`` bytes: a larger Content-Length is refused before reading, and a
    streamed (chunked) body is cut off as soon as it passes the limit. Both answer 413 in JSON."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        too_large = BodyTooLarge(self.limit)
        for name, value in scope.get("headers") or []:
            if name == b"content-length":
                if not value.isdigit() or int(value) > self.limit:
                    await send_json(send, 413, str(too_large.detail))
                    return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise too_large
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:  # read outside a route (FastAPI's own handlers turn it into the 413 themselves)
            if started:
                raise
            await send_json(send, 413, str(too_large.detail))


class SecurityHeadersMiddleware:
    """nosniff, same-origin referrers, no framing: on every response, errors included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *[(n, v) for n, v in SECURITY_HEADERS if n not in present]]
            await send(message)

        await self.app(scope, receive, with_headers)


def install_security(app: FastAPI, settings: Settings) -> None:
    """Wire the protections in; the last added middleware runs first (outermost: the headers)."""
    app.state.login_throttle = LoginThrottle(settings)
    app.add_middleware(RateLimitMiddleware, limit=settings.rate_limit_per_minute)
    app.add_middleware(BodyLimitMiddleware, limit=settings.max_request_bytes)
    origins = settings.cors_origin_list
    if origins:  # closed unless BANTIN_CORS_ORIGINS names origins ('*' is refused by the settings)
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_credentials=True,
                           allow_methods=CORS_METHODS, allow_headers=CORS_HEADERS)
    app.add_middleware(SecurityHeadersMiddleware)


def security_headers() -> dict[str, str]:
    return {n.decode(): v.decode() for n, v in SECURITY_HEADERS}


def login_throttle(app: Any) -> LoginThrottle:
    return app.state.login_throttle  # type: ignore[no-any-return]
