"""Settings read from the environment, with safe defaults for a local run."""

import logging
import os
import re
import stat
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"
DEV_BASE_URL = "http://127.0.0.1:5000"

log = logging.getLogger(__name__)


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE / 'marketplace.sqlite3'}")
    # Accept the common postgres:// spellings and route them through psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _ocds_prefix() -> str:
    prefix = os.environ.get("OCDS_PREFIX", "ocds-pp0000").strip()
    if not re.fullmatch(r"ocds-[a-z0-9]{6}", prefix):
        raise RuntimeError(f"OCDS_PREFIX must be 'ocds-' and six lowercase letters or digits, not {prefix!r}")
    return prefix


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
        # each commit waits for the disk (SQLite synchronous=FULL, PostgreSQL's synchronous_commit as the
        # server sets it); the tests turn it off: their databases are thrown away, a power cut loses nothing
        "DB_DURABLE_COMMITS": True,
        "PASSWORD_HASH_METHOD": "scrypt",  # werkzeug's; the tests pass a fast one
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_BYTES", 10 * 1024 * 1024)) + 64 * 1024,
        "MAX_UPLOAD_BYTES": int(os.environ.get("MAX_UPLOAD_BYTES", 10 * 1024 * 1024)),
        # what a company not yet approved may upload in all (services/certificates.py)
        "UNAPPROVED_MAX_CERTIFICATES": int(os.environ.get("UNAPPROVED_MAX_CERTIFICATES", 5)),
        "UNAPPROVED_MAX_UPLOAD_BYTES": int(os.environ.get("UNAPPROVED_MAX_UPLOAD_BYTES", 30 * 1024 * 1024)),
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
        # sign-in throttling (services/sign_in.py): a growing wait, in seconds, never a lock
        "LOGIN_CLIENT_FREE_FAILURES": int(os.environ.get("LOGIN_CLIENT_FREE_FAILURES", 5)),
        "LOGIN_CLIENT_FIRST_DELAY": int(os.environ.get("LOGIN_CLIENT_FIRST_DELAY", 30)),
        "LOGIN_CLIENT_MAX_DELAY": int(os.environ.get("LOGIN_CLIENT_MAX_DELAY", 900)),
        "LOGIN_ACCOUNT_FREE_FAILURES": int(os.environ.get("LOGIN_ACCOUNT_FREE_FAILURES", 20)),
        "LOGIN_ACCOUNT_FIRST_DELAY": int(os.environ.get("LOGIN_ACCOUNT_FIRST_DELAY", 5)),
        "LOGIN_ACCOUNT_MAX_DELAY": int(os.environ.get("LOGIN_ACCOUNT_MAX_DELAY", 60)),
        # per-client request limits (Flask-Limiter); Redis in production so all workers and hosts share them
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "swept-memory://"),
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", "marketplace"),
        "RATELIMIT_STRATEGY": "sliding-window-counter",  # no burst at a window boundary, constant cost per hit
        "RATELIMIT_SIGN_IN": os.environ.get("RATELIMIT_SIGN_IN", "20 per minute"),
        "RATELIMIT_FORMS": os.environ.get("RATELIMIT_FORMS", "10 per minute; 50 per hour"),
        "RATELIMIT_UPLOADS": os.environ.get("RATELIMIT_UPLOADS", "10 per minute; 100 per hour"),
        # a whole-list file costs seconds of a worker: strangers get a few a minute
        "RATELIMIT_API": os.environ.get("RATELIMIT_API", "120 per minute; 3000 per hour"),
        "RATELIMIT_HEADERS_ENABLED": True,  # X-RateLimit-* and Retry-After on every limited answer (the API's)
        "RATELIMIT_EXPORTS": os.environ.get("RATELIMIT_EXPORTS", "6 per minute; 60 per hour"),
        "PUBLIC_BASE_URL": _public_base_url(production),
        # The OCDS ocid prefix the Open Contracting Partnership registers for a publisher ("ocds-" and six
        # characters); every round's ocid is <prefix>-<round code>. The default is a placeholder.
        "OCDS_PREFIX": _ocds_prefix(),
        "CATALOGUE_PAGE_SIZE": 20,
        # the privacy officer (개인정보 보호책임자) the privacy policy names (PIPA art. 31); the program
        # office fills these in, the page says "to be designated" while they are empty
        "PRIVACY_OFFICER": os.environ.get("PRIVACY_OFFICER", ""),
        "PRIVACY_OFFICER_CONTACT": os.environ.get("PRIVACY_OFFICER_CONTACT", ""),
        # the mail delivery service the outbox hands mail to (a processor under PIPA art. 26)
        "MAIL_PROCESSOR": os.environ.get("MAIL_PROCESSOR", ""),
        # rows per page of the other lists (services/pages.py); the audit trail's rows are short
        "LIST_PAGE_SIZE": max(1, int(os.environ.get("LIST_PAGE_SIZE", 20))),
        "AUDIT_LOG_PAGE_SIZE": max(1, int(os.environ.get("AUDIT_LOG_PAGE_SIZE", 50))),
        # rendered catalogue pages each process keeps for anonymous visitors (services/catalogue_cache.py)
        "CATALOGUE_CACHE_PAGES": int(os.environ.get("CATALOGUE_CACHE_PAGES", 256)),
        "TRUST_PROXY": _bool("TRUST_PROXY", False),
        # one-time form keys (form_keys.py): how long a repeat waits for the first answer, and how
        # many days claimed keys are kept before `flask purge-form-keys` deletes them
        "FORM_KEY_WAIT_SECONDS": float(os.environ.get("FORM_KEY_WAIT_SECONDS", 5)),
        "FORM_KEY_DAYS": int(os.environ.get("FORM_KEY_DAYS", 7)),
        # a contract date more days than this before the day an order is recorded (Seoul) is a late
        # registration: the buyer gives a reason, and the order page, reports and certificate show it
        "LATE_REGISTRATION_DAYS": int(os.environ.get("LATE_REGISTRATION_DAYS", 30)),
        # a post-use evaluation whose overall score (1 to 5) is under this opens a corrective action for the
        # supplier (domain/corrective_actions.py): the default 3 catches "poor" (2) and "very poor" (1)
        "CORRECTIVE_ACTION_SCORE": int(os.environ.get("CORRECTIVE_ACTION_SCORE", 3)),
        # calendar days staff have to decide an objection to a round's result (services/objections.py)
        "OBJECTION_DECISION_DAYS": int(os.environ.get("OBJECTION_DECISION_DAYS", 14)),
        # how long a thread may run Python before another thread of the process gets a turn (Python's
        # default is 5 ms); see marketplace/__init__.py; 0 leaves the interpreter's setting alone
        "THREAD_SWITCH_INTERVAL_MS": float(os.environ.get("THREAD_SWITCH_INTERVAL_MS", 1)),
        # reports each process keeps to send again while nothing in them changed (services/served_reports.py)
        "REPORTS_CACHE_BYTES": int(os.environ.get("REPORTS_CACHE_BYTES", 32 * 1024 * 1024)),
        # background jobs (marketplace/jobs): the queue, sqlite:///<file> (default, in instance/) or
        # redis://host:6379/0 for several hosts; JOBS_NAME separates apps sharing one Redis
        "JOBS_URL": os.environ.get("JOBS_URL", f"sqlite:///{INSTANCE / 'jobs.sqlite3'}"),
        "JOBS_NAME": os.environ.get("JOBS_NAME", "marketplace"),
        "JOBS_IMMEDIATE": _bool("JOBS_IMMEDIATE", False),  # run each job inside the request (tests)
        # a queued or running job without a sign of life for this long lost its worker and is queued again
        "JOBS_STALE_SECONDS": float(os.environ.get("JOBS_STALE_SECONDS", 120)),
        # a purchase report with more order lines than this is prepared by a worker, with a progress page
        "REPORTS_JOB_ORDERS": int(os.environ.get("REPORTS_JOB_ORDERS", 300)),
        # how far PDF render processes lower their CPU priority (os.nice), so renders never starve requests
        "REPORTS_RENDER_NICE": int(os.environ.get("REPORTS_RENDER_NICE", 10)),
        # mail: smtp://user:password@host:587/?starttls=1 (or smtps://...:465); without it (development only)
        # mails are kept as files in MAIL_DIR and shown on /dev/mail. See mail_settings().
        "MAIL_URL": _mail_url(production),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "noreply@localhost"),
        "MAIL_DIR": os.environ.get("MAIL_DIR", str(INSTANCE / "mail")),
        "MAIL_MAX_ATTEMPTS": int(os.environ.get("MAIL_MAX_ATTEMPTS", 8)),
        # a delivery run that claimed mails and did not report within this long is taken to have died
        "MAIL_CLAIM_MINUTES": int(os.environ.get("MAIL_CLAIM_MINUTES", 10)),
        # pages for developers only (the mails kept in MAIL_DIR): with DEV_PAGES=1 or the debugger, never in production
        "DEV_PAGES": _bool("DEV_PAGES", False) and not production,
        "PASSWORD_RESET_MINUTES": int(os.environ.get("PASSWORD_RESET_MINUTES", 60)),
        "EMAIL_CONFIRM_HOURS": int(os.environ.get("EMAIL_CONFIRM_HOURS", 72)),
        "RATELIMIT_PASSWORD_RESET": os.environ.get("RATELIMIT_PASSWORD_RESET", "5 per minute; 20 per hour"),
        # per address asked for, from any client: a stranger cannot fill someone's mailbox with reset mails
        "RATELIMIT_PASSWORD_RESET_ADDRESS": os.environ.get("RATELIMIT_PASSWORD_RESET_ADDRESS", "3 per hour"),
    }


