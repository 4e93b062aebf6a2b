"""The migration chain builds the schema the models describe, on SQLite and PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from marketplace import create_app
from marketplace.extensions import db
from marketplace.models import CertificateType
from tests.conftest import base_config


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    server = request.getfixturevalue("postgres_server")
    url = server.create()
    yield url
    server.drop(url)


def test_upgrade_on_an_empty_database_matches_the_models(empty_database):
    app = create_app(base_config(empty_database))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        assert db.session.query(CertificateType).count() == 10
        db.session.remove()
        db.engine.dispose()


def test_the_allocation_migration_carries_existing_orders_forward(tmp_path):
    """Orders recorded before allocations counted them get their allocation's ordered amount and the
    allocation left before each of them; a cancelled order frees its part."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    from marketplace import create_app
    from marketplace.models import Allocation, Order
    from marketplace.services import orders as order_service
    from tests.builders_orders import OrderBuilders
    from tests.conftest import base_config
    from tests.factories import Builders

    app = create_app(base_config(f"sqlite:///{tmp_path / 'old.sqlite3'}"))
    with app.app_context():
        upgrade()
        builders = OrderBuilders(Builders())
        buyer, mou, allocation = builders.setup()
        first = builders.order(buyer, allocation, mou, quantity=10)
        builders.order(buyer, allocation, mou, quantity=5)
        order_service.cancel(buyer, first.id, "Supplier could not deliver")
        builders.order(buyer, allocation, mou, quantity=20)
        allocation_id = allocation.id
        db.session.remove()
        downgrade(revision="0007_audit_chain")
        upgrade()
        assert db.session.get(Allocation, allocation_id).ordered_krw == 25_000_000
        befores = [o.allocation_before_krw for o in db.session.query(Order).order_by(Order.id)]
        assert befores == [50_000_000, 40_000_000, 45_000_000]
        with pytest.raises(Exception, match="(?i)check"):
            db.session.execute(text("UPDATE allocations SET ordered_krw = amount_krw + 1"))
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()
