"""The suite hands one app per test process and database slot from test to test (tests/conftest.py): each test
must get it as it was made, on a database as fresh as a new copy, whatever the test before did."""

from __future__ import annotations

from flask_mailman import EmailMessage
from sqlalchemy import func, select

from marketplace.extensions import db, limiter
from marketplace.jobs import queue, tasks
from marketplace.models import User
from tests.conftest import SlotApp, _fill_sqlite_slot, base_config


def test_a_slot_app_comes_back_as_it_was_made(sqlite_template, tmp_path):
    slot = SlotApp(_fill_sqlite_slot(tmp_path / "slot.sqlite3", sqlite_template), {})
    app = slot.fresh()
    made_config, made_extensions = dict(app.config), dict(app.extensions)

    # what a test may do to it
    app.config["CATALOGUE_PAGE_SIZE"] = 2
    app.config["ADDED_BY_A_TEST"] = True
    app.extensions["deliver_mail"] = lambda: None
    app.extensions["catalogue_page_cache"] = object()
    with app.app_context():
        EmailMessage("subject", "body", to=["someone@example.com"]).send()
    assert len(app.extensions["mailman"].outbox) == 1
    limiter.enabled = True
    queue.configure("memory://", "another-app", immediate=False)  # another app of the process moved the queue

    app = slot.fresh()
    assert dict(app.config) == made_config and "ADDED_BY_A_TEST" not in app.config
    assert app.extensions.keys() == made_extensions.keys() and "catalogue_page_cache" not in app.extensions
    assert app.extensions["deliver_mail"] is tasks.request_mail_delivery
    assert not hasattr(app.extensions["mailman"], "outbox")
    assert limiter.enabled is False
    assert queue.huey.name == app.config["JOBS_NAME"] and queue.huey.immediate is True
    with app.app_context():
        db.engine.dispose()


def test_a_refilled_slot_holds_none_of_the_last_tests_rows_even_with_a_connection_left_open(sqlite_template, tmp_path):
    path = tmp_path / "slot.sqlite3"
    slot = SlotApp(_fill_sqlite_slot(path, sqlite_template), {})
    app = slot.fresh()
    with app.app_context():
        db.session.add(User(email="left@example.com", name="Left", password_hash="x", role="supplier"))
        db.session.commit()
        left_open = db.engine.connect()
        assert left_open.scalar(select(func.count(User.id))) == 1

    assert _fill_sqlite_slot(path, sqlite_template) == f"sqlite:///{path}"
    app = slot.fresh()
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 0
        db.session.remove()
    assert left_open.scalar(select(func.count(User.id))) == 1  # it still reads the old file, not pages of the new
    left_open.close()
    with app.app_context():
        db.engine.dispose()


def test_the_suites_base_settings_are_what_a_slot_app_is_made_with(sqlite_template, tmp_path):
    url = _fill_sqlite_slot(tmp_path / "slot.sqlite3", sqlite_template)
    app = SlotApp(url, {"DEV_PAGES": True}).fresh()
    assert all(app.config[key] == value for key, value in base_config(url).items())
    assert app.config["DEV_PAGES"] is True
    with app.app_context():
        db.engine.dispose()
