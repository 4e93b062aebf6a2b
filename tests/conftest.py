"""Fixtures: each test gets a fresh database (SQLite always, PostgreSQL when TEST_DATABASE_URL is set) and the app of
its slot as it was made (SlotApp: one app per test process, slot and settings)."""

from __future__ import annotations

import contextvars
import fcntl
import functools
import os
import shutil
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from hypothesis import settings
from jinja2 import BytecodeCache
from sqlalchemy import make_url, text

from marketplace import create_app
from marketplace.extensions import db
from tests.factories import DEFAULT_PASSWORD, TOTP_SECRET

# Property tests check what the code computes, not how fast a busy machine computes it: no per-example deadline.
settings.register_profile("suite", deadline=None)
settings.load_profile("suite")

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else [])


def _compile_url_builders_once() -> None:
    """Every test makes the same app: compile each URL rule's builders once per test process, not per app.

    Werkzeug turns each rule into two generated Python functions (ast + compile), about 25 of the 30 ms that
    create_app takes; over the suite's ~2,500 apps that is a minute of CPU. The generated function reads the
    rule's converters through `self` when called, so one compiled for an identical rule serves them all.
    """
    from werkzeug.routing.rules import Rule

    compile_builder = Rule._compile_builder
    compiled: dict[tuple, object] = {}

    def cached(self, append_unknown=True):
        defaults = tuple(sorted((name, repr(value)) for name, value in (self.defaults or {}).items()))
        key = (self.rule, self.subdomain, self.host, self.merge_slashes, tuple(self._trace), defaults, append_unknown)
        if key not in compiled:
            compiled[key] = compile_builder(self, append_unknown)
        return compiled[key]

    Rule._compile_builder = cached  # type: ignore[method-assign]


_compile_url_builders_once()


def _parse_url_rules_once() -> None:
    """Parsing a URL rule into its regular-expression parts is most of what is left of create_app's routing
    cost: parse each rule text once per test process and replay it. The replay re-makes the rule's own
    converter objects (bound to its map) and its trace, as parsing does; the parts depend only on the text
    and the converter classes, which are part of the key."""
    from werkzeug.routing.rules import Rule

    parse = Rule._parse_rule
    parsed: dict[tuple, tuple] = {}

    def cached(self, rule):
        key = (rule, tuple(sorted(self.map.converters.items())))
        if key not in parsed:
            trace_from, converters_before = len(self._trace), dict(self._converters)
            parts = list(parse(self, rule))
            made = [(name, c) for name, c in self._converters.items() if converters_before.get(name) is not c]
            specs = [(name, getattr(c, "_test_spec", None)) for name, c in made]
            if any(spec is None for _name, spec in specs):
                return parts  # a converter made without its recipe: nothing to replay
            parsed[key] = (parts, self._trace[trace_from:], specs)
            return parts
        parts, trace, specs = parsed[key]
        self._trace.extend(trace)
        for name, (converter, args, kwargs) in specs:
            self._converters[name] = self.get_converter(name, converter, args, kwargs)
            self.arguments.add(name)
        return list(parts)

    get_converter = Rule.get_converter

    def recorded(self, variable_name, converter_name, args, kwargs):
        made = get_converter(self, variable_name, converter_name, args, kwargs)
        made._test_spec = (converter_name, args, kwargs)
        return made

    Rule._parse_rule = cached  # type: ignore[method-assign]
    Rule.get_converter = recorded  # type: ignore[method-assign]


_parse_url_rules_once()


def _sleep_under_faketime() -> None:
    """Under Debian's faketime (make test-dates) time.sleep fails with EINVAL: libfaketime mishandles the
    absolute monotonic deadline Python passes to clock_nanosleep. A timed wait on an event sleeps the same
    time through another call, so code that polls (one-time keys, Idempotency-Key) runs there as it does
    everywhere else."""
    if "FAKETIME" not in os.environ:
        return
    import threading
    import time

    def sleep(seconds: float) -> None:
        threading.Event().wait(seconds)

    time.sleep = sleep


_sleep_under_faketime()


