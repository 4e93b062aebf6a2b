"""Engine set-up: SQLite transaction control, and the write-lock helper services call."""

from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db


def configure_engine(engine: Engine) -> None:
    """Let SQLAlchemy own BEGIN on SQLite so that write transactions can take the lock up front.

    pysqlite's legacy mode runs reads outside the transaction, which lets two concurrent orders
    both see the old balance. With isolation_level=None we emit BEGIN ourselves, and BEGIN IMMEDIATE
    when a service asked for a write transaction (see begin_write()).
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
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

    Its first write claims the request's one-time form key, if it carries one (form_keys.claim()):
    a key already claimed raises FormAlreadySubmitted before the use case reads or writes anything.
    """
    session = db.session()  # the scoped_session proxy has no in_transaction(); the Session has
    if session.in_transaction():
        session.commit()
    session.connection(execution_options={"sqlite_immediate": True})
    from .form_keys import claim  # imported here: form_keys needs the models, which need extensions

    claim()
