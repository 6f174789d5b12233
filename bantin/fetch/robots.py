"""robots.txt decisions per RFC 9309, with bantin's policy for failures (pure logic, no Twisted).

* 2xx: parse with Protego (first :data:`ROBOTS_MAX_BYTES` only, RFC 9309 §2.5).
* 4xx ("unavailable", §2.3.1.3): everything allowed -- except 429, which bantin treats like 5xx because the
  host is telling us to go away.
* 5xx, timeouts, connection failures, refused addresses ("unreachable", §2.3.1.4): everything disallowed
  until a re-check after :data:`ROBOTS_FAILURE_RECHECK_S`.
* Redirects are followed for up to :data:`ROBOTS_MAX_REDIRECTS` hops (§2.3.1.2); beyond that the file is
  treated as unavailable, as the RFC allows.

Rules are cached per scheme + host + port for :data:`ROBOTS_CACHE_TTL_S` (§2.4).
The Scrapy side lives in :class:`bantin.fetch.robots_middleware.RobotsMiddleware`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from protego import Protego

# RFC 9309 §2.5: crawlers must parse at least 500 KiB; anything after that is ignored.
ROBOTS_MAX_BYTES = 500 * 1024
# RFC 9309 §2.4: a cached robots.txt should not be used for more than 24 hours.
ROBOTS_CACHE_TTL_S = 24 * 3600.0
# A host whose robots.txt failed is retried after 30 min: soon enough to resume, rare enough to be polite.
ROBOTS_FAILURE_RECHECK_S = 30 * 60.0
# RFC 9309 §2.3.1.2: follow at least five consecutive redirects.
ROBOTS_MAX_REDIRECTS = 5
# Statuses that mean "do not crawl me now" even though RFC 9309 would file 429 under 4xx.
UNREACHABLE_4XX = frozenset({429})

Kind = Literal["parsed", "allow_all", "disallow_all"]
_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_key(url: str) -> str:
    """``scheme://host:port`` -- robots.txt applies to exactly one such origin (RFC 9309 §2.3)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    port = parts.port or _DEFAULT_PORTS.get(scheme, 0)
    host = f"[{host}]" if ":" in host else host
    return f"{scheme}://{host}:{port}"


def robots_url(url: str) -> str:
    return f"{origin_key(url)}/robots.txt"


def is_robots_url(url: str) -> bool:
    return urlsplit(url).path == "/robots.txt"


def product_token(user_agent: str) -> str:
    """The token robots.txt groups match against (RFC 9309 §2.2.1): ``bantin`` from ``bantin/0.1 (...)``."""
    return user_agent.split("/", 1)[0].split(" ", 1)[0] or user_agent


@dataclass(frozen=True)
class RobotsRules:
    kind: Kind
    reason: str  # short tag for counters and logs: "2xx", "4xx", "5xx", "unreachable", ...
    fetched_at: float
    ttl_s: float
    parser: Protego | None = None

    def allows(self, url: str, agent: str) -> bool:
        if is_robots_url(url):
            return True  # RFC 9309 §2.2.2: /robots.txt is implicitly allowed
        if self.kind == "allow_all":
            return True
        if self.kind == "disallow_all" or self.parser is None:
            return False
        return bool(self.parser.can_fetch(url, agent))

    def crawl_delay(self, agent: str) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(agent)
        return float(delay) if delay is not None else None

    def expired(self, now: float) -> bool:
        return now - self.fetched_at >= self.ttl_s


def parse_robots(body: bytes) -> Protego:
    """Parse the first :data:`ROBOTS_MAX_BYTES` of ``body`` as UTF-8 (RFC 9309 §2.3)."""
    if len(body) > ROBOTS_MAX_BYTES:
        body = body[:ROBOTS_MAX_BYTES]
        body = body[: body.rfind(b"\n") + 1] or body  # drop a line cut in half
    text = body.decode("utf-8", errors="replace").lstrip("\ufeff")
    return Protego.parse(text)


def rules_from_response(status: int, body: bytes, now: float) -> RobotsRules:
    """Rules for a final (non-redirect) robots.txt response."""
    if 200 <= status < 300:
        return RobotsRules("parsed", "2xx", now, ROBOTS_CACHE_TTL_S, parse_robots(body))
    if 400 <= status < 500 and status not in UNREACHABLE_4XX:
        return RobotsRules("allow_all", "4xx", now, ROBOTS_CACHE_TTL_S)
    if 300 <= status < 400:
        return RobotsRules("allow_all", "unfollowable_redirect", now, ROBOTS_CACHE_TTL_S)
    tag = "5xx" if 500 <= status < 600 else f"status_{status}"
    return RobotsRules("disallow_all", tag, now, ROBOTS_FAILURE_RECHECK_S)


def rules_from_failure(reason: str, now: float) -> RobotsRules:
    """Rules when robots.txt could not be fetched at all (timeout, refused, unreachable)."""
    return RobotsRules("disallow_all", reason, now, ROBOTS_FAILURE_RECHECK_S)


def rules_for_too_many_redirects(now: float) -> RobotsRules:
    return RobotsRules("allow_all", "too_many_redirects", now, ROBOTS_CACHE_TTL_S)


class RobotsCache:
    """Rules per origin, dropped once expired."""

    def __init__(self) -> None:
        self._rules: dict[str, RobotsRules] = {}

    def get(self, key: str, now: float) -> RobotsRules | None:
        rules = self._rules.get(key)
        if rules is None or rules.expired(now):
            self._rules.pop(key, None)
            return None
        return rules

    def put(self, key: str, rules: RobotsRules) -> None:
        self._rules[key] = rules

    def __len__(self) -> int:
        return len(self._rules)