def pytest_configure(config):
    if os.environ.get("REQUIRE_POSTGRES") and not TEST_DATABASE_URL:
        raise pytest.UsageError("REQUIRE_POSTGRES is set but TEST_DATABASE_URL is not")


def base_config(url: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "PUBLIC_BASE_URL": "http://localhost",
        "RATELIMIT_ENABLED": False,  # tests/functional/test_rate_limits.py turns it on
        "JOBS_IMMEDIATE": True,  # jobs run inside the call that queues them (test_worker.py runs a real worker)
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # scrypt takes ~0.1 s a hash (the default is tested)
        # The render pool runs at the web processes' priority here: niced, its renders would wait behind the
        # other test worker and every PDF test would take seconds (the niceness itself is tested on its own).
        "REPORTS_RENDER_NICE": 0,
        # A render process is replaced after so many renders to bound its memory in a long-running server;
        # replacing it loads WeasyPrint and the fonts again (~3 s here), which the suite would do dozens of times.
        "REPORTS_TASKS_PER_CHILD": 1_000,
        "REPORTS_SMALL_TASKS_PER_CHILD": 1_000,
        "MAIL_BACKEND": "locmem",  # mails kept in memory; tests/functional/test_mail*.py send them over SMTP
        "DB_DURABLE_COMMITS": False,  # the databases are thrown away: commits need not wait for the disk
    }


def writer_config(url: str, **settings) -> dict:
    """For the processes a concurrency test starts: they wait up to 30 s for the write lock.

    On a machine busy with other work a writer may queue longer than the default 5 s and rightly answer 503
    (tests/integration/test_concurrent_writes.py tests that answer); these tests need every write through.
    """
    return {**base_config(url), "DB_LOCK_TIMEOUT_MS": 30_000, **settings}


