"""API tokens: made on the account page and shown once, kept hashed, refused once expired or revoked;
the OpenAPI document, its documentation page, and the rate-limit headers."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from jsonschema import Draft202012Validator

from marketplace.extensions import db
from marketplace.models import ApiToken, AuditEvent
from marketplace.services import api_tokens
from tests import clock
from tests.functional.test_rate_limits import limited_app

EN = {"Accept-Language": "en"}


def test_a_buyer_makes_a_token_sees_its_secret_once_and_it_is_kept_hashed(client, auth, make):
    buyer = make.user("buyer")
    auth.login(buyer)
    made = client.post("/account/api-tokens", data={"name": "ERP", "scope": "read", "days": "90"}, headers=EN)
    assert made.status_code == 200
    secret = re.search(r'<code class="app-secret">(ppm_[\w-]+)</code>', made.get_data(as_text=True)).group(1)
    token = db.session.query(ApiToken).one()
    assert token.secret_sha256 == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.prefix, token.name} and token.prefix == secret[:12]
    listing = client.get("/account/api-tokens", headers=EN).get_data(as_text=True)
    assert secret not in listing and token.prefix in listing and "ERP" in listing
    answer = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 200 and answer.get_json()["scope"] == "read"
    db.session.refresh(token)
    assert token.last_used_at is not None
    assert db.session.query(AuditEvent).filter_by(action="api_token.created", object_id=token.id).count() == 1


def test_a_revoked_token_is_refused_at_once(client, auth, make):
    buyer = make.user("buyer")
    made = api_tokens.create_token(buyer, "ERP", "write", 30)
    bearer = {"Authorization": f"Bearer {made.secret}"} | EN
    assert client.get("/api/v1/orders", headers=bearer).status_code == 200
    auth.login(buyer)
    assert client.post(f"/account/api-tokens/{made.token.id}/revoke").status_code == 302
    refused = client.get("/api/v1/orders", headers=bearer)
    assert refused.status_code == 401 and "revoked" in refused.get_json()["detail"]
    assert db.session.query(AuditEvent).filter_by(action="api_token.revoked").count() == 1


def test_an_expired_token_an_unknown_one_and_none_are_refused(client, make):
    buyer = make.user("buyer")
    expired = api_tokens.create_token(buyer, "old", "read", 30, now=clock.now() - timedelta(days=31)).secret
    for header in ({"Authorization": f"Bearer {expired}"}, {"Authorization": "Bearer ppm_nothing"}, {}):
        response = client.get("/api/v1/mous", headers=header | EN)
        assert response.status_code == 401 and response.mimetype == "application/problem+json"


def test_a_user_cannot_revoke_another_users_token_and_suppliers_make_none(client, auth, make):
    other = api_tokens.create_token(make.user("buyer"), "theirs", "read", 30).token
    auth.login(make.user("buyer"))
    assert client.post(f"/account/api-tokens/{other.id}/revoke").status_code == 404
    db.session.refresh(other)
    assert other.revoked_at is None
    with pytest.raises(api_tokens.TokenRefused):
        api_tokens.create_token(make.user("supplier"), "mine", "read", 30)


def test_a_bad_token_form_is_shown_again_with_400(client, auth, make):
    auth.login(make.user("ministry"))
    assert client.post("/account/api-tokens", data={"name": "", "scope": "read", "days": "90"}).status_code == 400
    assert client.post("/account/api-tokens", data={"name": "x", "scope": "all", "days": "7"}).status_code == 400
    assert db.session.query(ApiToken).count() == 0


def test_the_openapi_document_is_valid_openapi_3_1(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert re.fullmatch(r"3\.1\.\d+", document["openapi"])
    # the OpenAPI 3.1 schema (JSON Schema 2020-12) as schemathesis ships it; openapi-spec-validator is not installed
    from schemathesis.specs.openapi.definitions import OPENAPI_31

    errors = [error.message for error in Draft202012Validator(OPENAPI_31).iter_errors(document)]
    assert not errors, errors
    for schema in document["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    post = document["paths"]["/api/v1/orders"]["post"]
    assert post["security"] == [{"bearer": []}] and "application/problem+json" in post["responses"]["422"]["content"]
    assert {p["name"] for p in post["parameters"]} == {"Idempotency-Key"}


def test_the_documentation_page_loads_its_assets_from_static_vendor(client):
    page = client.get("/api/v1/docs")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in sources and "/static/js/api-docs.js" in sources
    assert all(source.startswith("/static/") for source in sources)
    assert "<script>" not in html  # no inline script: the CSP forbids it
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


def test_api_answers_announce_their_rate_limit_and_refuse_past_it(sqlite_url, make):
    app = limited_app(sqlite_url, RATELIMIT_API="3 per minute")
    with app.app_context():
        client = app.test_client()
        answers = [client.get("/api/v1/rounds", headers=EN) for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert answers[0].headers["X-RateLimit-Limit"] == "3"
        assert answers[1].headers["X-RateLimit-Remaining"] == "1"
        refused = answers[3]
        assert refused.mimetype == "application/problem+json" and int(refused.headers["Retry-After"]) > 0
        assert refused.get_json()["title"] == "Too many requests"
        db.session.remove()
        db.engine.dispose()
