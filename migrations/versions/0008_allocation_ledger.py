"""allocations count what was ordered on them; orders keep the allocation left before them and a late reason

Existing data is carried forward: each allocation's ordered amount is the sum of its orders that are not
cancelled, and each order's "allocation before" is the allocation's amount less the orders recorded before
it that were not cancelled by then. Orders that already exceed their allocation (possible before the
allocation was checked) stop the upgrade with a list: a ministry officer must cancel or correct them first,
because the database will not hold an allocation below zero.

Revision ID: 0008_allocation_ledger
Revises: 0007_audit_chain
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_allocation_ledger"
down_revision = "0007_audit_chain"
branch_labels = None
depends_on = None

Money = sa.BigInteger()


def upgrade():
    bind = op.get_bind()
    allocations = {row.id: row.amount_krw for row in bind.execute(sa.text("SELECT id, amount_krw FROM allocations"))}
    orders = bind.execute(sa.text(
        "SELECT id, allocation_id, amount_krw, status, created_at, cancelled_at FROM orders ORDER BY id")).all()
    ordered = dict.fromkeys(allocations, 0)
    before: dict[int, int] = {}
    by_allocation: dict[int, list] = {}
    for order in orders:  # compared only with earlier orders on the same allocation (a few each)
        earlier = by_allocation.setdefault(order.allocation_id, [])
        held = sum(other.amount_krw for other in earlier
                   if other.cancelled_at is None or other.cancelled_at > order.created_at)
        before[order.id] = allocations[order.allocation_id] - held
        earlier.append(order)
        if order.status != "cancelled":
            ordered[order.allocation_id] += order.amount_krw
    over = [f"allocation {a}: ordered {ordered[a]:,} of {allocations[a]:,} KRW"
            for a in sorted(allocations) if ordered[a] > allocations[a]]
    if over:
        raise RuntimeError("Orders exceed their allocation; cancel or correct them, then upgrade again: "
                           + "; ".join(over))

    with op.batch_alter_table("allocations") as batch_op:
        batch_op.add_column(sa.Column("ordered_krw", Money, nullable=False, server_default="0"))
    with op.batch_alter_table("orders") as batch_op:
        batch_op.add_column(sa.Column("allocation_before_krw", Money, nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("late_reason", sa.Text(), nullable=False, server_default=""))
    for allocation_id, amount in ordered.items():
        if amount:
            bind.execute(sa.text("UPDATE allocations SET ordered_krw = :amount WHERE id = :id"),
                         {"amount": amount, "id": allocation_id})
    for order_id, amount in before.items():
        bind.execute(sa.text("UPDATE orders SET allocation_before_krw = :amount WHERE id = :id"),
                     {"amount": amount, "id": order_id})
    with op.batch_alter_table("allocations") as batch_op:
        batch_op.alter_column("ordered_krw", server_default=None)
        batch_op.create_check_constraint(op.f("ck_allocations_ordered_within_amount"), "ordered_krw >= 0 AND ordered_krw <= amount_krw")
    with op.batch_alter_table("orders") as batch_op:
        batch_op.alter_column("allocation_before_krw", server_default=None)
        batch_op.alter_column("late_reason", server_default=None)


def downgrade():
    with op.batch_alter_table("orders") as batch_op:
        batch_op.drop_column("late_reason")
        batch_op.drop_column("allocation_before_krw")
    with op.batch_alter_table("allocations") as batch_op:
        batch_op.drop_constraint(op.f("ck_allocations_ordered_within_amount"), type_="check")
        batch_op.drop_column("ordered_krw")