def psycopg_url(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class PostgresServer:
    """Creates throw-away databases on the server TEST_DATABASE_URL points at."""

    def __init__(self, url: str):
        self.url = make_url(psycopg_url(url))

    def _admin(self):
        import psycopg

        return psycopg.connect(
            host=self.url.host,
            port=self.url.port or 5432,
            user=self.url.username,
            password=self.url.password,
            dbname=self.url.database,
            autocommit=True,
        )

    def create(self, template: str | None = None, name: str | None = None) -> str:
        name = name or f"mp_test_{uuid.uuid4().hex[:12]}"
        with self._admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_server():
    if not TEST_DATABASE_URL:
        pytest.skip("TEST_DATABASE_URL is not set")
    return PostgresServer(TEST_DATABASE_URL)


def _prepare_schema(url: str) -> None:
    from marketplace.database import enable_wal
    from marketplace.services.reference import ensure_certificate_types

    app = create_app(base_config(url))
    with app.app_context():
        db.create_all()
        enable_wal(db.engine)
        ensure_certificate_types()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    _prepare_schema(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_session_db(request):
    server = request.getfixturevalue("postgres_server")
    url = server.create()
    _prepare_schema(url)
    yield url
    with _slot_app(url).app.app_context():
        db.engine.dispose()
    server.drop(url)


KEPT_TABLES = {"catalogue_version", "chain_heads"}  # they keep their rows (a migration inserts them)


RESET_FUNCTION = """
CREATE OR REPLACE FUNCTION reset_test_rows(tables text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE name text;
BEGIN
  SET LOCAL session_replication_role = replica;
  FOREACH name IN ARRAY tables LOOP
    EXECUTE format('DELETE FROM %I', name);
  END LOOP;
  PERFORM setval(s.oid, 1, false) FROM pg_class s JOIN pg_depend d ON d.objid = s.oid
    JOIN pg_class t ON t.oid = d.refobjid
    WHERE s.relkind = 'S' AND d.deptype IN ('a', 'i') AND t.relname = ANY(tables);
  UPDATE chain_heads SET seq = 0, hash = repeat('0', 64);
END $$
"""


def _empty_postgres(url: str) -> None:
    """Delete every row but the kept ones and restart the ids: as TRUNCATE ... RESTART IDENTITY, ~20x faster.

    One call of a function made in the test database does it in one round trip (a statement per table took
    ~30 ms a test). session_replication_role = replica switches off the triggers (foreign keys, append-only
    tables) for that transaction; it needs a superuser, so other roles TRUNCATE.
    """
    from marketplace.services.reference import ensure_certificate_types

    tables = [t.name for t in reversed(db.metadata.sorted_tables) if t.name not in KEPT_TABLES]
    with _slot_app(url).app.app_context():
        with db.engine.begin() as conn:
            if _reset_function_made(url):
                conn.execute(text("SELECT reset_test_rows(:tables)"), {"tables": tables})
            else:
                names = ", ".join(f'"{t}"' for t in tables)
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
                conn.execute(text("UPDATE chain_heads SET seq = 0, hash = :genesis"), {"genesis": "0" * 64})
        ensure_certificate_types()
        db.session.remove()


@functools.cache
def _reset_function_made(url: str) -> bool:
    """Once per database: a superuser gets the reset function there (False: not a superuser)."""
    with db.engine.begin() as conn:
        if not conn.scalar(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")):
            return False
        conn.execute(text(RESET_FUNCTION))
    return True


@pytest.fixture(scope="session")
def slots(tmp_path_factory) -> Path:
    """This test process's database files, each reused by test after test (see SlotApp)."""
    return tmp_path_factory.mktemp("slots")


@pytest.fixture(params=BACKENDS)
def database_url(request, slots):
    """A fresh database for one test: a copy of the SQLite template, or a truncated PostgreSQL one."""
    if request.param == "sqlite":
        return _fill_sqlite_slot(slots / "test.sqlite3", request.getfixturevalue("sqlite_template"))
    url = request.getfixturevalue("postgres_session_db")
    _empty_postgres(url)
    return url


def run_directory(tmp_path_factory, worker_id: str) -> Path:
    """The temporary directory every test process of this run shares (the run's base with -n, else its own)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if worker_id != "master" else base


def once_per_run(path: Path, build: Callable[[Path], None]) -> Path:
    """`path`, made by `build` by the first test process that needs it; the others wait for it under a lock in
    the run's shared directory (released when the lock file closes, also if that process dies)."""
    with open(path.with_name(path.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            partial = path.with_name(path.name + ".partial")
            build(partial)
            partial.rename(path)
    return path


def _seed_demo(url: str) -> None:
    from marketplace.demo import seed_all

    app = create_app(base_config(url))
    with app.app_context():
        seed_all()
        db.session.remove()
        if url.startswith("sqlite"):
            with db.engine.connect() as conn:  # everything into the main file, which is what gets copied
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.engine.dispose()


def _demo_key() -> str:
    """The seeded demo depends on the day it is seeded and the zone: `make test-dates` runs each worker at
    another moment, and none may use a demo seeded at another's."""
    from tests import clock

    return f"{os.environ.get('TZ', '')}-{clock.today().isoformat()}".replace("/", "_")


@pytest.fixture(params=BACKENDS)
def demo_database_url(request, slots, tmp_path_factory, worker_id):
    """A database of its own holding the seeded demo (`flask seed-demo`), for tests that read the demo: the
    demo is seeded once per run, day and backend, and each test gets a copy (a file copy on SQLite, a
    database made from it as a template on PostgreSQL)."""
    shared = run_directory(tmp_path_factory, worker_id)
    if request.param == "sqlite":

        def build(path: Path) -> None:
            shutil.copy(request.getfixturevalue("sqlite_template"), path)
            _seed_demo(f"sqlite:///{path}")

        yield _fill_sqlite_slot(slots / "demo.sqlite3", once_per_run(shared / f"demo-{_demo_key()}.sqlite3", build))
        return
    server = request.getfixturevalue("postgres_server")

    def build_postgres(path: Path) -> None:
        url = server.create()
        _prepare_schema(url)
        _seed_demo(url)
        path.write_text(url)

    template = once_per_run(shared / f"demo-{_demo_key()}.postgresql", build_postgres).read_text()
    slot = request.getfixturevalue("postgres_demo_slot")
    _close_slot(slot)
    server.drop(slot)
    yield server.create(template=make_url(template).database, name=make_url(slot).database)


@pytest.fixture(scope="session")
def postgres_demo_slot(worker_id):
    """The PostgreSQL database this test process copies the demo into for each test that reads it."""
    server = PostgresServer(TEST_DATABASE_URL)
    url = server.url.set(database=f"mp_demo_{uuid.uuid4().hex[:12]}").render_as_string(hide_password=False)
    yield url
    _close_slot(url)
    server.drop(url)


def pytest_sessionfinish(session):
    """The run's controller drops the PostgreSQL demo templates once every test process is done."""
    if hasattr(session.config, "workerinput") or not TEST_DATABASE_URL:
        return
    base = session.config._tmp_path_factory.getbasetemp()  # the shared directory, seen from the controller
    for found in base.glob("demo-*.postgresql"):
        PostgresServer(TEST_DATABASE_URL).drop(found.read_text())


@pytest.fixture
def demo_app(demo_database_url):
    """An app on a copy of the seeded demo."""
    yield from _shared_app_for(demo_database_url)


@pytest.fixture
def sqlite_url(slots, sqlite_template):
    """For tests that only make sense once (access matrix, pages): a SQLite copy."""
    return _fill_sqlite_slot(slots / "sqlite-only.sqlite3", sqlite_template)


class IsolatedClient(FlaskClient):
    """Runs each request in a fresh context, as a real server would.

    The test itself holds an app context (for builders and queries). Without isolation every request
    would share that context's `g` (Flask-Login's cached user, Babel's cached locale) and its
    database session. Afterwards the test's session is expired so it sees what the request changed.
    """

    def open(self, *args, **kwargs):
        if not has_app_context():  # a redirect being followed: already inside the isolated context
            return super().open(*args, **kwargs)
        db.session.commit()  # end the test's transaction: on SQLite WAL it would pin an old snapshot
        kwargs.setdefault("buffered", True)  # a streamed body is read in the request's context, as a server does
        response = contextvars.Context().run(super().open, *args, **kwargs)
        db.session.expire_all()
        return response


class CompiledTemplates(BytecodeCache):
    """Templates compiled once per test process and shared by every test's app (the source is checksummed)."""

    def __init__(self):
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


def _app_for(url: str, **extra):
    app = create_app({**base_config(url), **extra})
    app.test_client_class = IsolatedClient
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    ctx = app.app_context()
    ctx.push()
    yield app
    db.session.remove()
    db.engine.dispose()
    ctx.pop()


SHARED_APPS: dict[tuple, SlotApp] = {}


class SlotApp:
    """One app per test process, database slot and settings, handed to test after test.

    Building an app per test cost about a third of a typical test: the URL map (~200 rules) and, above all,
    SQLAlchemy's compiled-statement cache, which lives in the engine, so a new app compiled every query
    afresh. A slot's database is refilled for each test (a copy of the template, or emptied rows), and the
    app is put back as it was made: its settings and extensions, the process-wide state create_app sets
    (the rate limiter, the job queue), no cached catalogue page and no kept mail.
    """

    def __init__(self, url: str, extra: dict):
        from marketplace.extensions import limiter

        self.app = create_app({**base_config(url), **extra})
        self.app.test_client_class = IsolatedClient
        self.app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
        self.config = dict(self.app.config)
        self.extensions = dict(self.app.extensions)
        self.limiter = dict(vars(limiter))

    def fresh(self) -> Flask:
        from marketplace import jobs
        from marketplace.extensions import limiter

        app = self.app
        app.config.clear()
        app.config.update(self.config)
        app.extensions.clear()
        app.extensions.update(self.extensions)
        vars(limiter).update(self.limiter)
        jobs.init_app(app)  # another app of this process may have pointed the queue elsewhere
        mailman = app.extensions.get("mailman")
        if mailman is not None and hasattr(mailman, "outbox"):
            del mailman.outbox
        return app


def _slot_app(url: str, **extra) -> SlotApp:
    """This process's slot app for `url` and `extra`, made on first use (its app as the last test left it)."""
    key = (url, tuple(sorted(extra.items())))
    if key not in SHARED_APPS:
        SHARED_APPS[key] = SlotApp(url, extra)
    return SHARED_APPS[key]


def _close_slot(url: str) -> None:
    """Close the connections the slot apps on `url` hold, before their database is replaced."""
    for (slot_url, _extra), slot in SHARED_APPS.items():
        if slot_url == url:
            with slot.app.app_context():
                db.engine.dispose()


def _fill_sqlite_slot(path: Path, source: Path) -> str:
    """Put a copy of `source` at `path` and return its URL. The copy gets a new inode, so a connection a test
    left open keeps the old file instead of reading pages of the new one; the old WAL files go."""
    url = f"sqlite:///{path}"
    _close_slot(url)
    partial = path.with_name(path.name + ".next")
    shutil.copy(source, partial)
    for suffix in ("-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    os.replace(partial, path)
    return url


def _shared_app_for(url: str, **extra):
    """As _app_for, with the slot's app of this process instead of a new one."""
    app = _slot_app(url, **extra).fresh()
    ctx = app.app_context()
    ctx.push()
    yield app
    db.session.remove()
    ctx.pop()


@pytest.fixture
def app(database_url):
    yield from _shared_app_for(database_url)


@pytest.fixture
def fresh_app(database_url):
    """An app of its own, for a test that adds a route to it (a shared app has served requests already)."""
    yield from _app_for(database_url)


@pytest.fixture
def sqlite_app(sqlite_url):
    yield from _shared_app_for(sqlite_url)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class FrozenClock:
    """The sign-in clock (throttling, TOTP codes), moved only by the test."""

    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta) -> None:
        self.at += timedelta(**delta)


@pytest.fixture(autouse=True)
def sign_in_clock(monkeypatch):
    from marketplace.services import sign_in

    clock = FrozenClock(datetime(2025, 3, 4, 1, 2, 3, tzinfo=UTC))
    monkeypatch.setattr(sign_in, "now", clock)
    return clock


def totp_code(clock: FrozenClock, secret: str = TOTP_SECRET) -> str:
    import pyotp

    return pyotp.TOTP(secret).at(clock())


class AuthActions:
    def __init__(self, client, clock: FrozenClock):
        self.client, self.clock = client, clock

    def login(self, user_or_email, password: str = DEFAULT_PASSWORD, language: str | None = None):
        """Sign in; for a user asked for a code (ministry staff), type the authenticator's code too.

        With `language`, the session's language is chosen first, so messages can be checked in it.
        """
        email = getattr(user_or_email, "email", user_or_email)
        if language:
            self.client.get(f"/?lang={language}")
        response = self.client.post("/login", data={"email": email, "password": password})
        if response.status_code == 302 and response.headers["Location"].endswith("/login/code"):
            self.clock.advance(seconds=30)  # a code works once: each sign-in uses the next one
            response = self.client.post("/login/code", data={"code": totp_code(self.clock)})
        return response

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client, sign_in_clock):
    return AuthActions(client, sign_in_clock)


@pytest.fixture
def held(app, monkeypatch):
    """Background jobs submitted while the test runs, held (as a busy worker would) until the test runs them
    (services.job_runs.run_job); the list holds their ids."""
    submitted: list[int] = []
    monkeypatch.setitem(app.extensions, "run_job", submitted.append)
    return submitted


@pytest.fixture
def make():
    """Builders for test rows in the current app context (request `app` or `sqlite_app` first)."""
    from tests import factories

    return factories.Builders()


@pytest.fixture
def now():
    """The current instant (UTC) as the app's clock reads it."""
    from tests import clock

    return clock.now()


@pytest.fixture
def today():
    """Today's date in Seoul, the date the program's rules use."""
    from tests import clock

    return clock.today()


def pytest_collection_modifyitems(config, items):
    """Mark date-sensitive tests: those whose module reads the clock (CI runs them again under faketime)."""
    from tests import clock as test_clock

    for item in items:
        module = getattr(item, "module", None)
        # a module that imports tests/clock.py (not one with a fixture of its own named `clock`)
        uses_clock = module is not None and vars(module).get("clock") is test_clock
        if uses_clock or {"now", "today"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.clock)
