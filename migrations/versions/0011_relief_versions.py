"""audit-relief certificates get versions (valid, superseded, revoked) and a verification code

Existing certificates are carried forward as version 1 of their order, each with a newly generated
verification code (their PDFs, issued before codes existed, do not print it: they still verify by
uploading the PDF, and the buyer sees the code on the order page) and the order status they stated,
read from their facts (delivery and inspection dates) and from the order's evaluation, if it was
recorded before the certificate was issued.

The downgrade keeps one certificate per order, so it stops with a list when an order has several
versions; it drops the verification codes (an upgrade after it generates new ones).

Revision ID: 0011_relief_versions
Revises: 0010_allocation_moves
"""
import json
import secrets

import sqlalchemy as sa
from alembic import op

import marketplace.models.types

revision = "0011_relief_versions"
down_revision = "0010_allocation_moves"
branch_labels = None
depends_on = None

TABLE = "audit_relief_certificates"
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# as marketplace.domain.relief.new_code when this was written: 12 of 32 unambiguous symbols, grouped by 4
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
VALID_ONLY = sa.text("status = 'valid'")


def _code() -> str:
    symbols = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return "-".join(symbols[i:i + 4] for i in range(0, 12, 4))


def _stated_status(facts_json: str, evaluated: int) -> str:
    """The order status a certificate stated: its facts' state (once versions existed), or for older
    ones the delivery and inspection dates of their approvals section and the order's evaluation."""
    try:
        facts = json.loads(facts_json)
    except ValueError:
        facts = {}
    facts = facts if isinstance(facts, dict) else {}
    stated = (facts.get("state") or {}).get("status")
    if stated:
        return stated
    approvals = facts.get("approvals") or {}
    if evaluated:
        return "evaluated"
    if approvals.get("inspected_on"):
        return "inspected"
    return "delivered" if approvals.get("delivered_on") else "placed"


def upgrade():
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        f"SELECT c.id, c.facts_json, (SELECT COUNT(*) FROM evaluations e WHERE e.order_id = c.order_id "  # noqa: S608 - constants
        f"AND e.created_at <= c.issued_at) AS evaluated FROM {TABLE} c")).all()
    with op.batch_alter_table(TABLE) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(sa.Column("verification_code", sa.String(length=20), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("order_status", sa.String(length=20), nullable=False,
                                      server_default="placed"))
        batch_op.add_column(sa.Column("superseded_at", marketplace.models.types.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column("superseded_by_id", BigId, nullable=True))
        batch_op.create_foreign_key("fk_relief_certificates_superseded_by", TABLE, ["superseded_by_id"], ["id"])
        batch_op.drop_constraint(op.f("uq_audit_relief_certificates_order_id"), type_="unique")
        batch_op.create_unique_constraint("uq_audit_relief_certificates_order_version", ["order_id", "version"])
        batch_op.drop_constraint(op.f("ck_audit_relief_certificates_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_audit_relief_certificates_status"),
                                         "status IN ('valid', 'superseded', 'revoked')")
        batch_op.create_check_constraint(op.f("ck_audit_relief_certificates_version_positive"), "version >= 1")
    for row in rows:
        bind.execute(sa.text(f"UPDATE {TABLE} SET verification_code = :code, order_status = :status "  # noqa: S608
                             "WHERE id = :id"),
                     {"code": _code(), "status": _stated_status(row.facts_json, row.evaluated), "id": row.id})
    with op.batch_alter_table(TABLE) as batch_op:
        batch_op.alter_column("version", server_default=None)
        batch_op.alter_column("verification_code", server_default=None)
        batch_op.alter_column("order_status", server_default=None)
    op.create_index("uq_audit_relief_certificates_one_valid", TABLE, ["order_id"], unique=True,
                    sqlite_where=VALID_ONLY, postgresql_where=VALID_ONLY)


def downgrade():
    bind = op.get_bind()
    several = bind.execute(sa.text(
        f"SELECT order_id, COUNT(*) AS versions FROM {TABLE} GROUP BY order_id HAVING COUNT(*) > 1")).all()  # noqa: S608
    if several:
        raise RuntimeError("Orders with several certificate versions cannot go back to one certificate per "
                           "order: " + "; ".join(f"order {r.order_id}: {r.versions} versions" for r in several))
    op.drop_index("uq_audit_relief_certificates_one_valid", table_name=TABLE)
    with op.batch_alter_table(TABLE) as batch_op:
        batch_op.drop_constraint(op.f("ck_audit_relief_certificates_version_positive"), type_="check")
        batch_op.drop_constraint(op.f("ck_audit_relief_certificates_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_audit_relief_certificates_status"), "status IN ('valid', 'revoked')")
        batch_op.drop_constraint("uq_audit_relief_certificates_order_version", type_="unique")
        batch_op.create_unique_constraint(op.f("uq_audit_relief_certificates_order_id"), ["order_id"])
        batch_op.drop_constraint("fk_relief_certificates_superseded_by", type_="foreignkey")
        batch_op.drop_column("superseded_by_id")
        batch_op.drop_column("superseded_at")
        batch_op.drop_column("order_status")
        batch_op.drop_column("verification_code")
        batch_op.drop_column("version")
