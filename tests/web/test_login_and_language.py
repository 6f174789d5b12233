"""Signing in through the form, the CSRF of pages, the language toggle, and the HTML error pages."""

from __future__ import annotations

from tests.web.conftest import LOGIN_TOKEN, Web


def test_anonymous_home_redirects_to_login_with_next(web: Web) -> None:
    r = web.client.get("/?state=new")
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=/%3Fstate%3Dnew"
    page = web.client.get(r.headers["location"])
    assert page.status_code == 200
    assert "Đăng nhập bantin" in page.text  # Vietnamese by default
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]


def test_htmx_request_without_session_gets_hx_redirect(web: Web) -> None:
    r = web.client.get("/", headers={"HX-Request": "true"})
    assert r.status_code == 401
    assert r.headers["hx-redirect"].startswith("/login?next=")


def test_login_form_signs_in_and_shows_the_queue_in_vietnamese(web: Web) -> None:
    client = web.login("viewer")
    home = client.get("/")
    assert "Hàng đợi xử lý tin" in home.text
    assert "viewer · người xem" in home.text
    assert "Chưa có tin nào." in home.text


def test_wrong_password_says_so_in_one_line_and_keeps_the_name(web: Web) -> None:
    form = web.client.get("/login")
    token = LOGIN_TOKEN.search(form.text).group(1)  # type: ignore[union-attr]
    r = web.client.post("/login", data={"name": "viewer", "password": "sai", "login_token": token})
    assert r.status_code == 401
    assert "Sai tên đăng nhập hoặc mật khẩu." in r.text
    assert 'value="viewer"' in r.text


def test_login_without_the_forms_token_is_refused(web: Web) -> None:
    r = web.client.post("/login", data={"name": "viewer", "password": "x", "login_token": "forged"})
    assert r.status_code == 400
    assert "Biểu mẫu đã hết hạn" in r.text


def test_next_cannot_leave_the_site(web: Web) -> None:
    form = web.client.get("/login?next=//evil.example/x")
    assert 'name="next" value="/"' in form.text


def test_logout_needs_the_pages_csrf_token(web: Web) -> None:
    client = web.login("viewer")
    refused = client.post("/logout", data={"csrf_token": "forged"})
    assert refused.status_code == 403
    assert "Trang đã quá cũ hoặc đến từ nơi khác" in refused.text
    assert client.get("/").status_code == 200  # still signed in
    done = client.post("/logout", data={"csrf_token": client.csrf})  # type: ignore[attr-defined]
    assert done.status_code == 303
    assert client.get("/").status_code == 303  # signed out: back to the login page


def test_english_toggle_is_remembered(web: Web) -> None:
    client = web.login("viewer")
    r = client.post("/lang", data={"lang": "en", "next": "/"})
    assert r.status_code == 303 and r.headers["location"] == "/"
    home = client.get("/")
    assert "Review queue" in home.text and 'lang="en"' in home.text
    assert "Tiếng Việt" in home.text  # the way back


def test_pages_are_gzipped(web: Web) -> None:
    client = web.login("viewer")
    r = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert r.headers.get("content-encoding") == "gzip"


def test_api_errors_stay_json_while_page_errors_are_html(web: Web) -> None:
    api = web.client.get("/api/v1/stories")
    assert api.status_code == 401 and api.json()["detail"].startswith("chưa đăng nhập")
    client = web.login("viewer")
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and "Không tìm thấy" in missing.text
