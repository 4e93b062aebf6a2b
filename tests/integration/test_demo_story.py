"""flask seed-demo tells one story: dates, audit events, orders and certificates agree, whatever the day.

The demo is seeded as at "now" (the fixtures') and as at a few awkward Seoul days through the app's clock
(models.types.as_at, which every service and column default reads), then every recorded moment is
checked: in the past, in order, and as the relief certificates state them.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from marketplace.demo import seed_all
from marketplace.demo.rounds import published_round
from marketplace.domain.clock import seoul_date, seoul_iso
from marketplace.domain.eligibility import is_startup
from marketplace.domain.states import CertificateStatus, ReliefStatus, RoundStatus
from marketplace.extensions import db
from marketplace.models import (
    Allocation,
    Application,
    AuditEvent,
    AuditReliefCertificate,
    Certificate,
    CommitteeAssignment,
    CommitteeMember,
    Company,
    Evaluation,
    Mou,
    Objection,
    Order,
    QuotaEntry,
    Round,
    SeedEventAnnouncement,
)
from marketplace.models.types import as_at
from marketplace.services import draws
from marketplace.services.chains import verify_chain

AWKWARD_MOMENTS = {
    "29 February, 10:00 KST": datetime(2028, 2, 29, 1, 0, tzinfo=UTC),
    "31 December, 23:50 KST": datetime(2026, 12, 31, 14, 50, tzinfo=UTC),
    "a month end while UTC is a day behind": datetime(2027, 1, 31, 14, 40, tzinfo=UTC),
    "1 June, 00:10 KST": datetime(2027, 5, 31, 15, 10, tzinfo=UTC),
}


def row_counts() -> dict[str, int]:
    models = (Round, Application, Allocation, Mou, Order, QuotaEntry, AuditEvent, AuditReliefCertificate, Company)
    models += (CommitteeMember, CommitteeAssignment, Objection)
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in models}


def in_order(moments: list[datetime]) -> bool:
    return all(a <= b for a, b in zip(moments, moments[1:], strict=False))


def assert_nothing_after(now: datetime) -> None:
    today = seoul_date(now)
    for model, column in (
        (AuditEvent, AuditEvent.created_at),
        (QuotaEntry, QuotaEntry.created_at),
        (Order, Order.created_at),
        (Order, Order.cancelled_at),
        (Evaluation, Evaluation.created_at),
        (AuditReliefCertificate, AuditReliefCertificate.issued_at),
        (AuditReliefCertificate, AuditReliefCertificate.revoked_at),
        (AuditReliefCertificate, AuditReliefCertificate.superseded_at),
        (Certificate, Certificate.decided_at),
        (Company, Company.decided_at),
        (Mou, Mou.created_at),
        (Application, Application.submitted_at),
        (Application, Application.updated_at),
    ):
        latest = db.session.scalar(select(func.max(column)))
        assert latest is None or latest <= now, (model.__name__, column.key, latest, now)
    for column in (Order.ordered_on, Order.delivered_on, Order.inspected_on, Certificate.issued_on, Mou.signed_on):
        latest = db.session.scalar(select(func.max(column)))
        assert latest is None or latest <= today, (column, latest, today)
    assert db.session.scalar(select(func.max(Company.founded_on))) < today


def assert_chains_in_time_order() -> None:
    for model in (AuditEvent, QuotaEntry):
        moments = list(db.session.scalars(select(model.created_at).order_by(model.seq)))
        assert moments and in_order(moments), model.__name__
    assert verify_chain("audit").intact and verify_chain("ledger").intact


def assert_round_in_order(round_: Round, now: datetime) -> None:
    """Rule and seed event announced, window, close, scores, freeze < seed event < draw < publication < orders."""
    draw = round_.draw
    first_order = db.session.scalar(select(func.min(Order.created_at)))
    announced = [a.announced_at for a in db.session.scalars(select(SeedEventAnnouncement).filter_by(round=round_))]
    submitted = [a.submitted_at for a in round_.applications]
    scored = [a.scored_at for a in round_.applications]
    timeline = [round_.rule_published_at, *announced, round_.opens_at, min(submitted), max(submitted)]
    timeline += [round_.closes_at, round_.closed_at, min(scored), max(scored), draw.frozen_at, round_.seed_event_at]
    timeline += [draw.drawn_at, draw.published_at, first_order, now]
    assert in_order(timeline) and draw.frozen_at < round_.seed_event_at < draw.drawn_at < draw.published_at, timeline
    assert draw.published_at < first_order
    close_day = seoul_date(round_.closes_at)
    assert round_.code == f"{close_day.year}-H{1 if close_day.month <= 6 else 2}"
    assert draws.verify_draw(round_.code).matches


def assert_committee_in_order(round_: Round) -> None:
    """Five members named after the close; every declaration, recusal and score before staff finalised the
    scores, which came before the pool freeze; one recusal, with its reason; the minutes stored."""
    members = list(db.session.scalars(select(CommitteeMember).filter_by(round_id=round_.id)))
    rows = list(db.session.scalars(select(CommitteeAssignment).filter_by(round_id=round_.id)))
    finalised = round_.scores_finalised_at
    assert len(members) == 5 and {m.user.role for m in members} == {"evaluator"}
    assert all(round_.closed_at < m.named_at <= r.assigned_at for m in members for r in rows if r.member_id == m.id)
    recused = [r for r in rows if r.recused_at is not None]
    assert len(recused) == 1 and recused[0].recusal_reason and recused[0].total is None
    for row in rows:
        moments = [row.assigned_at, row.recused_at or row.declared_at, row.scored_at or row.recused_at, finalised]
        assert all(m is not None for m in moments) and in_order(moments), moments
    assert finalised < round_.draw.frozen_at and round_.minutes_sha256
    assert all(a.scored_at == finalised for a in round_.applications if a.committee_score_hundredths is not None)


def assert_objections_in_order(round_: Round) -> None:
    """One objection dismissed, one remedied by reinstatement (result version 2), filed inside the window
    after publication and decided and remedied before the first order."""
    from marketplace.domain.objections import window_open

    rows = list(db.session.scalars(select(Objection).filter_by(round_id=round_.id).order_by(Objection.number)))
    first_order = db.session.scalar(select(func.min(Order.created_at)))
    published = round_.draw.published_at
    assert [(r.state, r.result_version) for r in rows] == [("dismissed", None), ("remedied", 2)]
    for row in rows:
        assert published < row.filed_at < row.decided_at < first_order and window_open(published, row.filed_at)
        assert row.documents and row.decision_reason
    remedied = rows[1]
    assert remedied.decided_at < remedied.remedied_at < first_order
    assert remedied.application.status == "selected" and remedied.allocation.via_waitlist
    assert remedied.allocation.valid_from == seoul_date(remedied.remedied_at)


def assert_orders_in_order() -> None:
    for order in db.session.scalars(select(Order).where(Order.is_sample.is_(True))):
        allocation, draw = order.allocation, order.allocation.round.draw
        assert draw.published_at < order.created_at and seoul_date(order.created_at) == order.ordered_on
        assert (allocation.valid_from or seoul_date(draw.published_at)) <= order.ordered_on <= allocation.valid_until
        assert order.mou.created_at < order.created_at
        assert order.mou.starts_on <= order.ordered_on <= order.mou.ends_on
        certificate = order.certificate
        assert certificate.status == CertificateStatus.VERIFIED
        assert certificate.issued_on <= order.ordered_on <= certificate.expires_on
        assert certificate.decided_at < order.created_at
        steps = [order.ordered_on, order.delivered_on, order.inspected_on]
        assert in_order([day for day in steps if day is not None])
        if order.cancelled_at is not None:
            assert order.created_at < order.cancelled_at
        if order.evaluation is not None:
            assert seoul_date(order.evaluation.created_at) > order.inspected_on


def assert_relief_certificates_agree() -> None:
    relief = list(db.session.scalars(select(AuditReliefCertificate).order_by(AuditReliefCertificate.id)))
    assert {r.status for r in relief} == {ReliefStatus.VALID, ReliefStatus.SUPERSEDED, ReliefStatus.REVOKED}
    for row in relief:
        facts, order = json.loads(row.facts_json), row.order
        issued_at = datetime.fromisoformat(facts["issued_at"])
        assert issued_at == row.issued_at and order.created_at < issued_at
        for later in (row.revoked_at, row.superseded_at):
            assert later is None or issued_at < later
        assert facts["order"]["ordered_on"] == order.ordered_on.isoformat()
        assert facts["order"]["recorded_at"] == seoul_iso(order.created_at)
        stated, certificate = facts["certificate"], order.certificate
        assert (stated["number"], stated["issued_on"], stated["expires_on"]) == (
            certificate.number,
            certificate.issued_on.isoformat(),
            certificate.expires_on.isoformat(),
        )
        assert stated["valid_on_contract_date"] is True
        assert certificate.issued_on <= order.ordered_on <= certificate.expires_on
        draw = order.allocation.round.draw
        assert datetime.fromisoformat(facts["draw"]["published_at"]) == draw.published_at < order.created_at
        assert facts["round"]["code"] == order.allocation.round.code
        assert (facts["mou"]["starts_on"], facts["mou"]["ends_on"]) == (
            order.mou.starts_on.isoformat(),
            order.mou.ends_on.isoformat(),
        )
        assert facts["state"]["status"] == row.order_status
        for day in (facts["state"]["delivered_on"], facts["state"]["inspected_on"]):
            assert day is None or order.ordered_on <= date.fromisoformat(day) <= seoul_date(issued_at)
        trail = [datetime.fromisoformat(e["at"]) for e in facts["audit_trail"]]
        assert trail and in_order(trail) and trail[-1] <= issued_at
        if row.status == ReliefStatus.VALID:
            assert row.order_status == order.status
            assert facts["state"]["inspected_on"] == (order.inspected_on.isoformat() if order.inspected_on else None)


def assert_products_fit_the_round(round_: Round, now: datetime) -> None:
    close_day, today = seoul_date(round_.closes_at), seoul_date(now)
    expired = list(db.session.scalars(select(Certificate).where(Certificate.expires_on < today)))
    assert len(expired) == 1 and expired[0].expires_on < close_day
    expired_products = {p.id for p in expired[0].products}
    for application in round_.applications:
        assert application.product_id not in expired_products
        assert any(
            c.status == CertificateStatus.VERIFIED and c.issued_on <= close_day <= c.expires_on
            for c in application.product.certificates
        )
        assert application.snapshot["startup"] == is_startup(application.product.company.founded_on, close_day)
    fiscal_start = date(close_day.year, 1, 1)
    for mou in db.session.scalars(select(Mou)):
        assert mou.starts_on == fiscal_start and mou.ends_on == date(today.year + 1, 12, 31)
        assert mou.created_at < round_.opens_at


def assert_open_round_is_open(now: datetime) -> None:
    open_round = db.session.scalar(select(Round).where(Round.status == RoundStatus.OPEN))
    assert open_round.opens_at <= now < open_round.closes_at < open_round.seed_event_at
    assert all(a.submitted_at <= now for a in open_round.applications)


def assert_one_story(now: datetime) -> None:
    round_ = published_round()
    assert round_ is not None and round_.status == RoundStatus.PUBLISHED
    assert_nothing_after(now)
    assert_chains_in_time_order()
    assert_round_in_order(round_, now)
    assert_committee_in_order(round_)
    assert_objections_in_order(round_)
    assert_orders_in_order()
    assert_relief_certificates_agree()
    assert_products_fit_the_round(round_, now)
    assert_open_round_is_open(now)


def test_the_seeded_demo_is_one_story_in_the_past_and_seeding_again_adds_nothing(app, now):
    lines = seed_all()
    assert not any("skipped" in line for line in lines), lines
    assert db.session.scalar(select(func.count(Order.id)).where(Order.is_sample.is_(True))) >= 12
    assert_one_story(now)  # the fixture's instant, read before seeding: nothing is stamped with the wall clock
    before = row_counts()
    seed_all()
    assert row_counts() == before


@pytest.mark.parametrize("moment", AWKWARD_MOMENTS.values(), ids=AWKWARD_MOMENTS.keys())
def test_a_demo_seeded_on_any_day_is_one_story_too(app, moment):
    with as_at(moment):
        lines = seed_all()
        assert not any("skipped" in line for line in lines), lines
        assert_one_story(moment)


def test_the_published_round_is_the_latest_whose_story_is_over(today):
    from marketplace.demo.timeline import STORY_DAYS, story_for

    for day in (today, date(2026, 11, 30), date(2026, 12, 1), date(2028, 2, 29), date(2027, 12, 31)):
        half = story_for(day).round
        assert half.published_on + timedelta(days=STORY_DAYS) < day
        following = half.following()
        assert following.published_on + timedelta(days=STORY_DAYS) >= day
    assert story_for(date(2026, 11, 30)).round.code == "2026-H1"


def test_the_demo_is_not_written_behind_events_already_recorded(app, make):
    from marketplace.models import Institution
    from marketplace.services.audit import record_event

    user = make.user("ministry")
    record_event(None, "user.created", user)
    db.session.commit()
    lines = seed_all()
    assert len(lines) == 1 and lines[0].startswith("demo: not seeded") and "new database" in lines[0]
    assert db.session.scalar(select(func.count(Institution.id))) == 0
