"""The migrated database holds every state column to its enum, on SQLite and PostgreSQL.

The CHECK each migration wrote is read back from the database and tried on a scratch table: every
value of the enum goes in, anything else is refused.
"""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from marketplace import create_app
from marketplace.extensions import db
from tests.conftest import base_config
from tests.unit.test_state_enums import STATE_COLUMNS, enum_checks

REFUSED = ("", "unknown", "Pending", " placed")


@pytest.fixture(params=["sqlite", "postgresql"])
def migrated(request, tmp_path):
    """An app on a database built by the migrations alone."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    else:
        server = request.getfixturevalue("postgres_server")
        url = server.create()
    app = create_app(base_config(url))
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()
    if request.param == "postgresql":
        server.drop(url)


def reflected_checks(conn) -> dict[str, str]:
    """Every CHECK of the state tables as the database keeps it, by name."""
    inspector = inspect(conn)
    tables = {table for table, _column in STATE_COLUMNS} & set(inspector.get_table_names())  # as migrated so far
    return {c["name"]: c["sqltext"] for t in tables for c in inspector.get_check_constraints(t)}


def admits(conn, column: str, sqltext: str, value: str) -> bool:
    """Whether a row holding `value` in `column` passes the CHECK `sqltext` (on a scratch table)."""
    savepoint = conn.begin_nested()
    try:
        conn.execute(text(f"CREATE TEMPORARY TABLE probe ({column} VARCHAR(64), CHECK ({sqltext}))"))
        conn.execute(text(f"INSERT INTO probe ({column}) VALUES (:value)"), {"value": value})  # noqa: S608 - constants
    except IntegrityError:
        savepoint.rollback()
        return False
    savepoint.rollback()
    return True


def test_the_migrated_checks_admit_each_enum_value_and_nothing_else(migrated):
    checks = enum_checks()
    with db.engine.connect() as conn:
        stored = reflected_checks(conn)
        for (table, column), states in STATE_COLUMNS.items():
            name = checks[(table, column)].name
            name = name if name.startswith("ck_") else f"ck_{table}_{name}"
            assert name in stored, f"{table}.{column} has no CHECK {name} in the migrated database"
            sqltext = stored[name]
            assert [v for v in states if not admits(conn, column, sqltext, v)] == [], name
            assert [v for v in REFUSED if admits(conn, column, sqltext, v)] == [], name


def test_the_state_check_migration_goes_down_and_refuses_unknown_values_on_the_way_up(migrated, today, capfd):
    from marketplace.models import Order
    from tests.builders_orders import OrderBuilders
    from tests.factories import Builders

    builders = OrderBuilders(Builders())
    buyer, mou, allocation = builders.setup()
    order_id = builders.order(buyer, allocation, mou).id
    db.session.remove()

    downgrade(revision="0011_relief_versions")
    with db.engine.connect() as conn:
        assert {"ck_orders_inspection_result", "ck_audit_relief_certificates_order_status"} & set(
            reflected_checks(conn)
        ) == set()
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE orders SET inspection_result = 'maybe' WHERE id = :id"), {"id": order_id})
    with pytest.raises(SystemExit):  # Flask-Migrate logs the migration's RuntimeError and exits
        upgrade()
    assert "orders.inspection_result holds values outside" in capfd.readouterr().err
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE orders SET inspection_result = NULL WHERE id = :id"), {"id": order_id})
    upgrade()
    with db.engine.connect() as conn:
        assert {"ck_orders_inspection_result", "ck_audit_relief_certificates_order_status"} <= set(
            reflected_checks(conn)
        )
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE orders SET inspection_result = 'maybe' WHERE id = :id"), {"id": order_id})
    db.session.rollback()
    assert db.session.get(Order, order_id).inspection_result is None