def _mail_url(production: bool) -> str:
    url = os.environ.get("MAIL_URL", "").strip()
    if production and not url:
        raise RuntimeError(
            "MAIL_URL must be set when MARKETPLACE_ENV=production (for example "
            "smtp://user:password@mail.example.go.kr:587/?starttls=1): without it mails would be kept on "
            "this host's disk and never sent"
        )
    return url


def mail_settings(url: str, directory: str) -> dict:
    """Flask-Mailman's settings from MAIL_URL: SMTP when it is set, else files in `directory`.

    smtp://host:25, smtp://user:password@host:587/?starttls=1, smtps://user:password@host:465;
    ?timeout=SECONDS (default 10). The user and password are percent-decoded.
    """
    if not url:
        return {"MAIL_BACKEND": "marketplace.mail_files.EmailBackend", "MAIL_FILE_PATH": directory}
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise RuntimeError(
            f"MAIL_URL must look like smtp://user:password@host:587/?starttls=1, got scheme {parts.scheme!r}"
        )
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    return {
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": parts.hostname,
        "MAIL_PORT": parts.port or (465 if parts.scheme == "smtps" else 25),
        "MAIL_USERNAME": unquote(parts.username) if parts.username else None,
        "MAIL_PASSWORD": unquote(parts.password) if parts.password else None,
        "MAIL_USE_SSL": parts.scheme == "smtps",
        "MAIL_USE_TLS": query.get("starttls", "0").lower() in {"1", "true", "yes", "on"},
        "MAIL_TIMEOUT": float(query.get("timeout", 10)),
    }


