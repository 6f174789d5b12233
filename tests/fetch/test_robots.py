"""robots.txt: RFC 9309 parsing and bantin's failure policy, pure and end to end through Scrapy."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass

import pytest
from scrapy.exceptions import CannotResolveHostError, DownloadTimeoutError
from twisted.internet import error as txerror

from bantin.app.settings import Settings
from bantin.fetch import robots
from bantin.fetch.oneoff import FetchReport, run_fetch
from bantin.fetch.robots_middleware import unreachable_cause
from tests.httpfixtures import Handler, HostileServer

AGENT = "bantin"
RULES = "User-agent: *\nDisallow: /private\n"


# -- pure decisions ---------------------------------------------------------------------------------


def test_robots_2xx_is_parsed_and_obeyed() -> None:
    rules = robots.rules_from_response(200, RULES.encode(), now=0.0)
    assert rules.allows("http://a.vn/page", AGENT)
    assert not rules.allows("http://a.vn/private/1", AGENT)


def test_robots_group_for_our_product_token_wins() -> None:
    body = b"User-agent: bantin\nDisallow: /only-bantin\n\nUser-agent: *\nDisallow: /\n"
    rules = robots.rules_from_response(200, body, now=0.0)
    agent = robots.product_token("bantin/0.1.0 (press monitoring; +https://example.org)")
    assert agent == "bantin"
    assert rules.allows("http://a.vn/page", agent)
    assert not rules.allows("http://a.vn/only-bantin", agent)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410])
def test_robots_4xx_allows_everything(status: int) -> None:
    rules = robots.rules_from_response(status, b"User-agent: *\nDisallow: /\n", now=0.0)
    assert rules.kind == "allow_all"
    assert rules.allows("http://a.vn/anything", AGENT)


@pytest.mark.parametrize("status", [500, 502, 503, 504, 429])
def test_robots_5xx_and_429_disallow_everything(status: int) -> None:
    rules = robots.rules_from_response(status, b"", now=0.0)
    assert rules.kind == "disallow_all"
    assert not rules.allows("http://a.vn/", AGENT)
    assert rules.ttl_s == robots.ROBOTS_FAILURE_RECHECK_S


def test_robots_txt_itself_is_always_allowed() -> None:
    rules = robots.rules_from_failure("unreachable", now=0.0)
    assert rules.allows("http://a.vn/robots.txt", AGENT)
    assert not rules.allows("http://a.vn/robots.txt.bak", AGENT)


def test_robots_rules_beyond_500_kib_are_ignored() -> None:
    padding = b"# " + b"x" * 1000 + b"\n"
    body = b"User-agent: *\nDisallow: /early\n" + padding * 600 + b"Disallow: /late\n"
    assert len(body) > robots.ROBOTS_MAX_BYTES
    rules = robots.rules_from_response(200, body, now=0.0)
    assert not rules.allows("http://a.vn/early", AGENT)
    assert rules.allows("http://a.vn/late", AGENT)


def test_robots_cache_expires_failures_sooner_than_successes() -> None:
    cache = robots.RobotsCache()
    cache.put("http://a.vn:80", robots.rules_from_response(200, b"", now=0.0))
    cache.put("http://b.vn:80", robots.rules_from_failure("unreachable", now=0.0))
    later = robots.ROBOTS_FAILURE_RECHECK_S + 1
    assert cache.get("http://a.vn:80", later) is not None
    assert cache.get("http://b.vn:80", later) is None
    assert cache.get("http://a.vn:80", robots.ROBOTS_CACHE_TTL_S + 1) is None


def test_robots_origin_is_scheme_host_and_port() -> None:
    assert robots.origin_key("http://A.vn/x?y") == "http://a.vn:80"
    assert robots.origin_key("https://a.vn/x") == "https://a.vn:443"
    assert robots.origin_key("http://a.vn:8080/x") == "http://a.vn:8080"
    assert robots.robots_url("https://a.vn:8443/deep/page") == "https://a.vn:8443/robots.txt"
    assert robots.origin_key("http://[::1]:81/") == "http://[::1]:81"


# -- end to end through Scrapy ---------------------------------------------------------------------


@dataclass
class Scenario:
    servers: dict[str, HostileServer]
    dead_port: int
    report: FetchReport

    def result(self, name: str, path: str):  # noqa: ANN201 - FetchResult
        return self.report.results[self.servers[name].url(path)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve_rules(h: Handler) -> None:
    h.reply(200, RULES.encode(), {"Content-Type": "text/plain"})


@pytest.fixture(scope="module")
def scenario() -> Iterator[Scenario]:
    names = ["ok", "missing", "down", "slow", "redirected", "looping", "to_metadata", "huge", "busy"]
    with ExitStack() as stack:
        srv = {n: stack.enter_context(HostileServer()) for n in names}
        srv["ok"].set_robots(200, RULES)
        srv["missing"].set_robots(404, "User-agent: *\nDisallow: /\n")
        srv["down"].set_robots(503, "")
        srv["slow"].set_robots(200, "", delay=5.0)  # longer than the 1 s download timeout
        srv["redirected"].set_robots(301, location="/redirect?to=/moved/robots.txt")
        srv["redirected"].route("/moved/robots.txt", _serve_rules)
        srv["looping"].set_robots(302, location="/loop/a")
        srv["to_metadata"].set_robots(302, location="http://169.254.169.254/robots.txt")
        big = "User-agent: *\nDisallow: /early\n" + ("# " + "x" * 1000 + "\n") * 600 + "Disallow: /late\n"
        srv["huge"].set_robots(200, big)
        srv["busy"].set_robots(429, "")
        dead_port = _free_port()
        urls = [srv["ok"].url(p) for p in ("/page/1", "/page/2", "/private/x")]
        urls += [srv[n].url("/page/1") for n in names if n != "ok"]
        urls += [srv["redirected"].url("/private/x"), srv["huge"].url("/early/x"), srv["huge"].url("/late/x")]
        urls += [f"http://127.0.0.1:{dead_port}/page/1"]
        settings = Settings(allow_loopback=True, min_host_delay_s=0.02, download_timeout_s=1.0)
        report = run_fetch(urls, settings, {"DOWNLOAD_BIND_ADDRESS": "127.0.0.1"}, timeout_s=60)
        yield Scenario(srv, dead_port, report)


def test_robots_disallowed_path_is_never_requested(scenario: Scenario) -> None:
    assert scenario.result("ok", "/page/1").status == 200
    assert scenario.result("ok", "/page/2").status == 200
    forbidden = scenario.result("ok", "/private/x")
    assert forbidden.status is None and "robots_forbidden" in (forbidden.error or "")
    assert scenario.servers["ok"].count("/private/x") == 0
    assert scenario.report.stats["fetch/robots_forbidden"] >= 1


def test_robots_fetched_once_per_origin(scenario: Scenario) -> None:
    assert scenario.servers["ok"].count("/robots.txt") == 1


def test_robots_404_allows_everything(scenario: Scenario) -> None:
    assert scenario.result("missing", "/page/1").status == 200


def test_robots_5xx_disallows_everything(scenario: Scenario) -> None:
    r = scenario.result("down", "/page/1")
    assert r.status is None and "robots_forbidden: 5xx" in (r.error or "")
    assert scenario.servers["down"].count("/page/1") == 0
    assert scenario.servers["down"].count("/robots.txt") == 1  # no hammering of a failing robots.txt


def test_robots_429_disallows_everything(scenario: Scenario) -> None:
    assert "robots_forbidden" in (scenario.result("busy", "/page/1").error or "")
    assert scenario.servers["busy"].count("/page/1") == 0


def test_robots_timeout_disallows_everything(scenario: Scenario) -> None:
    assert "robots_forbidden: unreachable_timeout" in (scenario.result("slow", "/page/1").error or "")
    assert scenario.servers["slow"].count("/page/1") == 0


def test_robots_connection_failure_disallows_everything(scenario: Scenario) -> None:
    r = scenario.report.results[f"http://127.0.0.1:{scenario.dead_port}/page/1"]
    assert "robots_forbidden: unreachable_refused" in (r.error or "")  # the real cause, not "unreachable"
    assert scenario.report.stats["fetch/robots_unreachable_refused"] == 1


def test_robots_redirects_are_followed(scenario: Scenario) -> None:
    assert scenario.result("redirected", "/page/1").status == 200
    assert "robots_forbidden: 2xx" in (scenario.result("redirected", "/private/x").error or "")
    assert scenario.servers["redirected"].count("/moved/robots.txt") == 1


def test_robots_more_than_five_redirects_counts_as_unavailable(scenario: Scenario) -> None:
    assert scenario.result("looping", "/page/1").status == 200
    hops = scenario.servers["looping"].count("/loop/a") + scenario.servers["looping"].count("/loop/b")
    assert hops == robots.ROBOTS_MAX_REDIRECTS
    assert scenario.report.stats["fetch/robots_rules/too_many_redirects"] == 1


def test_robots_redirect_to_forbidden_address_disallows_everything(scenario: Scenario) -> None:
    assert "robots_forbidden: refused" in (scenario.result("to_metadata", "/page/1").error or "")
    assert scenario.report.stats["fetch/ssrf_refused"] >= 1


def test_robots_size_cap_applies_end_to_end(scenario: Scenario) -> None:
    assert "robots_forbidden" in (scenario.result("huge", "/early/x").error or "")
    assert scenario.result("huge", "/late/x").status == 404  # allowed: the rule sits past 500 KiB


@pytest.mark.parametrize(("exc", "tag"), [
    (CannotResolveHostError("no such host"), "unreachable_dns"),
    (txerror.DNSLookupError("x.invalid"), "unreachable_dns"),
    (txerror.ConnectionRefusedError(), "unreachable_refused"),
    (DownloadTimeoutError("took longer than 1 s"), "unreachable_timeout"),
    (ValueError("odd"), "unreachable_ValueError"),
])
def test_unreachable_robots_names_its_cause(exc: BaseException, tag: str) -> None:
    assert unreachable_cause(exc) == tag
