"""Start-up settings: production names its https address; the development key file is private."""

from __future__ import annotations

import os
import stat

import pytest

from marketplace import config


@pytest.fixture
def production(monkeypatch):
    monkeypatch.setenv("MARKETPLACE_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-production-secret")
    monkeypatch.setenv("MAIL_URL", "smtp://mail.example.go.kr:587/?starttls=1")
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    return monkeypatch


@pytest.mark.parametrize(
    "url",
    [
        None,
        "",
        "http://pilot.example.go.kr",
        "http://localhost:5000",
        "https://",
        "pilot.example.go.kr",
        "https://pilot.example.go.kr/?next=x",
        "ftp://host",
    ],
)
def test_production_refuses_to_start_without_an_absolute_https_public_base_url(production, url):
    if url is not None:
        production.setenv("PUBLIC_BASE_URL", url)
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL must be set to the site's absolute https address"):
        config.from_environment()


def test_production_takes_an_https_public_base_url_without_its_trailing_slash(production):
    production.setenv("PUBLIC_BASE_URL", "https://pilot.example.go.kr/")
    assert config.from_environment()["PUBLIC_BASE_URL"] == "https://pilot.example.go.kr"


def test_development_keeps_the_local_default(monkeypatch):
    monkeypatch.setenv("MARKETPLACE_ENV", "development")
    monkeypatch.setenv("SECRET_KEY", "dev")
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    assert config.from_environment()["PUBLIC_BASE_URL"] == "http://127.0.0.1:5000"


def test_passwords_are_stored_as_scrypt_hashes_unless_the_tests_ask_for_a_faster_one(production):
    from werkzeug.security import check_password_hash

    from marketplace import create_app
    from marketplace.services.passwords import hash_password

    production.setenv("PUBLIC_BASE_URL", "https://pilot.example.go.kr")
    assert config.from_environment()["PASSWORD_HASH_METHOD"] == "scrypt"
    with create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).app_context():
        stored = hash_password("correct-horse-battery")
    assert stored.startswith("scrypt:32768:8:1$") and check_password_hash(stored, "correct-horse-battery")
    fast = {"SQLALCHEMY_DATABASE_URI": "sqlite://", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}
    with create_app(fast).app_context():
        assert hash_password("correct-horse-battery").startswith("pbkdf2:sha256:1000$")


@pytest.fixture
def open_umask():
    """A umask that would leave a file readable by all: the key must be private regardless."""
    previous = os.umask(0)
    yield
    os.umask(previous)


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_development_key_is_created_readable_by_its_owner_only(tmp_path, open_umask):
    key = config._dev_secret(False, tmp_path)
    assert len(key) == 64 and (tmp_path / "secret_key").read_text() == key
    assert _mode(tmp_path / "secret_key") == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no temporary file left behind
    assert config._dev_secret(False, tmp_path) == key


def test_a_looser_existing_key_file_is_restricted_and_kept(tmp_path, caplog):
    key_file = tmp_path / "secret_key"
    key_file.write_text("an-old-key\n")
    key_file.chmod(0o644)
    config.log.addHandler(caplog.handler)  # the app's logging set-up may stop propagation to the root logger
    try:
        assert config._dev_secret(False, tmp_path) == "an-old-key"
    finally:
        config.log.removeHandler(caplog.handler)
    assert _mode(key_file) == 0o600
    assert "readable by others" in caplog.text


def test_a_key_file_another_worker_created_first_is_used(tmp_path, monkeypatch):
    key_file = tmp_path / "secret_key"
    real_link = os.link

    def racing_link(source, target):
        key_file.write_text("the-other-workers-key")  # it won the race between exists() and link()
        real_link(source, target)

    monkeypatch.setattr(config.os, "link", racing_link)
    assert config._dev_secret(False, tmp_path) == "the-other-workers-key"
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]
