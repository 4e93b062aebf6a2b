"""The audit trail is hash-chained and append-only: tampering is refused by the database or detected."""

from datetime import UTC, datetime

import pytest
from flask_migrate import upgrade
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from marketplace import create_app
from marketplace.domain.chain import GENESIS, link_hash
from marketplace.extensions import db
from marketplace.models import AuditEvent, ChainHead
from marketplace.services import audit, chains
from tests.builders_orders import OrderBuilders
from tests.conftest import base_config


def _some_events(make, count=3):
    staff = make.user("ministry")
    institution = make.institution()
    for n in range(count):
        audit.record_event(staff, "test.event", institution, after={"n": n, "label": f"이벤트 {n}"}, reason="테스트")
        db.session.commit()
    return staff


def _disable_guard(table="audit_events"):
    """What an attacker with database access would do first: switch the append-only triggers off."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
    else:
        for verb in ("update", "delete"):
            db.session.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_{verb}"))
    db.session.commit()


def test_events_form_one_chain_from_the_genesis(app, make):
    _some_events(make)
    OrderBuilders(make).mou()  # a real use case records its own event
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash == GENESIS
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.hash
    for event in events:
        assert event.hash == link_hash(event.prev_hash, chains.event_content(event))
    head = db.session.get(ChainHead, "audit")
    assert (head.seq, head.hash) == (events[-1].seq, events[-1].hash)
    assert chains.verify_chain().intact


def test_a_rolled_back_use_case_leaves_no_link(app, make):
    _some_events(make, 1)
    audit.record_event(None, "test.discarded", make.institution())
    db.session.rollback()
    _some_events(make, 1)
    assert db.session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1)) == 2
    assert chains.verify_chain().intact


@pytest.mark.parametrize("statement", ["UPDATE audit_events SET reason = 'rewritten'", "DELETE FROM audit_events"])
def test_the_database_refuses_to_change_or_delete_an_audit_event(app, make, statement):
    _some_events(make, 1)
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text(statement))
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(select(AuditEvent.reason)) == "테스트"


def test_a_rewritten_event_is_found_by_the_chain_check(app, make, runner):
    _some_events(make, 4)
    _disable_guard()
    db.session.execute(text("UPDATE audit_events SET reason = 'nothing happened' WHERE seq = 2"))
    db.session.commit()
    check = chains.verify_chain()
    assert not check.intact and check.broken_at == 2 and "changed" in check.problem
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "BROKEN audit at link 2" in result.output


def test_an_event_rehashed_by_the_attacker_breaks_the_next_link(app, make):
    _some_events(make, 3)
    _disable_guard()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.seq == 2))
    forged = dict(chains.event_content(event), reason="forged")
    db.session.execute(
        text("UPDATE audit_events SET reason = 'forged', hash = :h WHERE seq = 2"),
        {"h": link_hash(event.prev_hash, forged)},
    )
    db.session.commit()
    check = chains.verify_chain()
    assert check.broken_at == 3 and "does not point" in check.problem


@pytest.mark.parametrize("where", ["seq = 2", "seq = 3"], ids=["inside", "newest"])
def test_a_removed_event_is_found(app, make, where):
    _some_events(make, 3)
    _disable_guard()
    db.session.execute(text("DELETE FROM audit_events WHERE " + where))  # noqa: S608 - the test's own literals
    db.session.commit()
    check = chains.verify_chain()
    assert not check.intact


def test_the_command_says_intact_with_the_head(app, make, runner):
    _some_events(make, 2)
    result = runner.invoke(args=["audit", "verify", "--batch", "1"])
    head = db.session.get(ChainHead, "audit")
    assert result.exit_code == 0, result.output
    assert f"INTACT audit: 2 events, head 2 {head.hash}" in result.output
    assert "INTACT ledger: 0 ledger entries" in result.output


def test_the_public_page_lists_each_days_last_fingerprint(app, make, client):
    _some_events(make, 2)
    head = db.session.get(ChainHead, "audit")
    page = client.get("/audit-chain", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert head.hash in page.get_data(as_text=True)
    assert "감사 기록 지문" in client.get("/audit-chain?lang=ko").get_data(as_text=True)


def test_the_migration_chains_the_events_already_recorded(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    app = create_app(base_config(url))
    with app.app_context():
        upgrade(revision="0006_form_submissions")
        moment = datetime(2018, 9, 15, 11, 45, 0, 123456, tzinfo=UTC)
        for n in range(3):
            db.session.execute(
                text(
                    "INSERT INTO audit_events (actor_role, action, object_type, object_id, before, after, reason, "
                    "request_id, created_at) VALUES ('system', 'old.event', 'Round', :n, NULL, :after, '', '', :at)"
                ),
                {"n": n, "after": f'{{"n": {n}, "이름": "값"}}', "at": moment.replace(tzinfo=None)},
            )
        db.session.commit()
        upgrade()
        assert chains.verify_chain().intact
        assert db.session.get(ChainHead, "audit").seq == 3
        audit.record_event(None, "new.event", db.session.get(ChainHead, "audit"))
        db.session.commit()
        assert chains.verify_chain().links == 4
        db.session.remove()
        db.engine.dispose()


def test_ledger_entries_are_chained_and_a_rewritten_amount_is_found(app, make):
    from marketplace.models import QuotaEntry
    from marketplace.services import orders as order_service

    builders = OrderBuilders(make)
    buyer, mou, allocation = builders.setup()
    order = builders.order(buyer, allocation, mou)
    order_service.cancel(buyer, order.id, "계약 해지")
    entries = db.session.scalars(select(QuotaEntry).order_by(QuotaEntry.seq)).all()
    assert entries and [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert chains.verify_chain("ledger").intact
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text("UPDATE quota_entries SET amount_krw = amount_krw + 1"))
        db.session.flush()
    db.session.rollback()
    _disable_guard("quota_entries")
    db.session.execute(text("UPDATE quota_entries SET amount_krw = amount_krw + 1 WHERE seq = 1"))
    db.session.commit()
    check = chains.verify_chain("ledger")
    assert check.broken_at == 1 and "changed" in check.problem


@pytest.mark.parametrize("stored", ["2018-09-15 11:45:00.123456", "2018-09-15 11:45:00", "2018-09-15T11:45:00.5"])
def test_the_chain_check_reads_a_time_as_sqlite_stores_it_as_the_commit_hashed_it(stored):
    moment = datetime.fromisoformat(stored).replace(tzinfo=UTC)
    assert chains._moment(stored) == chains._moment(moment) == moment.isoformat(timespec="microseconds")


def test_the_chain_check_streams_without_leaving_the_session_streaming(app, make):
    _some_events(make, 3)
    assert chains.verify_chain(batch=1).links == 3
    db.session.execute(text("UPDATE chain_heads SET seq = seq WHERE name = 'audit'"))  # a plain statement still
    db.session.rollback()
