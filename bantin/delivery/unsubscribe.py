"""RFC 8058 one-click unsubscribe: the link every email carries and its two headers.

The link is ``{BANTIN_PUBLIC_URL}/unsubscribe/{token}``: a GET shows a page and changes nothing (mail
scanners and link previews follow GETs), a POST unsubscribes without a login. The token (256 random bits)
is the credential, which is why the POST needs no session or CSRF token: a forged request must already
know the secret that the link carries (web/routes/unsubscribe.py).
"""

from __future__ import annotations

from bantin.app.settings import Settings
from bantin.store.delivery import Subscription

# Where links point when BANTIN_PUBLIC_URL is unset: `bantin serve`'s own default address (a developer's
# machine); production sets BANTIN_PUBLIC_URL to the office's https:// address (mail providers honour
# one-click unsubscribe only over HTTPS).
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"
ONE_CLICK = "List-Unsubscribe=One-Click"


def public_base(settings: Settings) -> str:
    return (settings.public_url or DEFAULT_PUBLIC_URL).rstrip("/")


def unsubscribe_url(subscription: Subscription, settings: Settings) -> str:
    return f"{public_base(settings)}/unsubscribe/{subscription.token}"


def unsubscribe_headers(subscription: Subscription, settings: Settings) -> dict[str, str]:
    """The two headers of RFC 8058 (section 3.1), for every email to ``subscription``."""
    return {"List-Unsubscribe": f"<{unsubscribe_url(subscription, settings)}>",
            "List-Unsubscribe-Post": ONE_CLICK}
