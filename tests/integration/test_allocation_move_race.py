"""Processes placing orders on an allocation race others moving it away: never both, never an error.

A move refuses while an order rests on the allocation, and an order refuses a moved allocation; both take
the allocation's row lock (PostgreSQL) or the write lock (SQLite) before they check.
"""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import Allocation, AllocationChange, Order
from tests import processes
from tests.builders_allocations import build
from tests.conftest import writer_config

BUYERS, MOVERS, TRIES = 2, 2, 6


def race(url: str, role: str, user_id: int, allocation_id: int, mou_id: int, target_id: int) -> dict:
    """Run in a process of its own: TRIES orders (buyer) or moves (mover); count what happened."""
    from marketplace import create_app
    from marketplace.domain.errors import DomainError
    from marketplace.models import User
    from marketplace.services import allocations, orders
    from tests.builders_orders import OrderBuilders

    app = create_app(writer_config(url))
    result = {"accepted": 0, "refused": 0, "errors": []}
    with app.app_context():
        for _ in range(TRIES):
            user = db.session.get(User, user_id)
            try:
                if role == "buyer":
                    orders.record_pilot_purchase(
                        user,
                        OrderBuilders.purchase(
                            type("A", (), {"id": allocation_id}), type("M", (), {"id": mou_id}), unit_price=1_000_000
                        ),
                    )
                else:
                    allocations.move(user, allocation_id, target_id, "moved in the race")
                result["accepted"] += 1
            except DomainError:
                db.session.rollback()
                result["refused"] += 1
            except Exception as error:  # noqa: BLE001 - every other failure is what the test looks for
                db.session.rollback()
                result["errors"].append(repr(error)[:300])
        db.session.remove()
        db.engine.dispose()
    return result


def test_an_allocation_is_either_ordered_on_or_moved_away_never_both(app, make, database_url):
    world = build(make)
    allocation_id, target_id = world.s1.id, world.bbb.id
    buyer_args = (world.buyers["AAA"].id, allocation_id, world.mous["AAA"].id, target_id)
    args = [(database_url, "mover", world.staff.id, allocation_id, 0, target_id)] * MOVERS
    args += [(database_url, "buyer", *buyer_args)] * BUYERS
    db.session.remove()
    with processes.context().Pool(len(args)) as pool:
        results = pool.starmap(race, args)

    assert [e for r in results for e in r["errors"]] == []
    moves = sum(r["accepted"] for r in results[:MOVERS])
    placed = sum(r["accepted"] for r in results[MOVERS:])
    allocation = db.session.get(Allocation, allocation_id)
    live = db.session.scalar(select(func.count(Order.id)).where(Order.allocation_id == allocation_id))
    assert moves <= 1 and db.session.scalar(select(func.count(AllocationChange.id))) == moves
    assert (allocation.status, live) == (("moved", 0) if moves else ("active", placed))
    assert allocation.ordered_krw == placed * 1_000_000
