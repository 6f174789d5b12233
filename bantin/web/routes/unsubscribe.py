"""One-click unsubscribe (RFC 8058), open to everyone: the link in every email's ``List-Unsubscribe``.

``GET /unsubscribe/{token}`` shows a page with a button and changes nothing (mail scanners and link
previews follow GETs). ``POST /unsubscribe/{token}`` unsubscribes, without a login and without a CSRF
token: a mail provider's one-click POST (body ``List-Unsubscribe=One-Click``) carries neither. That is
safe because the token (256 random bits, bantin.delivery.subscriptions) is itself the credential: a
forged cross-site POST would have to know the secret the link carries, and all it could do is what the
link's owner may do anyway, stop their own mail. Unknown tokens get a clear 404 page.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bantin.api.deps import ReadSessionDep, SessionDep
from bantin.api.roles import ANONYMOUS
from bantin.app import audit
from bantin.delivery.subscriptions import find_by_token, unsubscribe
from bantin.store.delivery import Subscription
from bantin.web.guard import page
from bantin.web.templating import render

router = APIRouter(include_in_schema=False)
# The one-click body a mail provider sends (RFC 8058, section 3.2); a form post from the page has none.
ONE_CLICK_BODY = b"List-Unsubscribe=One-Click"
# A one-click body is that one line; a larger body is not read (anyone may POST here).
MAX_BODY_BYTES = 1024
# Characters of the address's local part shown on the page ("lan***@example.gov.vn"): the owner
# recognises it, a forwarded link does not print a colleague's whole address.
SHOWN_LOCAL_CHARS = 3


def masked(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:SHOWN_LOCAL_CHARS]}***@{domain}"


def _page(request: Request, sub: Subscription | None, token: str, status: int = 200) -> Response:
    if sub is None:
        return render(request, "unsubscribe.html", status_code=404, state="unknown", token=token)
    return render(request, "unsubscribe.html", status_code=status, state="confirm" if sub.active else "done",
                  email=masked(sub.email), token=token, when=sub.unsubscribed_at)


@router.get("/unsubscribe/{token}", dependencies=[page(ANONYMOUS)])
def unsubscribe_page(request: Request, token: str, s: ReadSessionDep) -> Response:
    """The confirmation page: nothing changes on a GET."""
    return _page(request, find_by_token(s, token), token)


@router.post("/unsubscribe/{token}", dependencies=[page(ANONYMOUS)])
async def unsubscribe_post(request: Request, token: str, s: SessionDep) -> Response:
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            break
    sub = find_by_token(s, token)
    if sub is not None and unsubscribe(sub):
        via = "one-click" if body.strip() == ONE_CLICK_BODY else "page"
        audit.record(s, "anonymous:unsubscribe-link", "subscriptions.unsubscribe",
                     audit_target=f"subscription:{sub.id}", via=via)
        s.commit()
    return _page(request, sub, token)
