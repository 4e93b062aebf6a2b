"""Engine set-up: SQLite transaction control, and the write-lock helper services call."""

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from .extensions import db

DEFAULT_LOCK_TIMEOUT_MS = 5000
_WRITING = "write_transaction"


def configure_engine(engine: Engine, lock_timeout_ms: int = DEFAULT_LOCK_TIMEOUT_MS, *, durable: bool = True) -> None:
    """Bound every wait for a lock, and let SQLAlchemy own BEGIN on SQLite so that write transactions
    can take the lock up front.

    `durable` (the default) makes each commit wait until it is on disk: SQLite's synchronous=FULL, which in
    WAL mode syncs the log at every commit, and PostgreSQL's synchronous_commit as its server sets it. Off
    (synchronous=OFF, synchronous_commit=off) a commit returns once the operating system has it: a crashed
    process still loses nothing, a power cut may. The tests run so, on databases they throw away.

    A lock not had within `lock_timeout_ms` raises OperationalError, which errors.py answers with 503.
    pysqlite's legacy mode runs reads outside the transaction, which lets two concurrent orders
    both see the old balance. With isolation_level=None we emit BEGIN ourselves, and BEGIN IMMEDIATE
    when a service asked for a write transaction (see begin_write()).
    """
    timeout = max(int(lock_timeout_ms), 1)
    if engine.dialect.name == "postgresql":

        @event.listens_for(engine, "connect")
        def _pg_connect(dbapi_conn, _record):
            # lock_timeout bounds row-lock waits (FOR UPDATE, conditional UPDATEs) as busy_timeout does on SQLite
            dbapi_conn.execute(f"SET lock_timeout = {timeout}")
            if not durable:
                dbapi_conn.execute("SET synchronous_commit = off")
            dbapi_conn.commit()

        return
    if engine.dialect.name != "sqlite":
        return
    in_file = engine.url.database not in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={timeout}")
        if in_file:
            # WAL whoever made the file: readers never wait for a writer's commit (in the rollback journal a
            # page read while an order commits failed with "database is locked"); a no-op once it is WAL
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL" if durable else "PRAGMA synchronous=OFF")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        immediate = conn.get_execution_options().get("sqlite_immediate")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def enable_wal(engine: Engine) -> None:
    """Switch a file SQLite database to WAL once; the setting persists in the file."""
    if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        return
    raw = engine.raw_connection()  # autocommit (isolation_level=None): PRAGMA must run outside a transaction
    try:
        cursor = raw.cursor()
        mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
        if str(mode).lower() != "wal":
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()
    finally:
        raw.close()


def begin_write() -> None:
    """Start the session's transaction as a write transaction.

    Ends any read transaction the request already opened (user loading, for instance), then opens a
    new one that holds SQLite's write lock from its first statement. On PostgreSQL this is a plain
    transaction; services lock rows with SELECT ... FOR UPDATE or conditional UPDATEs.
    Call it first in a use case that writes, before reading what it checks; never hold it across long
    work (PDF rendering, draw estimates): do that work first, then begin_write(), re-check and store.
    Raises OperationalError when the lock cannot be had within the configured timeout.

    Its first write claims the request's one-time form key, if it carries one (form_keys.claim()):
    a key already claimed raises FormAlreadySubmitted before the use case reads or writes anything.
    """
    session = db.session()  # the scoped_session proxy has no in_transaction(); the Session has
    if session.in_transaction():
        session.commit()
    session.connection(execution_options={"sqlite_immediate": True})
    session.info[_WRITING] = True
    from .form_keys import claim  # imported here: form_keys needs the models, which need extensions

    claim()


def in_write_transaction() -> bool:
    """Whether this thread's session holds a write transaction begun by begin_write()."""
    return bool(db.session().info.get(_WRITING))


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _write_transaction_ended(session: Session) -> None:
    session.info.pop(_WRITING, None)
