"""The committee's pages: an evaluator sees only their own assignments; declare before scoring; staff's page."""

from __future__ import annotations

from html import unescape

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import CommitteeAssignment, User
from marketplace.services import committee, committee_work
from tests.builders_rounds import RoundBuilders
from tests.factories import TOTP_SECRET
from tests.functional.test_one_time_keys import rendered_form
from tests.functional.test_totp import enrol
from tests.pdf_checks import pdf_text

EN = {"Accept-Language": "en"}
KO = {"Accept-Language": "ko"}
SNAPSHOT = {"tier": "general", "as_of": "2018-09-14"}


@pytest.fixture
def setting(make):
    """A closed round with two eligible applications, staff, and two members assigned both."""
    rounds = RoundBuilders(make)
    round_ = rounds.round(status="closed")
    applications = [rounds.application(round_, status="eligible", weight=1, snapshot=SNAPSHOT) for _ in range(2)]
    staff = make.user("ministry")
    members = []
    for email in ("a@example.com", "b@example.com"):
        user, _token = committee.name_member(staff, round_.code, email, email[0].upper())
        user.password_hash = make.user("evaluator").password_hash
        user.email_confirmed_at = make.user("evaluator").email_confirmed_at
        user.totp_secret = TOTP_SECRET  # enrolled at their first sign-in
        db.session.commit()
        members.append(user)
    return round_, applications, staff, members


def page(application) -> str:
    return f"/evaluator/applications/{application.id}"


def test_an_evaluator_lists_and_opens_only_their_own_assignments(client, auth, setting):
    round_, (first, second), staff, (one, other) = setting
    mine = db.session.scalar(
        select(CommitteeAssignment).where(
            CommitteeAssignment.user_id == one.id, CommitteeAssignment.application_id == second.id
        )
    )
    committee.unassign(staff, round_.code, mine.id)
    auth.login(one)
    listing = client.get("/evaluator/", headers=EN).text
    assert first.receipt_no in listing and second.receipt_no not in listing
    assert client.get(page(first), headers=EN).status_code == 200
    assert client.get(page(second), headers=EN).status_code == 404  # assigned to the other member only
    assert client.get("/evaluator/applications/99999", headers=EN).status_code == 404
    data = rendered_form(client, page(first), f"{page(first)}/declare", no_conflict="y")
    assert client.post(f"{page(second)}/declare", data=data).status_code == 404
    assert committee_work.my_assignment(other, second.id).declared_at is None


@pytest.mark.parametrize("role", ["supplier", "buyer", "ministry"])
def test_other_roles_cannot_use_the_evaluator_pages(client, auth, make, setting, role):
    _round, (first, _second), _staff, _members = setting
    auth.login(make.user(role))
    assert client.get("/evaluator/", headers=EN).status_code == 403
    assert client.get(page(first), headers=EN).status_code == 403


def test_scores_are_refused_before_the_declaration_and_accepted_after(client, auth, setting):
    _round, (first, _second), _staff, (one, _other) = setting
    auth.login(one)
    text = client.get(page(first), headers=EN).text
    assert "no conflict of interest" in unescape(text) and f"{page(first)}/score" not in text
    scores = {"innovation": "30", "capability": "20", "need": "20"}
    fields = rendered_form(client, page(first), f"{page(first)}/declare")
    refused = client.post(f"{page(first)}/score", data={**fields, **scores}, headers=EN)
    assert refused.status_code == 400 and "Declare that you have no conflict of interest" in unescape(refused.text)
    unticked = client.post(f"{page(first)}/declare", data={**fields, "no_conflict": ""}, headers=EN)
    assert unticked.status_code == 400 and "Tick the statement" in unticked.text
    assert client.post(f"{page(first)}/declare", data={**fields, "no_conflict": "y"}).status_code == 302
    form = rendered_form(client, page(first), f"{page(first)}/score", innovation="35", capability="25", need="15")
    assert client.post(f"{page(first)}/score", data=form).status_code == 302
    assert committee_work.my_assignment(one, first.id).total == 75


@pytest.mark.parametrize(
    "bad", [{"innovation": "41"}, {"need": "abc"}, {"capability": "-1"}, {"comment_need": "x" * 2001}]
)
def test_bad_scores_answer_400_with_the_form_again(client, auth, setting, bad):
    _round, (first, _second), _staff, (one, _other) = setting
    committee_work.declare_no_conflict(one, first.id)
    auth.login(one)
    form = rendered_form(client, page(first), f"{page(first)}/score", innovation="30", capability="20", need="20")
    response = client.post(f"{page(first)}/score", data={**form, **bad}, headers=EN)
    assert response.status_code == 400 and 'name="innovation"' in response.text
    assert committee_work.my_assignment(one, first.id).total is None


