"""What a failed request means, for the fetch log and `bantin sources check` (Vietnamese first)."""

from __future__ import annotations

from twisted.python.failure import Failure

# The fetch layer's refusals: (fetch-log outcome, human message).
REFUSALS = {
    "robots_forbidden": ("robots_forbidden", "robots.txt không cho phép (robots.txt forbids)"),
    "ssrf_refused": ("refused", "địa chỉ bị từ chối vì an toàn (address refused: SSRF policy)"),
    "host_backed_off": ("backed_off", "máy chủ yêu cầu tạm dừng (host asked us to back off: Retry-After)"),
}
# robots.txt could not be fetched at all: the real cause, not "forbids or is unreachable".
ROBOTS_UNREACHABLE = "robots.txt không truy cập được (robots.txt unreachable)"
# The causes RobotsMiddleware tags an unreachable robots.txt with (see fetch.robots_middleware).
UNREACHABLE_CAUSES = {
    "unreachable_dns": "không phân giải được tên miền (DNS lookup failed)",
    "unreachable_refused": "máy chủ từ chối kết nối (connection refused)",
    "unreachable_timeout": "hết thời gian chờ (timeout)",
    "unreachable_lost": "kết nối bị ngắt (connection lost)",
}


def failure_info(failure: Failure) -> tuple[str, str, int | None]:
    """(outcome, message, status) for a failed request."""
    exc = failure.value
    name = type(exc).__name__
    text = str(exc)
    response = getattr(exc, "response", None)
    status = getattr(response, "status", None)
    prefix, _, rest = text.partition(":")
    if prefix in REFUSALS:
        outcome, human = REFUSALS[prefix]
        rest = rest.strip()
        if prefix == "robots_forbidden" and rest.startswith("unreachable"):
            tag = rest.split()[0]
            human = f"{ROBOTS_UNREACHABLE}: {UNREACHABLE_CAUSES.get(tag, tag)}"
        return outcome, f"{human}: {rest}", status
    if "maxsize" in text.lower() or "max size" in text.lower():
        return "too_large", f"trang quá lớn (body over the size limit): {text}", status
    return "error", f"{name}: {text}" if text else name, status