def _public_base_url(production: bool) -> str:
    """The address printed on certificates for ever: production must name its real https address."""
    url = os.environ.get("PUBLIC_BASE_URL", "").strip()
    if not production:
        return url or DEV_BASE_URL
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or parts.query or parts.fragment:
        raise RuntimeError(
            "PUBLIC_BASE_URL must be set to the site's absolute https address (for example "
            "https://pilot.example.go.kr) when MARKETPLACE_ENV=production: issued certificates print it "
            f"in their QR codes and verification links for ever. Got: {url or '(unset)'}"
        )
    return url.rstrip("/")


def _dev_secret(production: bool, instance: Path = INSTANCE) -> str:
    """Read, or create readable by its owner only, the development key in instance/secret_key."""
    if production:
        raise RuntimeError("SECRET_KEY must be set when MARKETPLACE_ENV=production")
    instance.mkdir(exist_ok=True)
    key_file = instance / "secret_key"
    if key_file.exists():
        _owner_only(key_file)
    else:
        _create_key(key_file)
    return key_file.read_text().strip()


def _create_key(key_file: Path) -> None:
    """Write the key to a private temporary file, then link it into place: never a partial or open key.

    O_EXCL with 0o600 makes the file private from its first byte; link() fails if another worker
    starting at the same moment got there first, and then both use that worker's key.
    """
    temporary = key_file.with_name(f".{key_file.name}.{os.getpid()}.{os.urandom(4).hex()}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as out:
            out.write(os.urandom(32).hex())
        os.link(temporary, key_file)
    except FileExistsError:
        pass
    finally:
        temporary.unlink(missing_ok=True)


def _owner_only(key_file: Path) -> None:
    mode = stat.S_IMODE(key_file.stat().st_mode)
    if mode & 0o077:
        try:
            key_file.chmod(0o600)
            log.warning("%s was readable by others (mode %o); it is now readable by its owner only", key_file, mode)
        except OSError as error:
            log.warning("%s is readable by others (mode %o) and could not be restricted: %s", key_file, mode, error)
