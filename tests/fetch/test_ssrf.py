"""SSRF policy: every spelling of a forbidden address is refused; public hosts pass."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from bantin.fetch.ssrf import SSRFRefused, check_address, check_url, parse_ipv4_host

LOOPBACK_SPELLINGS = [
    "http://127.0.0.1/",
    "http://127.0.0.1:8080/x",
    "http://2130706433/",
    "http://0x7f000001/",
    "http://0x7f.1/",
    "http://0177.0.0.1/",
    "http://017700000001/",
    "http://127.1/",
    "http://127.0.1/",
    "http://127.0.0.1./",
    "http://%31%32%37.0.0.1/",
    "http://１２７.０.０.１/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[0:0:0:0:0:ffff:7f00:1]/",
    "http://localhost/",
    "http://LOCALHOST./",
    "http://foo.localhost/",
    "HTTP://127.0.0.1/",
]

FORBIDDEN_NOT_LOOPBACK = [
    "http://10.0.0.1/",
    "http://0xa.1/",
    "http://167772161/",
    "http://172.16.5.4/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://0xa9fea9fe/",
    "http://100.64.0.1/",
    "http://100.127.255.254/",
    "http://0.0.0.0/",
    "http://0/",
    "http://224.0.0.1/",
    "http://239.255.255.250/",
    "http://240.0.0.1/",
    "http://255.255.255.255/",
    "http://192.0.2.10/",
    "http://198.18.0.1/",
    "http://[::]/",
    "http://[fe80::1]/",
    "http://[fe80::1%25eth0]/",
    "http://[fc00::1]/",
    "http://[fd12:3456::1]/",
    "http://[fec0::1]/",
    "http://[ff02::1]/",
    "http://[::ffff:10.0.0.1]/",
    "http://[::ffff:a9fe:a9fe]/",
    "http://[64:ff9b::a9fe:a9fe]/",  # NAT64 of 169.254.169.254
    "http://[64:ff9b::7f00:1]/",  # NAT64 of loopback: not plain loopback, so never allowed
    "http://[2002:a9fe:a9fe::]/",  # 6to4 of 169.254.169.254
    "http://[2002:7f00:1::]/",  # 6to4 of loopback
    "http://[::10.0.0.1]/",  # IPv4-compatible
    "http://[2001:db8::1]/",
]

PUBLIC = [
    "http://baoquangninh.vn/tin-tuc/1.html",
    "https://www.vietnamplus.vn/",
    "https://xn--bo-ija.vn/",
    "https://báo.vn/",
    "http://8.8.8.8/",
    "http://0x8.8.8.8/",
    "http://134744072/",
    "https://[2606:4700:4700::1111]/",
    "https://[::ffff:8.8.8.8]/",
    "http://example.com:8080/path?q=1#frag",
]


@pytest.mark.parametrize("url", LOOPBACK_SPELLINGS)
def test_every_loopback_spelling_is_refused_by_default(url: str) -> None:
    with pytest.raises(SSRFRefused):
        check_url(url, allow_loopback=False)


@pytest.mark.parametrize("url", [u for u in LOOPBACK_SPELLINGS])
def test_allow_loopback_admits_every_loopback_spelling(url: str) -> None:
    check_url(url, allow_loopback=True)


@pytest.mark.parametrize("url", FORBIDDEN_NOT_LOOPBACK)
def test_private_reserved_and_embedded_forms_are_refused_even_with_allow_loopback(url: str) -> None:
    with pytest.raises(SSRFRefused) as exc:
        check_url(url, allow_loopback=True)
    assert exc.value.reason in {"forbidden_address", "bad_host"}


@pytest.mark.parametrize("url", PUBLIC)
def test_public_hosts_pass(url: str) -> None:
    check_url(url, allow_loopback=False)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.com/", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("gopher://127.0.0.1:25/", "scheme"),
        ("data:text/plain,hi", "scheme"),
        ("javascript:alert(1)", "scheme"),
        ("//example.com/", "scheme"),
        ("http://good.com@127.0.0.1/", "userinfo"),
        ("http://user:pw@example.com/", "userinfo"),
        ("http://127.0.0.1\\@good.com/", "bad_url"),
        ("http://example.com:99999/", "bad_url"),
        ("http://exa mple.com/", "bad_host"),
        ("http:///nohost", "bad_host"),
        ("http://1.2.3.4.5/", "ambiguous_host"),
        ("http://example.0x1/", "ambiguous_host"),
        ("http://256.1.1.1/", "ambiguous_host"),
        ("http://1.2.3.99999/", "ambiguous_host"),
    ],
)
def test_malformed_and_trick_urls_are_refused_with_a_reason(url: str, reason: str) -> None:
    with pytest.raises(SSRFRefused) as exc:
        check_url(url, allow_loopback=True)
    assert exc.value.reason == reason


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "127.1", "127.0.1", "2130706433", "0x7f.1", "0177.0.0.1", "0x7f.0.0.1", "0x7F000001"],
)
def test_ipv4_parser_agrees_with_inet_aton(host: str) -> None:
    parsed = parse_ipv4_host(host)
    assert parsed is not None
    assert parsed.packed == socket.inet_aton(host)


def test_dns_names_are_not_mistaken_for_addresses() -> None:
    assert parse_ipv4_host("baoquangninh.vn") is None
    assert parse_ipv4_host("1.2.3.example") is None


@pytest.mark.parametrize(
    ("ip", "allowed_with_loopback"),
    [("127.0.0.1", True), ("127.255.0.9", True), ("::1", True), ("::ffff:127.0.0.1", True),
     ("10.1.2.3", False), ("192.168.0.1", False), ("169.254.1.1", False), ("100.64.1.1", False),
     ("0.0.0.0", False), ("::", False), ("fe80::1%eth0", False)],
)  # fmt: skip
def test_allow_loopback_admits_only_loopback_addresses(ip: str, allowed_with_loopback: bool) -> None:
    with pytest.raises(SSRFRefused):
        check_address(ip, allow_loopback=False)
    if allowed_with_loopback:
        check_address(ip, allow_loopback=True)
    else:
        with pytest.raises(SSRFRefused):
            check_address(ip, allow_loopback=True)


def test_public_addresses_pass_check_address() -> None:
    for ip in ("8.8.8.8", "203.162.4.190", "2606:4700:4700::1111", ipaddress.ip_address("1.1.1.1")):
        check_address(ip, allow_loopback=False)


def test_garbage_address_is_refused() -> None:
    with pytest.raises(SSRFRefused) as exc:
        check_address("not-an-ip")
    assert exc.value.reason == "bad_address"
