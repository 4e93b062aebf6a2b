"""Issuing holds the write lock only to check and store: renders run outside it, and what is stored is what
the database holds when it commits (SQLite and PostgreSQL).

The PDF is a stand-in that takes RENDER_SECONDS and notes whether it ran inside a write transaction; what
happens meanwhile (`during`) runs in a thread of its own, as another request would.
"""

from __future__ import annotations

import json
import threading
from datetime import datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from marketplace.database import in_write_transaction
from marketplace.domain.hashing import canonical_json, sha256_hex
from marketplace.domain.relief import CertificateRefused
from marketplace.extensions import db
from marketplace.models import AuditReliefCertificate, ReliefSerialReservation, User
from marketplace.reports import certificates
from marketplace.services import orders, relief_certificates
from marketplace.services.relief_facts import Stamp, certificate_facts, load_order
from tests.builders_orders import OrderBuilders
from tests.integration.test_relief_race import FAKE_PDF, in_thread, pause

RENDER_SECONDS = 0.02
SCORES = dict.fromkeys(("conformance", "quality", "delivery", "support", "overall"), 4)


@pytest.fixture
def renders(monkeypatch):
    """Each render of a draft (its PDFs in every language) in the test's own thread is noted in `locked`
    (True: inside a write transaction) and then runs the next action of `during`; renders in other threads
    are noted in `others_locked` only."""
    state = SimpleNamespace(locked=[], others_locked=[], during=[], thread=threading.current_thread())
    render_all = certificates.render

    def render(*args, **kwargs):
        mine = threading.current_thread() is state.thread
        (state.locked if mine else state.others_locked).append(in_write_transaction())
        pause(RENDER_SECONDS)
        if mine and state.during:
            state.during.pop(0)()
        return render_all(*args, **kwargs)

    monkeypatch.setattr(certificates, "render_pdf", lambda *_args, **_kwargs: FAKE_PDF)
    monkeypatch.setattr(relief_certificates, "render", render)
    return state


@pytest.fixture
def placed(app, make):
    """Four placed orders of one buyer, committed."""
    ob = OrderBuilders(make)
    buyer, mou, allocation = ob.setup()
    made = [ob.order(buyer, allocation, mou) for _ in range(4)]
    db.session.commit()
    return SimpleNamespace(
        app=app, buyer_id=buyer.id, ids=[o.id for o in made], on=made[0].ordered_on, year=made[0].ordered_on.year
    )


def meanwhile(placed, action):
    """Another request, run to its end: `action(buyer)` in a thread of its own; it must succeed."""

    def run_it():
        job = in_thread(placed.app, lambda: action(db.session.get(User, placed.buyer_id)))
        job["thread"].join(timeout=30)
        assert "value" in job["outcome"], job["outcome"]

    return run_it


def issue(placed, order_id):
    return relief_certificates.issue(db.session.get(User, placed.buyer_id), order_id)


def issuing(order_id):
    return lambda buyer: relief_certificates.issue(buyer, order_id).serial


def serial(placed, n: int) -> str:
    return f"PP-{placed.year}-{n:06d}"


def as_the_database_holds_it_now(certificate) -> str:
    """The facts of the certificate's stamp, computed afresh from the database."""
    db.session.expire_all()
    facts = json.loads(certificate.facts_json)
    stamp = Stamp(facts["serial"], facts["version"], datetime.fromisoformat(facts["issued_at"]), facts["supersedes"])
    return canonical_json(certificate_facts(load_order(certificate.order_id), stamp))


def reservations() -> list[tuple[str, int]]:
    db.session.expire_all()
    rows = db.session.execute(select(ReliefSerialReservation.serial, ReliefSerialReservation.order_id))
    return [tuple(row) for row in rows]


def test_a_fact_that_changes_while_the_pdf_is_rendered_is_rendered_again_and_stored_as_it_stands(placed, renders):
    order_id = placed.ids[0]
    renders.during = [meanwhile(placed, lambda buyer: orders.deliver(buyer, order_id, placed.on).status)]
    certificate = issue(placed, order_id)
    facts = json.loads(certificate.facts_json)
    assert certificate.order_status == facts["state"]["status"] == "delivered"
    assert facts["state"]["delivered_on"] == placed.on.isoformat()
    assert certificate.facts_json == as_the_database_holds_it_now(certificate)
    assert certificate.facts_sha256 == sha256_hex(certificate.facts_json)
    assert renders.locked == [False, False]  # rendered again, and never under the lock
    assert reservations() == []


