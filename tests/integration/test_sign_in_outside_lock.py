"""A sign-in checks the password before it takes the write lock, so nobody's writes wait for the hashing."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from marketplace.extensions import db
from marketplace.models import User
from marketplace.services import accounts, sign_in
from tests.factories import DEFAULT_PASSWORD


def _in_context(app, work):
    with app.app_context():
        try:
            return work()
        finally:
            db.session.remove()


@pytest.fixture
def slow_hash(monkeypatch):
    """check_password_hash that waits for the test's signal, as a real (deliberately slow) hash takes time."""
    started, release = threading.Event(), threading.Event()
    real = sign_in.check_password_hash

    def waiting(stored, password):
        started.set()
        assert release.wait(30)
        return real(stored, password)

    monkeypatch.setattr(sign_in, "check_password_hash", waiting)
    return started, release


def _sign_in(app, email: str):
    policy = sign_in.SignInPolicy.from_config(app.config)
    return sign_in.authenticate(email, DEFAULT_PASSWORD, sign_in.Attempt("198.51.100.7"), policy).id


def test_others_can_write_while_a_sign_in_checks_its_password(app, make, slow_hash):
    started, release = slow_hash
    signing, other = make.user("supplier"), make.user("buyer")
    email, signing_id, other_id, version = signing.email, signing.id, other.id, other.session_version
    db.session.commit()
    with ThreadPoolExecutor(2) as pool:
        signing_in = pool.submit(_in_context, app, lambda: _sign_in(app, email))
        try:
            assert started.wait(30)
            pool.submit(_in_context, app, lambda: accounts.end_all_sessions(db.session.get(User, other_id))).result(
                timeout=30
            )  # not kept waiting by the hashing
        finally:
            release.set()
        assert signing_in.result(timeout=30) == signing_id
    db.session.expire_all()
    assert db.session.get(User, other_id).session_version == version + 1
    assert db.session.get(User, signing_id).last_login_at is not None


def test_a_password_changed_while_the_old_one_was_being_checked_does_not_sign_in(app, make, slow_hash):
    started, release = slow_hash
    user = make.user("supplier")
    email, user_id = user.email, user.id
    db.session.commit()

    def change_password():
        db.session.get(User, user_id).password_hash = "pbkdf2:sha256:1000$other$0"
        db.session.commit()

    with ThreadPoolExecutor(2) as pool:
        signing_in = pool.submit(_in_context, app, lambda: _sign_in(app, email))
        try:
            assert started.wait(30)
            pool.submit(_in_context, app, change_password).result(timeout=30)
        finally:
            release.set()
        with pytest.raises(sign_in.LoginRefused):
            signing_in.result(timeout=30)
    db.session.expire_all()
    changed = db.session.get(User, user_id)
    assert changed.last_login_at is None and changed.failed_logins == 1
