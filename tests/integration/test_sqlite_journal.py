"""Every SQLite file the app opens runs in WAL, however it was made (create_all, a copy, a migration): in the
rollback journal a page that only reads failed with "database is locked" while a job or an order committed."""

from __future__ import annotations

import sqlite3

from sqlalchemy import text

from marketplace import create_app
from marketplace.extensions import db
from tests.conftest import base_config


def test_a_database_file_made_without_the_set_up_command_is_opened_in_wal(tmp_path):
    path = tmp_path / "fresh.sqlite3"
    sqlite3.connect(path).close()  # a file in the rollback journal, as create_all or a copy leaves it
    app = create_app(base_config(f"sqlite:///{path}"))
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        db.create_all()
        db.session.remove()
        db.engine.dispose()
    with sqlite3.connect(path) as raw:  # the mode is kept in the file
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_reader_is_not_refused_while_another_connection_holds_the_write_lock(tmp_path):
    path = tmp_path / "busy.sqlite3"
    app = create_app({**base_config(f"sqlite:///{path}"), "DB_LOCK_TIMEOUT_MS": 200})
    with app.app_context():
        db.create_all()
        writer = sqlite3.connect(path, isolation_level=None, timeout=0.2)
        writer.execute("BEGIN EXCLUSIVE")  # in the rollback journal this keeps every reader out
        writer.execute("UPDATE catalogue_version SET version = version + 1")
        try:
            assert db.session.execute(text("SELECT count(*) FROM users")).scalar() == 0
        finally:
            writer.execute("ROLLBACK")
            writer.close()
        db.session.remove()
        db.engine.dispose()


def _synchronous(url: str, **settings) -> str:
    app = create_app({**base_config(url), **settings})
    with app.app_context():
        setting = "PRAGMA synchronous" if url.startswith("sqlite") else "SHOW synchronous_commit"
        found = str(db.session.execute(text(setting)).scalar())
        db.session.remove()
        db.engine.dispose()
    return found


def test_commits_wait_for_the_disk_unless_the_configuration_says_the_database_is_disposable(database_url):
    """The app's default is a durable commit (SQLite FULL = 2; PostgreSQL as the server sets it, here on);
    the tests' own databases turn it off, and only they."""
    from marketplace.config import from_environment

    assert from_environment()["DB_DURABLE_COMMITS"] is True
    assert base_config(database_url)["DB_DURABLE_COMMITS"] is False
    durable, disposable = ("2", "0") if database_url.startswith("sqlite") else ("on", "off")
    assert _synchronous(database_url, DB_DURABLE_COMMITS=True) == durable
    assert _synchronous(database_url) == disposable
