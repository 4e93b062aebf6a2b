"""The evaluation committee: members, assignments, declarations, recusals, scores, finalisation and minutes."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from marketplace.domain.committee import CommitteeError
from marketplace.domain.errors import NotFound
from marketplace.domain.hashing import sha256_hex
from marketplace.domain.rounds import RoundError, ScoreError
from marketplace.extensions import db
from marketplace.models import Application, AuditEvent, CommitteeAssignment, Notification, User
from marketplace.services import committee, committee_minutes, committee_work, draws, relief_certificates
from marketplace.services import rounds as round_service
from tests.builders_reports import ReportBuilders
from tests.builders_rounds import Clock, RoundBuilders, kst
from tests.pdf_checks import pdf_text

SNAPSHOT = {"tier": "general", "as_of": "2018-09-14"}


@pytest.fixture
def rounds(make):
    return RoundBuilders(make)


@pytest.fixture
def staff(make):
    return make.user("ministry", name="심사담당")


def closed_round(rounds, count: int = 1, **kw):
    round_ = rounds.round(status="closed", **kw)
    applications = [rounds.application(round_, status="eligible", weight=1, snapshot=SNAPSHOT) for _ in range(count)]
    return round_, applications


def member(make, staff, round_, name: str) -> User:
    user, _token = committee.name_member(staff, round_.code, f"{name.lower()}@example.com", name)
    return user


def declared_score(user, application, scores=(30, 20, 20), comments=("", "", "")):
    committee_work.declare_no_conflict(user, application.id)
    return committee_work.score(user, application.id, committee_work.Scores(*scores, comments))


def split(total: int) -> tuple[int, int, int]:
    """Three criterion scores (0-40, 0-30, 0-30) adding up to `total`."""
    innovation = min(40, total)
    capability = min(30, total - innovation)
    return innovation, capability, total - innovation - capability


def actions():
    return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq))]


def test_a_member_named_to_a_closed_round_is_invited_assigned_every_eligible_application_and_told(
    app, make, rounds, staff
):
    round_, applications = closed_round(rounds, 2)
    rounds.application(round_, status="ineligible")
    user, token = committee.name_member(staff, round_.code, "kim@example.com", "김심사")
    assert user.role == "evaluator" and user.password_hash is None and token
    assigned = committee_work.my_assignments(user)
    assert sorted(a.application_id for a in assigned) == sorted(a.id for a in applications)
    note = db.session.scalar(select(Notification).where(Notification.recipient_id == user.id))
    assert note.kind == "committee_assigned" and note.params == {"round": round_.code, "count": 2}
    assert {"evaluator.invited", "committee.member_named", "committee.assigned"} <= set(actions())


def test_an_evaluator_is_reused_by_address_and_another_roles_address_is_refused(app, make, rounds, staff):
    first, _ = closed_round(rounds)
    second, _ = closed_round(rounds)
    user = member(make, staff, first, "Lee")
    again, token = committee.name_member(staff, second.code, "LEE@example.com", "")
    assert again.id == user.id and token is None
    buyer = make.user("buyer")
    with pytest.raises(CommitteeError, match="already exists"):
        committee.name_member(staff, second.code, buyer.email, "Buyer")
    with pytest.raises(CommitteeError, match="already a member"):
        committee.name_member(staff, second.code, user.email, "Lee")


def test_members_named_before_the_close_are_assigned_at_the_close(app, make, rounds, staff, monkeypatch):
    clock = Clock(monkeypatch, kst(date(2018, 8, 20), 10))
    round_ = rounds.round(opens_at=clock.now - timedelta(days=1), closes_at=clock.now + timedelta(days=1))
    company = make.company()
    certificate = make.certificate(company, issued_on=date(2017, 1, 1), expires_on=date(2030, 1, 1))
    rounds.application(round_, make.product(company, certificates=[certificate]))
    user = member(make, staff, round_, "Park")
    assert committee_work.my_assignments(user) == []
    clock.now += timedelta(days=2)
    round_service.close_round(staff, round_.code)
    assert len(committee_work.my_assignments(user)) == 1


def test_a_member_scores_only_after_declaring_and_can_change_the_scores(app, make, rounds, staff):
    round_, (application,) = closed_round(rounds)
    user = member(make, staff, round_, "Choi")
    with pytest.raises(CommitteeError, match="Declare"):
        committee_work.score(user, application.id, committee_work.Scores(30, 20, 20))
    row = declared_score(user, application, comments=(" 혁신적 ", "", "필요"))
    assert row.declared_at is not None and row.total == 70 and row.comment_innovation == "혁신적"
    row = committee_work.score(user, application.id, committee_work.Scores(40, 30, 30))
    assert row.total == 100
    with pytest.raises(ScoreError):
        committee_work.score(user, application.id, committee_work.Scores(41, 0, 0))
    assert actions().count("committee.scored") == 2 and "committee.declared" in actions()


def test_a_recused_member_cannot_score_and_a_recusal_needs_a_reason(app, make, rounds, staff):
    round_, (application,) = closed_round(rounds)
    user = member(make, staff, round_, "Jung")
    with pytest.raises(CommitteeError, match="reason"):
        committee_work.recuse(user, application.id, "  ")
    row = committee_work.recuse(user, application.id, "신청 기업의 자문위원")
    assert row.recused_at is not None and row.recusal_reason == "신청 기업의 자문위원"
    with pytest.raises(CommitteeError, match="recused"):
        committee_work.declare_no_conflict(user, application.id)
    with pytest.raises(CommitteeError, match="recused"):
        committee_work.score(user, application.id, committee_work.Scores(30, 20, 20))
    assert "committee.recused" in actions()


def test_a_member_cannot_reach_another_members_assignment_nor_an_unassigned_application(app, make, rounds, staff):
    round_, (application,) = closed_round(rounds)
    one, other = member(make, staff, round_, "One"), member(make, staff, round_, "Other")
    row = db.session.scalar(select(CommitteeAssignment).where(CommitteeAssignment.user_id == other.id))
    committee.unassign(staff, round_.code, row.id)
    for attempt in (
        lambda: committee_work.my_assignment(other, application.id),
        lambda: committee_work.declare_no_conflict(other, application.id),
        lambda: committee_work.my_assignment(one, application.id + 1000),
    ):
        with pytest.raises(NotFound):
            attempt()
    assert [a.application_id for a in committee_work.my_assignments(one)] == [application.id]
    assert committee_work.my_assignments(other) == []


def test_staff_add_and_remove_members_per_application(app, make, rounds, staff):
    round_, (application,) = closed_round(rounds)
    user = member(make, staff, round_, "Han")
    row = committee_work.my_assignment(user, application.id)
    committee.unassign(staff, round_.code, row.id)
    page = committee.committee_page(round_.code)
    with pytest.raises(CommitteeError, match="Only eligible"):
        committee.assign_member(
            staff, round_.code, rounds.application(round_, status="ineligible").id, page.members[0].id
        )
    committee.assign_member(staff, round_.code, application.id, page.members[0].id)
    with pytest.raises(CommitteeError, match="already assigned"):
        committee.assign_member(staff, round_.code, application.id, page.members[0].id)
    with pytest.raises(NotFound):
        committee.assign_member(staff, round_.code, application.id + 1000, page.members[0].id)
    committee.remove_member(staff, round_.code, page.members[0].id)
    assert committee_work.my_assignments(user) == []
    assert {"committee.unassigned", "committee.member_removed"} <= set(actions())


def test_finalising_writes_the_trimmed_mean_freezes_scores_and_feeds_the_pool(app, make, rounds, staff):
    round_, (application, low) = closed_round(rounds, 2, pass_mark=70)
    members = [member(make, staff, round_, f"M{n}") for n in range(6)]
    with pytest.raises(RoundError, match="committee"):
        draws.score_application(staff, round_.code, application.id, 30, 20, 20)
    committee_work.recuse(members[0], application.id, "가족 회사")
    for user, total in zip(members[1:], (50, 70, 72, 74, 100), strict=True):
        declared_score(user, application, split(total))
    with pytest.raises(CommitteeError, match="neither scored nor recused"):
        committee.finalise_scores(staff, round_.code)
    with pytest.raises(RoundError, match="Finalise"):
        draws.freeze_pool(staff, round_.code)
    for user in members:
        declared_score(user, low, (20, 20, 20))
    committee.finalise_scores(staff, round_.code)
    db.session.expire_all()
    scored = db.session.get(Application, application.id)
    assert scored.total_score == Decimal("72.00")  # 50 and 100 left out of five: (70 + 72 + 74) / 3
    assert db.session.get(Application, low.id).total_score == Decimal("60.00")
    with pytest.raises(CommitteeError, match="final"):
        committee_work.score(members[1], application.id, committee_work.Scores(40, 30, 30))
    with pytest.raises(CommitteeError, match="final"):
        committee.name_member(staff, round_.code, "late@example.com", "Late")
    assert [a.id for a in draws.pool_of(db.session.get(type(round_), round_.id))] == [application.id]
    stored = db.session.get(type(round_), round_.id)
    assert stored.minutes_sha256 == sha256_hex(stored.minutes_json)
    minutes = json.loads(stored.minutes_json)
    line = minutes["applications"][0]
    assert line["score"] == "72.00" and line["left_out"] == [50, 100] and line["passes"] is True
    assert line["members"][0]["recusal_reason"] == "가족 회사"
    assert "committee.finalised" in actions()
    draws.freeze_pool(staff, round_.code)


def test_four_scorers_are_averaged_whole(app, make, rounds, staff):
    round_, (application,) = closed_round(rounds)
    for n, total in enumerate((50, 70, 72, 100)):
        declared_score(member(make, staff, round_, f"F{n}"), application, split(total))
    committee.finalise_scores(staff, round_.code)
    assert db.session.get(Application, application.id).total_score == Decimal("73.00")


def test_staff_typed_scores_keep_working_without_a_committee_and_bar_one_later(app, make, rounds, staff):
    round_, (application,) = closed_round(rounds)
    draws.score_application(staff, round_.code, application.id, 30, 20, 20)
    assert db.session.get(Application, application.id).total_score == 70
    with pytest.raises(CommitteeError, match="typed scores"):
        committee.name_member(staff, round_.code, "x@example.com", "X")
    with pytest.raises(CommitteeError, match="no committee"):
        committee.finalise_scores(staff, round_.code)


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_minutes_pdf_lists_members_recusals_scores_and_outcomes(app, make, rounds, staff, language):
    app.config["REPORTS_RENDER_IN_PROCESS"] = True
    round_, (application,) = closed_round(rounds)
    recusing, scoring = member(make, staff, round_, "김회피"), member(make, staff, round_, "박평가")
    committee_work.recuse(recusing, application.id, "신청 기업 대표의 친족")
    declared_score(scoring, application, (35, 25, 15))
    with pytest.raises(CommitteeError, match="minutes"):
        committee_minutes.minutes_pdf(round_.code, language)
    committee.finalise_scores(staff, round_.code)
    pdf, filename = committee_minutes.minutes_pdf(round_.code, language)
    text = "".join("".join(pdf_text(pdf)).split())  # compared without spaces: table cells wrap
    assert filename.endswith(f"-{language}.pdf")
    for expected in ("김회피", "박평가", "신청기업대표의친족", "35", "25", "15", "75.00", application.receipt_no):
        assert expected in text, expected
    assert db.session.get(type(round_), round_.id).minutes_sha256 in text
    assert ("평가위원회회의록" if language == "ko" else "Minutesoftheevaluationcommittee") in text


def test_a_certificate_of_an_order_from_a_committee_round_cites_the_minutes(app, make):
    order = ReportBuilders(make).purchase(make.user("buyer"))
    round_ = order.allocation.application.round
    round_.minutes_sha256, round_.scores_finalised_at = "ab" * 32, round_.closed_at or round_.created_at
    db.session.commit()
    buyer = db.session.get(User, order.buyer_id)
    certificate = relief_certificates.issue(buyer, order.id, "en")
    facts = json.loads(certificate.facts_json)
    assert facts["committee"]["minutes_sha256"] == "ab" * 32
    assert "ab" * 8 in "\n".join(pdf_text(certificate.pdf)).replace("\n", "")


def test_a_draft_round_with_committee_members_is_not_deleted_until_they_are_removed(app, make, rounds, staff):
    round_ = rounds.round(status="draft", seed_event_at=None)
    member(make, staff, round_, "Draft")
    with pytest.raises(RoundError, match="records of its own"):
        round_service.delete_draft_round(staff, round_.code)
    committee.remove_member(staff, round_.code, committee.committee_page(round_.code).members[0].id)
    round_service.delete_draft_round(staff, round_.code)