def test_a_serial_taken_during_the_render_is_reserved_so_the_next_render_keeps_it(placed, renders):
    first, second, third = placed.ids[:3]
    renders.during = [meanwhile(placed, issuing(second)), meanwhile(placed, issuing(third))]
    certificate = issue(placed, first)
    serials = {v.order_id: v.serial for o in (second, third) for v in relief_certificates.versions_of(o)}
    assert (serials[second], certificate.serial, serials[third]) == (
        serial(placed, 1),
        serial(placed, 2),
        serial(placed, 3),
    )
    assert json.loads(certificate.facts_json)["serial"] == certificate.serial
    assert certificate.facts_json == as_the_database_holds_it_now(certificate)
    assert renders.locked == [False, False] and renders.others_locked == [False, False]
    assert reservations() == []


def test_a_reserved_serial_is_skipped_by_other_orders_and_given_to_its_own(placed, renders):
    first, second = placed.ids[:2]
    db.session.add(ReliefSerialReservation(serial=serial(placed, 1), order_id=first))
    db.session.commit()
    assert issue(placed, second).serial == serial(placed, 2)
    assert issue(placed, first).serial == serial(placed, 1)
    assert reservations() == []
    assert renders.locked == [False, False]


def test_cancelling_an_order_lets_its_reserved_serial_go(placed, renders):
    first, second = placed.ids[:2]
    db.session.add(ReliefSerialReservation(serial=serial(placed, 1), order_id=first))
    db.session.commit()
    orders.cancel(db.session.get(User, placed.buyer_id), first, "Supplier could not deliver")
    assert reservations() == []
    assert issue(placed, second).serial == serial(placed, 1)


def test_two_issues_of_the_same_order_at_once_store_one_version(placed, renders):
    for order_id in placed.ids:
        jobs = [in_thread(placed.app, lambda o=order_id: issuing(o)(db.session.get(User, placed.buyer_id)))]
        jobs.append(in_thread(placed.app, lambda o=order_id: issuing(o)(db.session.get(User, placed.buyer_id))))
        for job in jobs:
            job["thread"].join(timeout=30)
        outcomes = [job["outcome"] for job in jobs]
        stored = [o["value"] for o in outcomes if "value" in o]
        refused = [o["error"] for o in outcomes if isinstance(o.get("error"), CertificateRefused)]
        assert (len(stored), len(refused)) == (1, 1), outcomes
        db.session.rollback()  # a fresh look: this thread's last read began before the issues
        versions = relief_certificates.versions_of(order_id)
        assert [(v.version, v.serial, v.status) for v in versions] == [(1, stored[0], "valid")]
    assert len(set(db.session.scalars(select(AuditReliefCertificate.serial)))) == len(placed.ids)
    assert True not in renders.others_locked
    assert reservations() == []


def test_an_order_whose_facts_move_during_every_render_gets_its_last_render_under_the_lock(placed, renders):
    order_id = placed.ids[0]
    renders.during = [
        meanwhile(placed, lambda buyer: orders.deliver(buyer, order_id, placed.on).status),
        meanwhile(placed, lambda buyer: orders.inspect(buyer, order_id, "accepted", "", placed.on).status),
        meanwhile(placed, lambda buyer: orders.evaluate(buyer, order_id, SCORES, True, "").id),
    ]
    certificate = issue(placed, order_id)
    assert relief_certificates.ISSUE_ATTEMPTS == 4
    assert renders.locked == [False, False, False, True]
    assert certificate.order_status == json.loads(certificate.facts_json)["state"]["status"] == "evaluated"
    assert certificate.facts_json == as_the_database_holds_it_now(certificate)


def test_while_other_first_versions_hold_reservations_a_first_version_reserves_before_it_renders(placed, renders):
    waiting, first, other = placed.ids[:3]
    db.session.add(ReliefSerialReservation(serial=serial(placed, 1), order_id=waiting))
    db.session.commit()
    renders.during = [meanwhile(placed, issuing(other))]
    certificate = issue(placed, first)
    assert renders.locked == [False]  # its number was held while it rendered: one render
    assert renders.others_locked == [False]
    assert (certificate.serial, relief_certificates.versions_of(other)[0].serial) == (
        serial(placed, 2),
        serial(placed, 3),
    )
    assert certificate.facts_json == as_the_database_holds_it_now(certificate)
    assert reservations() == [(serial(placed, 1), waiting)]


def test_right_after_a_certificate_was_issued_a_first_version_reserves_before_it_renders(placed, renders):
    earlier, first, other = placed.ids[:3]
    assert issue(placed, earlier).serial == serial(placed, 1)
    renders.during = [meanwhile(placed, issuing(other))]
    certificate = issue(placed, first)
    assert renders.locked == [False, False]  # one render each: the earlier one's, and this one's
    assert (certificate.serial, relief_certificates.versions_of(other)[0].serial) == (
        serial(placed, 2),
        serial(placed, 3),
    )
    assert reservations() == []
