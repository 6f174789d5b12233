"""RFC 8058 one-click unsubscribe, on SQLite and PostgreSQL: every email carries the two headers; the GET
page changes nothing; a POST (a mail provider's one-click, or the page's button) unsubscribes without a login
or CSRF token; an unknown token gets a clear 404 page; queued mail to the address is then not sent."""

from __future__ import annotations

from sqlalchemy import select

from bantin.delivery.subscriptions import add_subscription
from bantin.delivery.unsubscribe import unsubscribe_headers
from bantin.store.delivery import Subscription
from bantin.store.schema import AuditEvent
from tests.web.conftest import Web


def new_subscription(web: Web, email: str = "lanh.dao@example.gov.vn") -> Subscription:
    with web.ctx.sessions() as s:
        sub = add_subscription(s, email, digest="daily", created_by="test")
        s.commit()
    return sub


def state(web: Web, sub_id: int) -> Subscription:
    with web.ctx.sessions() as s:
        return s.get(Subscription, sub_id)  # type: ignore[return-value]


def test_the_headers_point_to_the_public_https_link_with_one_click_post(web: Web) -> None:
    sub = new_subscription(web)
    settings = web.ctx.settings.model_copy(update={"public_url": "https://bantin.example.gov.vn/"})
    assert unsubscribe_headers(sub, settings) == {
        "List-Unsubscribe": f"<https://bantin.example.gov.vn/unsubscribe/{sub.token}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    assert len(sub.token) >= 43  # 256 random bits


def test_get_shows_a_vietnamese_page_with_a_button_and_changes_nothing(web: Web) -> None:
    sub = new_subscription(web)
    for _ in range(3):  # a mail scanner, a link preview, the reader
        r = web.client.get(f"/unsubscribe/{sub.token}")
        assert r.status_code == 200
    assert "Hủy đăng ký nhận bản tin" in r.text and "Ngừng gửi đến địa chỉ này" in r.text
    assert f'action="/unsubscribe/{sub.token}"' in r.text and 'method="post"' in r.text
    assert "lan***@example.gov.vn" in r.text and "lanh.dao@" not in r.text
    assert state(web, sub.id).active and state(web, sub.id).unsubscribed_at is None


def test_a_one_click_post_without_login_or_csrf_unsubscribes_and_is_audited(web: Web) -> None:
    sub = new_subscription(web)
    r = web.client.post(f"/unsubscribe/{sub.token}", content=b"List-Unsubscribe=One-Click",
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 200 and "Quý vị đã hủy đăng ký" in r.text
    after = state(web, sub.id)
    assert not after.active and after.unsubscribed_at is not None
    again = web.client.post(f"/unsubscribe/{sub.token}", content=b"List-Unsubscribe=One-Click",
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert again.status_code == 200 and state(web, sub.id).unsubscribed_at == after.unsubscribed_at
    with web.ctx.sessions() as s:
        audit = s.scalars(select(AuditEvent).where(AuditEvent.action == "subscriptions.unsubscribe")).all()
    assert [(a.target, '"one-click"' in (a.detail or "")) for a in audit] == [(f"subscription:{sub.id}", True)]
    assert "đã hủy đăng ký" in web.client.get(f"/unsubscribe/{sub.token}").text  # the GET now says so


def test_the_pages_button_works_for_a_signed_in_officer_too(web: Web) -> None:
    """A session cookie does not bring the CSRF check in: the token in the URL is the credential."""
    sub = new_subscription(web, "can.bo@example.gov.vn")
    officer = web.login("viewer")
    r = officer.post(f"/unsubscribe/{sub.token}", data={})
    assert r.status_code == 200 and not state(web, sub.id).active


def test_an_unknown_token_gets_a_clear_404_page_and_changes_nothing(web: Web) -> None:
    sub = new_subscription(web)
    for method in ("GET", "POST"):
        r = web.client.request(method, "/unsubscribe/khong-phai-ma-that", content=b"List-Unsubscribe=One-Click")
        assert r.status_code == 404 and "Đường dẫn hủy đăng ký không hợp lệ" in r.text
    r = web.client.get("/unsubscribe/" + "x" * 500)
    assert r.status_code == 404
    assert state(web, sub.id).active


def test_the_page_is_in_english_on_the_toggle(web: Web) -> None:
    sub = new_subscription(web)
    web.client.cookies.set("bantin_lang", "en")
    r = web.client.get(f"/unsubscribe/{sub.token}")
    web.client.cookies.clear()
    assert "Stop sending to this address" in r.text
