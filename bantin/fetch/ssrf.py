"""Which URLs and addresses bantin may connect to (server-side request forgery policy).

Two layers use this module: :func:`check_url` refuses a request before it is queued (scheme, userinfo,
literal IPs in every spelling the HTTP stack would accept), and the DNS resolver
(:mod:`bantin.fetch.resolver`) runs :func:`check_address` on whatever a name resolved to, at connect
time. Hosts are interpreted the way glibc's ``inet_aton`` / the WHATWG URL parser would: ``2130706433``,
``0x7f.1``, ``0177.0.0.1``, ``127.1``, ``%31%32%37.0.0.1``, ``１２７.０.０.１`` and ``127.0.0.1.`` all mean
127.0.0.1, and IPv6 forms that embed an IPv4 address (mapped, compatible, 6to4, NAT64) are judged by the
embedded address.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import unquote, urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Only the web: file:, ftp:, gopher:, data: etc. are classic SSRF vectors and no publisher needs them.
ALLOWED_SCHEMES = frozenset({"http", "https"})
# What a DNS name may contain once IDNA-encoded; anything else (``\``, ``@``, spaces) is a parser-confusion trick.
_HOST_CHARS = re.compile(r"^[a-z0-9_.-]+$")
# Python 3.11's is_global/is_private miss several of these (multicast, NAT64, 6to4, site-local), so list them.
FORBIDDEN_NETWORKS: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",  # "this network"; 0.0.0.0 connects to the local host on Linux
        "10.0.0.0/8",
        "100.64.0.0/10",  # carrier-grade NAT (RFC 6598)
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local, cloud metadata (169.254.169.254)
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.88.99.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, incl. 255.255.255.255
        "::/128",
        "::1/128",
        "::/96",  # IPv4-compatible (deprecated); the embedded address is also checked
        "64:ff9b:1::/48",  # local-use NAT64 (RFC 8215)
        "100::/64",  # discard-only
        "2001::/23",  # IETF protocol assignments incl. Teredo
        "2001:db8::/32",
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "fec0::/10",  # deprecated site-local
        "ff00::/8",  # multicast
    )
)
_LOOPBACK_V4 = ipaddress.ip_network("127.0.0.0/8")
_LOOPBACK_V6 = ipaddress.ip_address("::1")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class SSRFRefused(Exception):
    """The URL or address may not be fetched; ``reason`` is a short machine-readable tag."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def _embedded_ipv4(addr: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address a packet to ``addr`` would really reach (mapped, 6to4, NAT64, compatible)."""
    if addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    if addr.sixtofour is not None:
        return addr.sixtofour
    if addr in _NAT64 or (int(addr) >> 32 == 0 and int(addr) > 1):
        return ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
    return None


def check_address(ip: str | IPAddress, allow_loopback: bool = False) -> None:
    """Raise :class:`SSRFRefused` unless ``ip`` is a public unicast address.

    ``allow_loopback`` admits 127.0.0.0/8 and ::1 (tests, local replay) and nothing else.
    """
    try:
        addr = ipaddress.ip_address(ip.split("%", 1)[0] if isinstance(ip, str) else ip)
    except ValueError as e:
        raise SSRFRefused("bad_address", str(ip)) from e
    if isinstance(addr, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(addr)
        if embedded is not None:
            if addr.ipv4_mapped is not None:
                check_address(embedded, allow_loopback)
                return  # ::ffff:a.b.c.d is exactly a.b.c.d
            check_address(embedded, allow_loopback=False)  # tunnelled loopback is not "loopback"
        if allow_loopback and addr == _LOOPBACK_V6:
            return
    elif allow_loopback and addr in _LOOPBACK_V4:
        return
    if any(addr in net for net in FORBIDDEN_NETWORKS if net.version == addr.version):
        raise SSRFRefused("forbidden_address", str(addr))
    if (
        addr.is_private
        or addr.is_loopback
        or addr.is_link_local
        or addr.is_multicast
        or addr.is_reserved
        or addr.is_unspecified
        or not addr.is_global
    ):
        raise SSRFRefused("forbidden_address", str(addr))


def _parse_ipv4_number(part: str) -> int | None:
    """One dotted part in inet_aton/WHATWG syntax: decimal, 0-prefixed octal, 0x-prefixed hex."""
    if part[:2] in ("0x", "0X"):
        digits, base = part[2:], 16
        if digits == "":
            return 0
    elif len(part) > 1 and part.startswith("0"):
        digits, base = part[1:], 8
    else:
        digits, base = part, 10
    try:
        return int(digits, base) if digits.isalnum() else None
    except ValueError:
        return None


def parse_ipv4_host(host: str) -> ipaddress.IPv4Address | None:
    """Interpret ``host`` as IPv4 the way inet_aton / browsers do (``127.1``, ``0x7f.1``, ``2130706433``).

    Returns None when ``host`` is not IPv4 syntax at all; raises :class:`SSRFRefused` when it looks
    numeric but is invalid (ambiguous hosts are refused rather than guessed).
    """
    parts = host.split(".")
    if parts and parts[-1] == "":
        parts.pop()
    if not parts or any(p == "" for p in parts):
        return None
    numbers = [_parse_ipv4_number(p) for p in parts]
    if numbers[-1] is None:
        return None  # a DNS name (WHATWG: only a numeric last label makes it IPv4)
    if len(parts) > 4 or any(n is None for n in numbers):
        raise SSRFRefused("ambiguous_host", host)
    nums = [n for n in numbers if n is not None]
    if any(n > 255 for n in nums[:-1]) or nums[-1] >= 256 ** (5 - len(nums)):
        raise SSRFRefused("ambiguous_host", host)
    value = nums[-1]
    for i, n in enumerate(nums[:-1]):
        value += n << (8 * (3 - i))
    return ipaddress.IPv4Address(value)


def normalise_host(raw_host: str) -> str | IPAddress:
    """Percent-decode, IDNA-encode and lower-case a URL host; return an address object for IP literals."""
    host = unquote(raw_host).strip()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host.split("%", 1)[0])
        except ValueError as e:
            raise SSRFRefused("bad_host", raw_host) from e
    try:
        host = host.encode("idna").decode("ascii").lower() if host else ""
    except UnicodeError as e:
        raise SSRFRefused("bad_host", raw_host) from e
    if not host or not _HOST_CHARS.match(host) or ".." in host:
        raise SSRFRefused("bad_host", raw_host)
    ipv4 = parse_ipv4_host(host)
    return ipv4 if ipv4 is not None else host.rstrip(".")


def check_url(url: str, allow_loopback: bool = False) -> None:
    """Raise :class:`SSRFRefused` unless ``url`` is an http(s) URL whose host may be contacted.

    DNS names pass here (they are vetted after resolution by the resolver); IP literals in any
    spelling are vetted now, before anything is queued.
    """
    if any(c in url for c in "\\\t\r\n") or url != url.strip():
        raise SSRFRefused("bad_url", url)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as e:
        raise SSRFRefused("bad_url", url) from e
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise SSRFRefused("scheme", parts.scheme or url)
    if "@" in parts.netloc:
        raise SSRFRefused("userinfo", url)  # Twisted and urllib disagree on such hosts
    raw_host = parts.netloc
    if raw_host.startswith("["):
        raw_host = raw_host[: raw_host.find("]") + 1]
    elif ":" in raw_host:
        raw_host = raw_host.rsplit(":", 1)[0]
    host = normalise_host(raw_host)
    if not isinstance(host, str):
        check_address(host, allow_loopback)
    elif host == "localhost" or host.endswith(".localhost"):
        if not allow_loopback:
            raise SSRFRefused("forbidden_address", host)
