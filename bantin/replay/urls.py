"""URL mapping for ``bantin replay``: which captured file answers which original URL, and back. Original
URLs are reduced to a key (host + percent-decoded path + query, scheme and fragment dropped) that both the
capture table DIR/url-map.tsv and the news archive are indexed by; replay URLs put the original host first
(``/<host>/<path>?<query>``, or ``/_capture/<n>/<host>/...`` for an older capture). The small date parsers
for ``before=`` query parameters and archive timestamps live here too, since every replay module needs them.
"""

from __future__ import annotations

import csv
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from bantin.text.diacritics import fold

# Characters left unescaped in a replay path: RFC 3986 pchar plus "/", so original paths round-trip.
PATH_SAFE = "/:@!$&'()*+,;=-._~"
# A run of https://lowercase-host/path lines that url_key() would return unchanged minus the scheme.
_PLAIN_URLS = re.compile(rb"(?:https?://[a-z0-9.-]+/[^\s%#]*\n)*")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Capture:
    original_url: str
    path: Path
    encoding: str  # "gzip" or "identity": how the file is stored
    content_type: str


def url_key(url: str) -> bytes:
    """host+path+query of an absolute URL (UTF-8): scheme and fragment dropped, path percent-decoded."""
    rest = url.split("://", 1)[-1].split("#", 1)[0]
    host, _, tail = rest.partition("/")
    path, q, query = ("/" + tail).partition("?")
    return f"{host.lower()}{unquote(path) if '%' in path else path}{q}{query}".encode()


def url_keys(urls: list[bytes]) -> list[bytes]:
    """url_key() for many URLs; one regex check lets plain https://lowercase-host/path skip decoding."""
    if _PLAIN_URLS.fullmatch(b"\n".join(urls) + b"\n"):
        return [u.partition(b"://")[2] for u in urls]
    return [url_key(u.decode()) for u in urls]


def replay_url(base_url: str, original_url: str, capture: int | None = None) -> str:
    """Replay URL of ``original_url`` under ``base_url``; ``capture`` picks one of several captures."""
    parts = urlsplit(original_url)
    path = quote(unquote(parts.path) or "/", safe=PATH_SAFE)
    prefix = "" if capture is None else f"/_capture/{capture}"
    query = f"?{parts.query}" if parts.query else ""
    return f"{base_url}{prefix}/{parts.netloc.lower()}{path}{query}"


def load_url_map(root: Path) -> tuple[dict[bytes, list[Capture]], list[str]]:
    """(url_key -> captures in url-map.tsv order, the last being the default; rows whose file is missing)."""
    table = root / "url-map.tsv"
    captures: dict[bytes, list[Capture]] = {}
    missing: list[str] = []
    if table.is_file():
        with table.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                cap = Capture(row["original_url"], root / row["path"], row["content_encoding"] or "identity",
                              row["content_type"] or "application/octet-stream")
                if cap.path.is_file():
                    captures.setdefault(url_key(cap.original_url), []).append(cap)
                else:
                    missing.append(row["path"])
    if missing:
        log.warning("url-map.tsv lists %d files that do not exist, e.g. %s", len(missing), missing[0])
    return captures, missing


def slug(text: str) -> str:
    """ASCII path segment: 'VnExpress - Thế Giới' -> 'vnexpress-the-gioi'."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text).lower()).strip("-") or "x"


def parse_ts(value: str | None) -> int | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    return int((dt if dt.tzinfo else dt.replace(tzinfo=UTC)).timestamp())


def iso_z(ts: int) -> str:
    """UTC ISO 8601 with a Z, safe in a query string (no '+')."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
