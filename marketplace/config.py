"""Settings read from the environment, with safe defaults for a local run."""

import os
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE / 'marketplace.sqlite3'}")
    # Accept the common postgres:// spellings and route them through psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def from_environment() -> dict:
    """Return the configuration mapping create_app() starts from."""
    production = os.environ.get("MARKETPLACE_ENV", "development") == "production"
    return {
        "ENV_NAME": "production" if production else "development",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or _dev_secret(production),
        "SQLALCHEMY_DATABASE_URI": _database_url(),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # how long a write waits for the database lock (SQLite busy_timeout, PostgreSQL lock_timeout)
        # before the request answers 503 "nothing was saved"
        "DB_LOCK_TIMEOUT_MS": int(os.environ.get("DB_LOCK_TIMEOUT_MS", 5000)),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_BYTES", 10 * 1024 * 1024)) + 64 * 1024,
        "MAX_UPLOAD_BYTES": int(os.environ.get("MAX_UPLOAD_BYTES", 10 * 1024 * 1024)),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", production),
        "SESSION_COOKIE_NAME": "__Host-session" if production else "session",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", production),
        "PERMANENT_SESSION_LIFETIME": timedelta(minutes=int(os.environ.get("SESSION_IDLE_MINUTES", 60))),
        "SESSION_ABSOLUTE_HOURS": int(os.environ.get("SESSION_ABSOLUTE_HOURS", 12)),
        "WTF_CSRF_TIME_LIMIT": 3600,
        "HSTS": production,
        "BABEL_DEFAULT_LOCALE": "ko",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Seoul",
        "LANGUAGES": ("ko", "en"),
        "LOGIN_MAX_FAILURES": int(os.environ.get("LOGIN_MAX_FAILURES", 5)),
        "LOGIN_LOCK_MINUTES": int(os.environ.get("LOGIN_LOCK_MINUTES", 15)),
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000"),
        "CATALOGUE_PAGE_SIZE": 20,
        # rendered catalogue pages each process keeps for anonymous visitors (services/catalogue_cache.py)
        "CATALOGUE_CACHE_PAGES": int(os.environ.get("CATALOGUE_CACHE_PAGES", 256)),
        "TRUST_PROXY": _bool("TRUST_PROXY", False),
    }


def _dev_secret(production: bool) -> str:
    if production:
        raise RuntimeError("SECRET_KEY must be set when MARKETPLACE_ENV=production")
    INSTANCE.mkdir(exist_ok=True)
    key_file = INSTANCE / "secret_key"
    if not key_file.exists():
        key_file.write_text(os.urandom(32).hex())
    return key_file.read_text().strip()
