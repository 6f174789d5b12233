"""SafeResolver: every answer, cached or fresh, is vetted before Twisted may connect to it."""

from __future__ import annotations

from typing import Any

import pytest
from scrapy.resolver import dnscache
from twisted.python.failure import Failure

from bantin.fetch.resolver import SafeResolver, SSRFRefusedLookup, ensure_installed, refusals


class FakeReactor:
    """Just enough reactor for the resolver's constructor and installation."""

    def __init__(self) -> None:
        self.nameResolver: Any = None

    def installResolver(self, resolver: Any) -> None:
        self.nameResolver = type("Complexifier", (), {"_simpleResolver": resolver})()


def _outcome(resolver: SafeResolver, name: str) -> Any:
    box: list[Any] = []
    resolver.getHostByName(name).addBoth(box.append)
    return box[0]


@pytest.fixture(autouse=True)
def _clean() -> Any:
    yield
    refusals.clear()
    for name in ("rebound.example", "fine.example", "loop.example"):
        dnscache.pop(name, None)


def test_name_resolving_to_private_address_is_refused_and_remembered() -> None:
    resolver = SafeResolver(FakeReactor(), 100, 5.0)  # type: ignore[arg-type]
    with pytest.raises(SSRFRefusedLookup):
        resolver._vet("10.1.2.3", "Intranet.Example")
    assert refusals.reason_for("intranet.example") == "forbidden_address"
    assert refusals.reason_for("other.example") is None


def test_cached_answers_are_vetted_again() -> None:
    # A cache entry pointing at the metadata service (rebinding, poisoning) must not be trusted.
    dnscache["rebound.example"] = "169.254.169.254"
    result = _outcome(SafeResolver(FakeReactor(), 100, 5.0), "rebound.example")  # type: ignore[arg-type]
    assert isinstance(result, Failure) and result.check(SSRFRefusedLookup)


def test_public_cached_answer_passes_through() -> None:
    dnscache["fine.example"] = "203.162.4.190"
    assert _outcome(SafeResolver(FakeReactor(), 100, 5.0), "fine.example") == "203.162.4.190"  # type: ignore[arg-type]


def test_allow_loopback_lets_only_loopback_through() -> None:
    dnscache["loop.example"] = "127.0.0.1"
    assert _outcome(SafeResolver(FakeReactor(), 100, 5.0, allow_loopback=True), "loop.example") == "127.0.0.1"  # type: ignore[arg-type]
    strict = _outcome(SafeResolver(FakeReactor(), 100, 5.0), "loop.example")  # type: ignore[arg-type]
    assert isinstance(strict, Failure)


def test_ensure_installed_installs_once() -> None:
    reactor = FakeReactor()
    assert ensure_installed(reactor, allow_loopback=False) is True
    assert isinstance(reactor.nameResolver._simpleResolver, SafeResolver)
    assert ensure_installed(reactor, allow_loopback=False) is False
    assert ensure_installed(reactor, allow_loopback=True) is True  # a different policy replaces it
