"""What one delivery attempt came to, as the sender records it (bantin.delivery.sender)."""

from __future__ import annotations

from dataclasses import dataclass

# A server's reply, kept in last_error and flag_reason: the code and its first lines are what admins need.
MAX_ERROR_CHARS = 500


@dataclass(frozen=True)
class Outcome:
    status: str  # sent | retry | dead
    stat: str  # the named counter of this decision ("delivery/email_dead_5xx")
    error: str | None = None
    flag_address: bool = False  # a permanent refusal of the recipient: admins check the address
    disable_endpoint: bool = False  # 410 Gone: the receiver asks us to stop


def clip(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= MAX_ERROR_CHARS else line[: MAX_ERROR_CHARS - 1] + "…"
