"""Objections to a round's published result: filed by the applicant within 7 Seoul days, decided once by
staff, published without the applicant, and remedied by rescoring or by reinstatement from the waitlist
as a new result version; in Korean and English."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.domain.clock import SEOUL
from marketplace.extensions import db
from marketplace.models import Allocation, AuditEvent, Notification, Objection, OcdsRelease
from marketplace.services import allocations
from tests.builders_allocations import MILLION, build
from tests.builders_rounds import Clock
from tests.functional.test_one_time_keys import rendered_form

EN = {"Accept-Language": "en"}
KO = {"Accept-Language": "ko"}
REASONS = "The committee scored our capability below what the certificate proves."
PDF = b"%PDF-1.4 objection evidence"


@pytest.fixture
def world(app, make):
    return build(make, published_days_ago=2)


@pytest.fixture
def clock(app, monkeypatch, world):
    return Clock(monkeypatch, world.round.draw.published_at + timedelta(days=1))


def _last_second(world):
    published = world.round.draw.published_at.astimezone(SEOUL)
    day = published.date() + timedelta(days=7)
    from tests.builders_rounds import kst

    return kst(day, 23, 59, 59)


def _owner(world, application):
    return world.suppliers[application.id]


def _file(client, application, reasons=REASONS, documents=(), headers=EN):
    data = {"reasons": reasons, "documents": [(io.BytesIO(d), name) for name, d in documents]}
    return client.post(
        f"/supplier/applications/{application.id}/objection",
        data=data,
        content_type="multipart/form-data",
        headers=headers,
    )


def _file_ok(client, auth, world, application):
    auth.login(_owner(world, application))
    assert _file(client, application).status_code == 302
    auth.logout()
    return db.session.scalars(select(Objection).where(Objection.application_id == application.id)).one()


def _decide(client, objection, decision="dismissed", reason="The scores follow the published criteria."):
    return client.post(
        f"/ministry/objections/{objection.id}/decide", data={"decision": decision, "reason": reason}, headers=EN
    )


def _remedy(client, objection, **data):
    return client.post(f"/ministry/objections/{objection.id}/remedy", data={"note": "Remedy", **data}, headers=EN)


def test_the_applicant_files_one_objection_with_a_document_and_staff_are_told(client, auth, world, clock):
    auth.login(_owner(world, world.w))
    page = client.get(f"/supplier/applications/{world.w.id}", headers=EN).get_data(as_text=True)
    assert "Object to the result" in page
    form = client.get(f"/supplier/applications/{world.w.id}/objection", headers=EN).get_data(as_text=True)
    assert "23:59:59 KST" in form
    response = _file(client, world.w, documents=[("evidence.pdf", PDF)])
    assert response.status_code == 302
    objection = db.session.scalars(select(Objection)).one()
    assert objection.number == 1 and objection.reasons == REASONS and len(objection.documents) == 1
    assert objection.due_on == clock.now.astimezone(SEOUL).date() + timedelta(days=14)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "objection.filed")) is not None
    told = db.session.scalars(select(Notification).where(Notification.kind == "objection_filed")).all()
    assert told and {n.recipient_id for n in told} == {world.staff.id}
    again = _file(client, world.w)
    assert again.status_code == 400 and "already filed an objection" in again.get_data(as_text=True)
    page = client.get(f"/supplier/applications/{world.w.id}", headers=EN).get_data(as_text=True)
    assert "Object to the result" not in page and "Objection 1" in page
    mine = client.get(f"/supplier/objections/{objection.id}", headers=EN).get_data(as_text=True)
    assert REASONS in mine and "evidence.pdf" in mine


def test_only_the_applicant_of_that_application_can_object_or_see_it(client, auth, world, clock):
    objection = _file_ok(client, auth, world, world.w)
    auth.login(_owner(world, world.s1.application))
    assert _file(client, world.w).status_code == 404
    assert client.get(f"/supplier/applications/{world.w.id}/objection").status_code == 404
    assert client.get(f"/supplier/objections/{objection.id}").status_code == 404
    assert client.get("/supplier/applications/987654321/objection").status_code == 404


def test_the_window_ends_with_the_last_second_of_the_seventh_seoul_day(client, auth, world, clock):
    auth.login(_owner(world, world.w))
    clock.now = _last_second(world) + timedelta(seconds=1)
    page = client.get(f"/supplier/applications/{world.w.id}", headers=EN).get_data(as_text=True)
    assert "Object to the result" not in page
    refused = _file(client, world.w)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "23:59:59 KST" in text and "closed at the end of" in text
    korean = client.get(f"/supplier/applications/{world.w.id}/objection", headers=KO).get_data(as_text=True)
    assert "이의신청" in korean
    clock.now = _last_second(world)
    page = client.get(f"/supplier/applications/{world.w.id}", headers=EN).get_data(as_text=True)
    assert "Object to the result" in page
    assert _file(client, world.w).status_code == 302


@pytest.mark.parametrize(
    ("reasons", "documents", "message"),
    [
        ("", (), "Write the reasons for your objection."),
        ("   ", (), "Write the reasons for your objection."),
        ("가" * 4001, (), "4000"),
        (REASONS, [("notes.txt", b"just text")], "Upload a PDF, PNG or JPEG file"),
        (REASONS, [(f"e{n}.pdf", PDF) for n in range(4)], "Attach at most 3 documents."),
    ],
)
def test_bad_input_is_refused_with_400_and_nothing_is_saved(client, auth, world, clock, reasons, documents, message):
    auth.login(_owner(world, world.w))
    response = _file(client, world.w, reasons=reasons, documents=documents)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert db.session.query(Objection).count() == 0


def test_staff_decide_once_and_the_public_page_names_no_applicant_in_either_language(client, auth, world, clock):
    objection = _file_ok(client, auth, world, world.w)
    auth.login(world.staff)
    listing = client.get("/ministry/objections", headers=EN).get_data(as_text=True)
    assert "Objection 1" in listing and objection.due_on.isoformat() in listing and "Overdue" not in listing
    clock.now += timedelta(days=15)
    listing = client.get("/ministry/objections", headers=EN).get_data(as_text=True)
    assert "app-overdue" in listing and "Overdue" in listing
    assert _decide(client, objection, reason="").status_code == 400
    assert _decide(client, objection, decision="maybe").status_code == 400
    data = rendered_form(
        client,
        f"/ministry/objections/{objection.id}",
        f"/ministry/objections/{objection.id}/decide",
        decision="dismissed",
        reason="The scores follow the published criteria.",
    )
    first = client.post(f"/ministry/objections/{objection.id}/decide", data=data)
    second = client.post(f"/ministry/objections/{objection.id}/decide", data=data)
    assert first.status_code == 302 and second.status_code == 303  # the repeat of a form: decided once
    assert db.session.query(AuditEvent).filter_by(action="objection.dismissed").count() == 1
    again = _decide(client, objection, decision="upheld")
    assert again.status_code == 400 and "already been decided" in again.get_data(as_text=True)
    told = db.session.scalars(select(Notification).where(Notification.kind == "objection_decided")).all()
    assert {n.recipient_id for n in told} == {_owner(world, world.w).id}
    auth.logout()
    product, company = world.w.product, world.w.company
    for headers, words in ((EN, ("Objection 1", "Dismissed")), (KO, ("이의신청 1", "기각"))):
        page = client.get(f"/rounds/{world.round.code}", headers=headers).get_data(as_text=True)
        start = page.index('id="objections"')
        section = page[start : page.index("</section>", start)]
        assert all(w in section for w in words) and "The scores follow the published criteria." in section
        for name in (product.name_ko, product.name_en, company.name_ko, company.name_en):
            assert not name or name not in section


def test_an_upheld_reinstatement_allocates_from_the_budget_left_as_result_version_2(client, auth, world, clock):
    objection = _file_ok(client, auth, world, world.w)
    auth.login(world.staff)
    assert _decide(client, objection, decision="upheld", reason="The waitlist order was misapplied.").status_code == 302
    refused = _remedy(client, objection, remedy="reinstated")
    assert refused.status_code == 400 and "never exceeded" in refused.get_data(as_text=True)
    allocations.move(world.staff, world.s1.id, world.bbb.id, "BBB needs it")  # AAA now has 100,000,000 left
    assert _remedy(client, objection, remedy="reinstated").status_code == 302
    new = db.session.scalars(
        select(Allocation).where(Allocation.application_id == world.w.id, Allocation.status == "active")
    ).one()
    assert new.institution_id == world.aaa.id and new.amount_krw == 60 * MILLION and new.via_waitlist
    assert world.w.status == "selected" and objection.result_version == 2 and objection.state == "remedied"
    assert allocations.budgets_left(world.round)[world.aaa.id] == 40 * MILLION
    assert db.session.query(AuditEvent).filter_by(action="objection.reinstated").count() == 1
    award = db.session.scalars(select(OcdsRelease).order_by(OcdsRelease.id.desc())).first().data["awards"][0]
    assert award["id"] == f"A{new.id}"  # the open data publishes the new allocation like a refill
    again = _remedy(client, objection, remedy="rescored", innovation="30", capability="20", need="20")
    assert again.status_code == 400 and "already been recorded" in again.get_data(as_text=True)
    auth.logout()
    code = world.round.code
    latest = json.loads(client.get(f"/rounds/{code}/result.json").data)
    assert latest["result_version"] == 2
    assert latest["result_changes"] == [
        {
            "version": 2,
            "objection": 1,
            "remedy": "reinstated",
            "application": world.w.id,
            "institution": "AAA",
            "amount": 60 * MILLION,
            "at": objection.remedied_at.astimezone(SEOUL).isoformat(timespec="seconds"),
        }
    ]
    first = json.loads(client.get(f"/rounds/{code}/result-v1.json").data)
    assert first["result_version"] == 1 and first["result_changes"] == []
    assert client.get(f"/rounds/{code}/result-v3.json").status_code == 404
    for headers, words in ((EN, ("Result versions", "Reinstatement from the waitlist")), (KO, ("결과 버전",))):
        page = client.get(f"/rounds/{code}", headers=headers).get_data(as_text=True)
        assert all(w in page for w in words) and f"/rounds/{code}/result-v1.json" in page


def test_an_upheld_rescoring_records_the_scores_before_and_after_without_a_new_version(client, auth, world, clock):
    application = world.s1.application
    application.score_innovation, application.score_capability, application.score_need = 20, 20, 20
    db.session.commit()
    objection = _file_ok(client, auth, world, application)
    auth.login(world.staff)
    _decide(client, objection, decision="upheld", reason="Capability was under-scored.")
    bad = _remedy(client, objection, remedy="rescored", innovation="41", capability="20", need="20")
    assert bad.status_code == 400 and "40 / 30 / 30" in bad.get_data(as_text=True)
    missing = _remedy(client, objection, remedy="rescored", innovation="30")
    assert missing.status_code == 400 and "Enter the three corrected scores." in missing.get_data(as_text=True)
    new_draw = _remedy(client, objection, remedy="redrawn")
    assert new_draw.status_code == 400 and "Enter the date and time of the new seed event" in new_draw.get_data(
        as_text=True
    )
    assert _remedy(client, objection, remedy="rescored", innovation="30", capability="25", need="20").status_code == 302
    assert objection.scores_before == [20, 20, 20] and objection.scores_after == [30, 25, 20]
    assert application.total_score == 75 and objection.result_version is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "objection.rescored"))
    assert event.before == {"scores": [20, 20, 20]} and event.after["scores"] == [30, 25, 20]
    detail = client.get(f"/ministry/objections/{objection.id}", headers=EN).get_data(as_text=True)
    assert "20 / 20 / 20 → 30 / 25 / 20" in detail
    auth.logout()
    assert json.loads(client.get(f"/rounds/{world.round.code}/result.json").data)["result_version"] == 1


def test_a_remedy_needs_an_upheld_objection_and_unknown_ids_are_404(client, auth, world, clock):
    objection = _file_ok(client, auth, world, world.w)
    auth.login(world.staff)
    refused = _remedy(client, objection, remedy="reinstated")
    assert refused.status_code == 400 and "Only an upheld objection" in refused.get_data(as_text=True)
    assert client.get("/ministry/objections/987654321").status_code == 404
    assert _decide(client, type("O", (), {"id": 987654321})()).status_code == 404
    assert client.get(f"/ministry/objections/{objection.id}/documents/987654321").status_code == 404
