"""Signing in and out, throttling, CSRF and security headers."""

from marketplace.extensions import db
from marketplace.models import AuditEvent, User
from tests.factories import DEFAULT_PASSWORD


def test_a_supplier_signs_in_and_lands_on_the_dashboard(client, auth, make):
    user = make.user("supplier")
    response = auth.login(user)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/supplier/")
    assert client.get("/supplier/").status_code == 200


def test_a_wrong_password_re_renders_the_form_with_400_and_a_plain_message(client, auth, make):
    user = make.user("supplier")
    response = client.post(
        "/login", data={"email": user.email, "password": "wrong-password-1"}, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 400
    assert b"e-mail address or password is not correct" in response.data


def test_an_empty_form_is_a_400_not_a_500(client):
    assert client.post("/login", data={}).status_code == 400


def test_repeated_failures_make_the_client_wait_and_are_kept_in_the_database(app, client, auth, make):
    user = make.user("supplier")
    for _ in range(app.config["LOGIN_CLIENT_FREE_FAILURES"]):
        auth.login(user, "wrong-password-1")
    db.session.refresh(user)
    assert user.failed_logins == app.config["LOGIN_CLIENT_FREE_FAILURES"]
    response = client.post(
        "/login", data={"email": user.email, "password": DEFAULT_PASSWORD}, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 429
    assert b"Too many failed attempts. Try again in 30 seconds." in response.data
    assert response.headers["Retry-After"] == "30"
    assert db.session.query(AuditEvent).filter_by(action="user.login_throttled").count() == 1


def test_logout_is_post_only_and_a_copied_cookie_stops_working(app, client, auth, make):
    user = make.user("ministry")
    auth.login(user)
    stolen = client.get_cookie("session").value
    assert client.get("/logout").status_code == 405
    assert auth.logout().status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get("/ministry/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_signing_in_starts_a_new_session(client, auth, make):
    user = make.user("supplier")
    client.get("/?lang=en")
    before = client.get_cookie("session").value
    auth.login(user)
    assert client.get_cookie("session").value != before


def test_login_does_not_redirect_to_another_site(client, make):
    user = make.user("supplier")
    response = client.post(
        "/login?next=https://evil.example/", data={"email": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.headers["Location"] == "/supplier/"


def test_a_post_without_csrf_token_is_refused_when_csrf_is_on(app, make):
    user = make.user("supplier")
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 400
    assert b"Reload the page" in response.data or "다시".encode() in response.data


def test_pages_carry_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in response.headers  # only in production


def test_hsts_is_sent_in_production(app, client):
    app.config["HSTS"] = True
    assert "max-age" in client.get("/").headers["Strict-Transport-Security"]


def test_password_change_enforces_the_policy_and_ends_other_sessions(app, client, auth, make):
    user = make.user("buyer")
    auth.login(user)
    other = app.test_client()
    other.post("/login", data={"email": user.email, "password": DEFAULT_PASSWORD})
    weak = client.post(
        "/account/password", data={"current": DEFAULT_PASSWORD, "new": "password123", "confirm": "password123"}
    )
    assert weak.status_code == 400
    ok = client.post(
        "/account/password",
        data={"current": DEFAULT_PASSWORD, "new": "a-brand-new-phrase", "confirm": "a-brand-new-phrase"},
    )
    assert ok.status_code == 302
    assert client.get("/account").status_code == 200
    assert other.get("/account").status_code == 302
    assert db.session.get(User, user.id).session_version > 1


def test_the_test_client_can_follow_redirects(client, auth, make):
    user = make.user("supplier")
    response = client.post("/login", data={"email": user.email, "password": DEFAULT_PASSWORD}, follow_redirects=True)
    assert response.status_code == 200 and response.request.path == "/supplier/"
