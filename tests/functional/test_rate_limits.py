"""Per-client request limits on the public forms: 429 in the user's language with Retry-After, shared by Redis."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

from marketplace import create_app
from marketplace.extensions import db
from tests.conftest import AuthActions, IsolatedClient, base_config

LIMITED = {
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_STORAGE_URI": "swept-memory://",
    "RATELIMIT_SIGN_IN": "2 per hour",
    "RATELIMIT_FORMS": "2 per hour",
    "RATELIMIT_UPLOADS": "2 per hour",
    "RATELIMIT_EXPORTS": "2 per hour",
}
ROOT = Path(__file__).resolve().parents[2]


def limited_app(url: str, **overrides):
    app = create_app({**base_config(url), **LIMITED, **overrides})
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture
def app_with_limits(sqlite_url):
    app = limited_app(sqlite_url)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


ENDPOINTS = ["/login", "/register", "/join-institution", "/verify/upload", "/account/password"]


@pytest.mark.parametrize("path", ENDPOINTS)
def test_each_public_form_answers_429_with_retry_after_past_its_limit(app_with_limits, make, sign_in_clock, path):
    client = app_with_limits.test_client()
    if path == "/account/password":
        AuthActions(client, sign_in_clock).login(make.user("buyer"))
    for _ in range(2):
        assert client.post(path, data={}, headers={"Accept-Language": "en"}).status_code != 429
    refused = client.post(path, data={}, headers={"Accept-Language": "en"})
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 3601  # the hour window, rounded up
    assert "Too many attempts. Wait a little and try again." in refused.get_data(as_text=True)
    korean = client.post(path, data={}, headers={"Accept-Language": "ko"})
    assert korean.status_code == 429 and "Too many attempts" not in korean.get_data(as_text=True)


def test_the_sign_in_form_is_shown_again_with_the_message(app_with_limits):
    client = app_with_limits.test_client()
    for _ in range(2):
        client.post("/login", data={"email": "a@b.example", "password": "x"})
    refused = client.post("/login", data={"email": "a@b.example", "password": "x"}, headers={"Accept-Language": "en"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 429 and 'name="password"' in html and "Too many attempts" in html


def test_another_client_address_has_its_own_allowance(app_with_limits):
    first, second = app_with_limits.test_client(), app_with_limits.test_client()
    second.environ_base["REMOTE_ADDR"] = "198.51.100.9"
    for _ in range(3):
        first.post("/join-institution", data={})
    assert second.post("/join-institution", data={}).status_code == 400


@pytest.fixture
def redis_prefix():
    redis = pytest.importorskip("redis")
    server = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    try:
        server.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    prefix = f"mp-test-{uuid.uuid4().hex[:12]}"
    yield prefix
    for key in server.scan_iter(f"*{prefix}*"):
        server.delete(key)
    server.close()


INSTANCE = textwrap.dedent("""
    import sys
    from marketplace import create_app
    from tests.conftest import base_config
    from tests.functional.test_rate_limits import LIMITED
    app = create_app({**base_config(sys.argv[1]), **LIMITED, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
                      "RATELIMIT_KEY_PREFIX": sys.argv[2]})
    client = app.test_client()
    print(" ".join(str(client.post("/join-institution", data={}).status_code) for _ in range(int(sys.argv[3]))))
""")


def run_instance(sqlite_url: str, prefix: str, posts: int) -> list[str]:
    """One app in its own process (a worker or another host), making `posts` join-form posts."""
    done = subprocess.run(
        [sys.executable, "-c", INSTANCE, sqlite_url, prefix, str(posts)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout.split()


def test_two_app_instances_sharing_redis_count_together(sqlite_url, redis_prefix):
    assert run_instance(sqlite_url, redis_prefix, 1) == ["400"]  # one of the two allowed
    assert run_instance(sqlite_url, redis_prefix, 2) == ["400", "429"]  # the second process counts the first's


def test_the_public_list_files_share_one_allowance_per_client(app_with_limits):
    client = app_with_limits.test_client()
    assert [client.get(p).status_code for p in ("/products/export.csv", "/products/export.xlsx")] == [200, 200]
    refused = client.get("/products/export.csv?sort=name")
    assert refused.status_code == 429 and refused.headers["Retry-After"]
    assert client.get("/products").status_code == 200  # the pages themselves are not counted