def test_a_recusal_without_a_reason_is_400_and_a_recused_member_is_not_offered_scores(client, auth, setting):
    _round, (first, _second), _staff, (one, _other) = setting
    auth.login(one)
    form = rendered_form(client, page(first), f"{page(first)}/recuse")
    assert client.post(f"{page(first)}/recuse", data={**form, "reason": "  "}, headers=EN).status_code == 400
    assert client.post(f"{page(first)}/recuse", data={**form, "reason": "친족 관계"}).status_code == 302
    text = client.get(page(first), headers=KO).text
    assert "회피" in text and f"{page(first)}/score" not in text


def test_after_finalisation_a_changed_score_is_refused_with_a_message(client, auth, setting):
    round_, applications, staff, members = setting
    for user in members:
        for application in applications:
            committee_work.declare_no_conflict(user, application.id)
            committee_work.score(user, application.id, committee_work.Scores(30, 20, 20))
    auth.login(members[0])
    form = rendered_form(client, page(applications[0]), f"{page(applications[0])}/score", innovation="40")
    committee.finalise_scores(staff, round_.code)
    response = client.post(f"{page(applications[0])}/score", data=form, headers=EN)
    assert response.status_code == 400 and "final" in response.text
    assert committee_work.my_assignment(members[0], applications[0].id).total == 70


@pytest.mark.parametrize("language,title", [("ko", "평가위원회"), ("en", "Evaluation committee")])
def test_staff_name_members_finalise_and_download_the_minutes_in_both_languages(
    client, auth, app, setting, language, title
):
    app.config["REPORTS_RENDER_IN_PROCESS"] = True
    round_, applications, staff, members = setting
    auth.login(staff)
    base = f"/ministry/rounds/{round_.code}/committee"
    headers = {"Accept-Language": language}
    assert title in client.get(base, headers=headers).text
    bad = rendered_form(client, base, f"{base}/members", name="새 위원", email="not-an-address")
    assert client.post(f"{base}/members", data=bad, headers=headers).status_code == 400
    form = rendered_form(client, base, f"{base}/members", name="새 위원", email="new@example.com")
    assert client.post(f"{base}/members", data=form, headers=headers).status_code == 200
    newcomer = db.session.scalar(select(User).where(User.email == "new@example.com"))
    assert newcomer.role == "evaluator" and len(committee_work.my_assignments(newcomer)) == 2
    committee.remove_member(staff, round_.code, committee.committee_page(round_.code).members[-1].id)
    for user in members:
        for application in applications:
            committee_work.declare_no_conflict(user, application.id)
            committee_work.score(user, application.id, committee_work.Scores(30, 25, 20))
    finalise = rendered_form(client, base, f"{base}/finalise")
    assert client.post(f"{base}/finalise", data=finalise).status_code == 302
    response = client.get(f"{base}/minutes.pdf", headers=headers)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join("".join(pdf_text(response.data)).split())
    assert "75.00" in text and all(m.name in text for m in members)
    assert ("평가위원회회의록" if language == "ko" else "Minutesoftheevaluationcommittee") in text


def test_an_assignment_form_with_a_member_of_no_such_id_is_400(client, auth, setting):
    round_, (first, _second), staff, _members = setting
    auth.login(staff)
    base = f"/ministry/rounds/{round_.code}/committee"
    form = rendered_form(client, base, f"{base}/members")
    data = {**form, "member_id": "999999"}
    assert client.post(f"{base}/applications/{first.id}/assign", data=data, headers=EN).status_code == 400


def test_an_invited_member_sets_a_password_enrols_an_authenticator_app_and_sees_their_list(
    client, auth, make, sign_in_clock
):
    rounds = RoundBuilders(make)
    round_ = rounds.round(status="closed")
    application = rounds.application(round_, status="eligible", weight=1, snapshot=SNAPSHOT)
    user, token = committee.name_member(make.user("ministry"), round_.code, "judge@example.com", "김심사")
    invited = client.get(f"/set-password/{token}", headers=EN).text
    assert "member of an evaluation committee" in invited
    password = "a long passphrase 42"
    form = {"name": "김심사", "new": password, "confirm": password, "agree_terms": "y", "agree_privacy": "y"}
    assert client.post(f"/set-password/{token}", data=form).status_code == 302
    signed_in = auth.login(user, password)
    assert signed_in.status_code == 302 and signed_in.headers["Location"].endswith("/two-factor/setup")
    assert client.get("/evaluator/").status_code == 302  # not signed in before the authenticator app is set up
    assert "evaluation committee members sign in with a code" in client.get("/two-factor/setup", headers=EN).text
    _secret, codes = enrol(client, sign_in_clock)
    assert len(codes) == 10
    assert application.receipt_no in client.get("/evaluator/", headers=EN).text
    inbox = client.get("/notifications", headers=EN).text
    assert f"Applications of round {round_.code} were assigned to you to evaluate: 1." in unescape(inbox)
