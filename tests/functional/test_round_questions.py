"""Questions during a round: suppliers ask, the ministry answers until one working day before the close,
answers are public and the asker never is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from marketplace.domain.clock import SEOUL
from marketplace.extensions import db
from marketplace.models import AuditEvent, OcdsRelease, RoundQuestion
from marketplace.services import chains
from tests.builders_rounds import Clock, RoundBuilders

EN = {"Accept-Language": "en"}
QUESTION = "Does the pilot purchase include installation at the institution's site?"
ANSWER = "Yes: the amount covers delivery and installation."


def kst(*args) -> datetime:
    return datetime(*args, tzinfo=SEOUL).astimezone(UTC)


# Chuseok 2026 is Thursday 24 to Saturday 26 September: a close on Monday the 28th at 18:00 KST
# has its answer deadline on Wednesday the 23rd at 18:00 KST.
CLOSES = kst(2026, 9, 28, 18, 0)
DEADLINE = kst(2026, 9, 23, 18, 0)


@pytest.fixture
def clock(app, monkeypatch):
    return Clock(monkeypatch, kst(2026, 9, 21, 10, 0))


@pytest.fixture
def round_(app, make, clock):
    return RoundBuilders(make).round(opens_at=kst(2026, 9, 1, 9, 0), closes_at=CLOSES)


@pytest.fixture
def asker(make):
    return make.user("supplier", name="Asker Hidden-Person", email="asker.hidden@supplier.example")


def ask(client, round_, text=QUESTION):
    return client.post(f"/supplier/rounds/{round_.code}/questions", data={"question": text}, headers=EN)


def answer(client, question_id, text=ANSWER):
    return client.post(f"/ministry/questions/{question_id}/answer", data={"answer": text}, headers=EN)


def test_the_round_page_shows_the_answer_deadline_in_seoul_time(client, round_):
    page = client.get(f"/rounds/{round_.code}", headers=EN).get_data(as_text=True)
    assert "2026-09-23 18:00 KST" in page and "Korean public holidays" in page


def test_an_answer_is_published_to_all_and_the_asker_never_is(app, auth, client, make, round_, asker):
    auth.login(asker)
    assert ask(client, round_).status_code == 302
    row = db.session.scalar(select(RoundQuestion).where(RoundQuestion.round_id == round_.id))
    auth.logout()
    assert QUESTION not in client.get(f"/rounds/{round_.code}").get_data(as_text=True)  # not yet answered
    auth.login(make.user("ministry"))
    assert answer(client, row.id).status_code == 302
    auth.logout()
    page = client.get(f"/rounds/{round_.code}", headers=EN).get_data(as_text=True)
    assert QUESTION.replace("'", "&#39;") in page and ANSWER in page
    company = asker.company
    for secret in (asker.name, asker.email, company.name_ko, company.name_en, company.brn):
        assert secret not in page
        for release in db.session.scalars(select(OcdsRelease)):
            assert secret not in str(release.data)
    assert QUESTION not in " ".join(str(r.data) for r in db.session.scalars(select(OcdsRelease)))
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "RoundQuestion")).all()
    assert sorted(actions) == ["question.answered", "question.asked"]
    assert chains.verify_chain("audit").intact


def test_questions_and_answers_are_refused_after_the_deadline_with_the_reason(auth, client, make, round_, asker, clock):
    auth.login(asker)
    clock.now = DEADLINE
    assert ask(client, round_).status_code == 302  # the deadline's own minute still counts
    clock.now = DEADLINE + timedelta(seconds=1)
    late = ask(client, round_)
    assert late.status_code == 400 and b"closed at 2026-09-23 18:00 KST" in late.data
    row = db.session.scalar(select(RoundQuestion).where(RoundQuestion.round_id == round_.id))
    auth.logout()
    auth.login(make.user("ministry"))
    refused = answer(client, row.id)
    assert refused.status_code == 400 and b"the answer deadline was 2026-09-23 18:00 KST" in refused.data
    assert db.session.get(RoundQuestion, row.id).published_at is None


def test_a_question_must_have_text_and_at_most_2000_characters(auth, client, round_, asker):
    auth.login(asker)
    assert ask(client, round_, "   ").status_code == 400
    assert ask(client, round_, "가" * 2001).status_code == 400
    assert ask(client, round_, "가" * 2000).status_code == 302


def test_only_suppliers_ask_and_only_the_ministry_answers(auth, client, make, round_, asker):
    auth.login(make.user("buyer"))
    assert ask(client, round_).status_code == 403
    auth.logout()
    auth.login(asker)
    assert ask(client, round_).status_code == 302
    row = db.session.scalar(select(RoundQuestion))
    assert answer(client, row.id).status_code == 403


def test_another_supplier_cannot_see_a_question_that_is_not_its_own(auth, client, make, round_, asker):
    auth.login(asker)
    ask(client, round_)
    row = db.session.scalar(select(RoundQuestion))
    assert client.get(f"/supplier/questions/{row.id}").status_code == 200
    auth.logout()
    auth.login(make.user("supplier"))
    assert client.get(f"/supplier/questions/{row.id}").status_code == 404
    assert QUESTION not in client.get(f"/rounds/{round_.code}").get_data(as_text=True)


def test_a_question_is_refused_before_the_round_opens(auth, client, make, clock, asker):
    round_ = RoundBuilders(make).round(opens_at=kst(2026, 9, 22, 9, 0), closes_at=CLOSES)
    auth.login(asker)
    response = ask(client, round_)
    assert response.status_code == 400 and b"only while the round is open" in response.data
