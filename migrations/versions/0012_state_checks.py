"""the two state columns without a CHECK get one: an order's inspection result, a certificate's order status

The values are those of marketplace.domain.states (InspectionResult, OrderStatus) when this was written,
copied here so that later edits of the enums do not change this revision. Rows holding anything else
stop the upgrade with a list (none can exist when the application wrote them).

Revision ID: 0012_state_checks
Revises: 0011_relief_versions
"""
import sqlalchemy as sa
from alembic import op

revision = "0012_state_checks"
down_revision = "0011_relief_versions"
branch_labels = None
depends_on = None

INSPECTION_RESULTS = ("accepted", "rejected")
ORDER_STATUSES = ("placed", "delivered", "inspected", "evaluated", "cancelled")
RELIEF = "audit_relief_certificates"
# the partial index is made again after SQLite's batch copy of the table (the copy would lose its WHERE)
VALID_ONLY = sa.text("status = 'valid'")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _refuse_unknown(table: str, column: str, values: tuple[str, ...]) -> None:
    rows = op.get_bind().execute(
        sa.text(f"SELECT id, {column} FROM {table} WHERE NOT ({_in(column, values)})")  # noqa: S608 - constants
    ).all()
    if rows:
        raise RuntimeError(f"{table}.{column} holds values outside {values}; correct them, then upgrade again: "
                           + "; ".join(f"id {r[0]}: {r[1]!r}" for r in rows))


def upgrade():
    _refuse_unknown("orders", "inspection_result", INSPECTION_RESULTS)
    _refuse_unknown(RELIEF, "order_status", ORDER_STATUSES)
    with op.batch_alter_table("orders") as batch_op:
        batch_op.create_check_constraint(op.f("ck_orders_inspection_result"),
                                         _in("inspection_result", INSPECTION_RESULTS))
    op.drop_index("uq_audit_relief_certificates_one_valid", table_name=RELIEF)
    with op.batch_alter_table(RELIEF) as batch_op:
        batch_op.create_check_constraint(op.f("ck_audit_relief_certificates_order_status"),
                                         _in("order_status", ORDER_STATUSES))
    op.create_index("uq_audit_relief_certificates_one_valid", RELIEF, ["order_id"], unique=True,
                    sqlite_where=VALID_ONLY, postgresql_where=VALID_ONLY)


def downgrade():
    op.drop_index("uq_audit_relief_certificates_one_valid", table_name=RELIEF)
    with op.batch_alter_table(RELIEF) as batch_op:
        batch_op.drop_constraint(op.f("ck_audit_relief_certificates_order_status"), type_="check")
    op.create_index("uq_audit_relief_certificates_one_valid", RELIEF, ["order_id"], unique=True,
                    sqlite_where=VALID_ONLY, postgresql_where=VALID_ONLY)
    with op.batch_alter_table("orders") as batch_op:
        batch_op.drop_constraint(op.f("ck_orders_inspection_result"), type_="check")
