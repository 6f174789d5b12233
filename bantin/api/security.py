"""Protection of the API, as pure ASGI middlewares: a per-client rate limit, bounded request bodies (413),
CORS only when configured, security headers on every response; the login throttle (api/throttle.py) is
set up here and used by the login route. The counters are in-process (api/throttle.py says why)."""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bantin.api.throttle import LoginThrottle, SlidingLog
from bantin.app.settings import Settings

# The rate limit counts requests over one minute (the setting is per minute).
RATE_WINDOW_S = 60
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
    # each of N API processes counts on its own: each allows 1/N, so a client never gets more than the limit
    app.add_middleware(RateLimitMiddleware, limit=max(1, math.ceil(settings.rate_limit_per_minute / settings.api_workers)))
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
