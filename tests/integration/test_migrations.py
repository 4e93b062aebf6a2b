"""The migration chain builds the schema the models describe, on SQLite and PostgreSQL."""

import io

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


def test_the_relief_versions_migration_carries_existing_certificates_forward(empty_database, today, capfd):
    """Certificates issued before versions existed become version 1 with a new verification code and the
    order status they stated; their PDFs still verify by upload. An order with several versions stops
    the downgrade rather than losing one."""
    from flask_migrate import downgrade
    from sqlalchemy import inspect

    from marketplace.domain.relief import CODE_ALPHABET
    from marketplace.models import AuditReliefCertificate, User
    from marketplace.services import orders, relief_certificates
    from tests.builders_orders import OrderBuilders
    from tests.factories import Builders

    app = create_app(base_config(empty_database))
    with app.app_context():
        upgrade()
        builders = OrderBuilders(Builders())
        buyer, mou, allocation = builders.setup()
        placed, delivered, cancelled = (builders.order(buyer, allocation, mou) for _ in range(3))
        orders.deliver(buyer, delivered.id, today)
        for order in (placed, delivered, cancelled):
            relief_certificates.issue(buyer, order.id, "en")
        orders.cancel(buyer, cancelled.id, "Supplier could not deliver")
        before = {
            c.serial: (c.status, c.facts_json, c.pdf_sha256, c.verification_code, c.pdf)
            for c in db.session.query(AuditReliefCertificate)
        }
        buyer_id, delivered_id = buyer.id, delivered.id
        db.session.remove()

        downgrade(revision="0011_relief_versions-1")
        with db.engine.connect() as conn:
            columns = {c["name"] for c in inspect(conn).get_columns("audit_relief_certificates")}
        assert "verification_code" not in columns and "version" not in columns
        upgrade()

        after = db.session.query(AuditReliefCertificate).order_by(AuditReliefCertificate.id).all()
        assert [(c.version, c.order_status, c.status) for c in after] == [
            (1, "placed", "valid"),
            (1, "delivered", "valid"),
            (1, "placed", "revoked"),
        ]
        for certificate in after:
            status, facts_json, pdf_sha256, old_code, pdf = before[certificate.serial]
            assert (certificate.status, certificate.facts_json, certificate.pdf_sha256) == (
                status,
                facts_json,
                pdf_sha256,
            )
            code = certificate.verification_code
            assert code != old_code and len(code) == 14 and set(code.replace("-", "")) <= set(CODE_ALPHABET)
        client = app.test_client()
        first = after[0]
        shown = client.post(
            "/verify/upload",
            data={"serial": first.serial, "pdf": (io.BytesIO(before[first.serial][4]), "c.pdf")},
            content_type="multipart/form-data",
            headers={"Accept-Language": "en"},
        )
        assert b"exactly the PDF issued" in shown.data and b"The facts the certificate states" in shown.data
        by_code = client.get(
            f"/verify/{first.serial}", query_string={"code": first.verification_code}, headers={"Accept-Language": "en"}
        )
        assert b"The facts the certificate states" in by_code.data

        orders.inspect(db.session.get(User, buyer_id), delivered_id, "accepted", "", today)
        relief_certificates.issue(db.session.get(User, buyer_id), delivered_id, "en")
        db.session.remove()
        with pytest.raises(SystemExit):  # Flask-Migrate logs the migration's RuntimeError and exits
            downgrade(revision="0011_relief_versions-1")
        assert "several certificate versions" in capfd.readouterr().err
        with db.engine.connect() as conn:
            columns = {c["name"] for c in inspect(conn).get_columns("audit_relief_certificates")}
        assert "version" in columns
        db.session.remove()
        db.engine.dispose()
