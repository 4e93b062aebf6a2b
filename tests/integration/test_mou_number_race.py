"""Two ministry staff record an MOU with the same number at the same moment: one wins, the other is told."""

from __future__ import annotations

import threading
from datetime import date

from sqlalchemy import func, select

from marketplace.domain.errors import DomainError
from marketplace.extensions import db
from marketplace.models import Institution, Mou, User
from marketplace.services import quota
from marketplace.services.quota import MouTerms


def test_the_same_mou_number_recorded_twice_at_once_is_refused_once(app, make, monkeypatch):
    institution_id, actor_id = make.institution().id, make.user("ministry").id
    terms = MouTerms("MOU-RACE-1", date(2018, 1, 2), date(2018, 1, 2), date(2019, 12, 31), 1_000_000)
    both_checked = threading.Barrier(2, timeout=10)
    original = quota.begin_write
    sqlite = db.engine.dialect.name == "sqlite"

    def begin_write_together():
        # SQLite: the lock serializes the two, so they meet before it; PostgreSQL: both read the
        # number as free inside their transactions, and the unique index is what refuses one.
        if sqlite:
            both_checked.wait()
        original()
        if not sqlite:
            both_checked.wait()

    monkeypatch.setattr(quota, "begin_write", begin_write_together)
    outcomes: list = []

    def record():
        with app.app_context():
            try:
                quota.create_mou(db.session.get(User, actor_id), db.session.get(Institution, institution_id), terms)
                outcomes.append("recorded")
            except DomainError as refused:
                outcomes.append(str(refused))
            except Exception as error:  # noqa: BLE001 - the test reports any other failure
                outcomes.append(repr(error))
            finally:
                db.session.remove()

    db.session.commit()  # end the test's own transaction: on SQLite WAL it would pin an old snapshot
    threads = [threading.Thread(target=record) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["An MOU with the number MOU-RACE-1 already exists.", "recorded"]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Mou)) == 1
