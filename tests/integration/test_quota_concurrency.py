"""Eight processes place orders against one MOU at once: the quota is never overspent.

Each process builds its own app against the same database (a file SQLite database in WAL mode, or
the PostgreSQL database of TEST_DATABASE_URL) and calls the real service function. Refusals because
the quota ran out are expected; any other error (a "database is locked" above all) fails the test.
"""

from __future__ import annotations

import re

import pytest

from marketplace.extensions import db
from marketplace.models import Mou, Order
from marketplace.services import quota
from tests import processes
from tests.builders_orders import OrderBuilders
from tests.conftest import writer_config

PROCESSES = 8
ORDERS_EACH = 30
UNIT_PRICE = 7
COMMITTED = 1_000


def place_orders(url: str, buyer_id: int, allocation_id: int, mou_id: int, worker: int) -> dict:
    """Run in a process of its own: place ORDERS_EACH orders, count what happened."""
    from marketplace import create_app
    from marketplace.domain.orders import PlacementRefused
    from marketplace.domain.quota import QuotaExceeded
    from marketplace.models import User
    from marketplace.services.orders import record_pilot_purchase

    app = create_app(writer_config(url))
    result = {"accepted": 0, "accepted_krw": 0, "refused": 0, "errors": []}
    with app.app_context():
        for i in range(ORDERS_EACH):
            quantity = 1 + (worker + i) % 3
            buyer = db.session.get(User, buyer_id)
            try:
                order = record_pilot_purchase(
                    buyer,
                    OrderBuilders.purchase(
                        type("A", (), {"id": allocation_id}),
                        type("M", (), {"id": mou_id}),
                        quantity=quantity,
                        unit_price=UNIT_PRICE,
                    ),
                )
                result["accepted"] += 1
                result["accepted_krw"] += order.amount_krw
            except (PlacementRefused, QuotaExceeded):
                db.session.rollback()
                result["refused"] += 1
            except Exception as error:  # noqa: BLE001 - every other failure is what the test looks for
                db.session.rollback()
                result["errors"].append(repr(error)[:300])
        db.session.remove()
        db.engine.dispose()
    return result


def test_concurrent_orders_never_overspend_the_quota(app, make, database_url):
    builders = OrderBuilders(make)
    buyer, mou, allocation = builders.setup(committed=COMMITTED, unit_price=UNIT_PRICE)
    args = [(database_url, buyer.id, allocation.id, mou.id, w) for w in range(PROCESSES)]
    db.session.remove()  # release this process's connection before the workers start
    with processes.context().Pool(PROCESSES) as pool:
        results = pool.starmap(place_orders, args)

    errors = [e for r in results for e in r["errors"]]
    assert errors == [], errors[:5]
    accepted_krw = sum(r["accepted_krw"] for r in results)
    assert sum(r["accepted"] + r["refused"] for r in results) == PROCESSES * ORDERS_EACH
    assert 0 < accepted_krw <= COMMITTED
    assert COMMITTED - accepted_krw < 3 * UNIT_PRICE  # the quota was used up, not left idle

    fresh = db.session.get(Mou, mou.id)
    db.session.refresh(fresh)
    placed = db.session.query(Order).filter_by(mou_id=mou.id).all()
    assert sum(o.amount_krw for o in placed) == accepted_krw
    assert fresh.balance_krw == COMMITTED - accepted_krw == quota.ledger_sum(mou.id)
    figures = quota.figures_for([fresh])[0]
    assert figures.summary.remaining == fresh.balance_krw and figures.summary.charged == accepted_krw

    client = app.test_client()
    client.post("/login", data={"email": buyer.email, "password": "correct-horse-battery"})
    page = client.get("/buyer/").get_data(as_text=True)
    assert re.findall(r'data-remaining="(\d+)"', page) == [str(fresh.balance_krw)]


@pytest.mark.parametrize("n", [1])
def test_the_charge_is_a_conditional_update_that_refuses_rather_than_going_negative(app, make, n):
    from marketplace.database import begin_write
    from marketplace.domain.quota import QuotaExceeded

    builders = OrderBuilders(make)
    buyer, mou, _ = builders.setup(committed=10)
    begin_write()
    quota.charge(mou.id, 10, buyer, "all of it")
    db.session.commit()
    begin_write()
    with pytest.raises(QuotaExceeded):
        quota.charge(mou.id, n, buyer, "one more won")
    assert quota.ledger_sum(mou.id) == 0
