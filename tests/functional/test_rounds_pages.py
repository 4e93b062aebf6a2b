"""Round pages: staff create and run a round, suppliers apply and see why, anyone reads and verifies."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Application, AuditEvent, Round
from marketplace.services import draws
from tests.builders_orders import OrderBuilders
from tests.builders_rounds import Clock, RoundBuilders, kst

OPENS, CLOSES = kst(date(2018, 8, 16), 9), kst(date(2018, 9, 14), 18)
EN = {"Accept-Language": "en"}


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, kst(date(2018, 8, 20), 10))


@pytest.fixture
def rounds(make):
    return RoundBuilders(make)


def _post(client, url, follow_redirects=False, **kw):
    """POST, then GET the redirect target in a separate request (the isolated test client cannot follow)."""
    response = client.post(url, **kw)
    if follow_redirects and response.status_code in (302, 303):
        return client.get(response.headers["Location"], headers=kw.get("headers"))
    return response


def _product(make, company):
    cert = make.certificate(company, issued_on=date(2017, 1, 1), expires_on=date(2020, 1, 1))
    return make.product(company, certificates=[cert])


def _with_mou(make, code: str, committed: int = 10_000_000_000):
    """An institution whose MOU has quota left for a round's budget."""
    institution = make.institution(code=code)
    OrderBuilders(make).mou(institution, committed=committed)
    return institution


def test_staff_create_a_round_with_a_kst_window_and_budgets(app, make, auth):
    _with_mou(make, "KEPCO")
    _with_mou(make, "LH")
    staff = make.user("ministry")
    auth.login(staff)
    response = _post(
        auth.client,
        "/ministry/rounds/new",
        data={
            "code": "2018-H2",
            "title_ko": "2018년 하반기 시범구매",
            "title_en": "2018 H2 pilot purchase",
            "opens_on": "2018-08-16",
            "opens_time": "09:00",
            "closes_on": "2018-09-14",
            "closes_time": "18:00",
            "cap": "300,000,000",
            "pass_mark": "70",
            "weight_first_timer": "3",
            "weight_startup": "2",
            "weight_general": "1",
            "small_record": "500,000,000",
            "budget-KEPCO": "5,000,000,000",
            "budget-LH": "3,000,000,000",
        },
    )
    assert response.status_code == 302
    round_ = db.session.scalar(select(Round).where(Round.code == "2018-H2"))
    assert round_.opens_at == OPENS and round_.closes_at == CLOSES and round_.status == "draft"
    page = auth.client.get("/ministry/rounds/2018-H2", headers=EN)
    assert b"2018-09-14 18:00 KST" in page.data and b"KRW 8,000,000,000" in page.data


def test_a_bad_budget_rerenders_the_form_with_400(app, make, auth):
    _with_mou(make, "KEPCO")
    auth.login(make.user("ministry"))
    response = _post(
        auth.client,
        "/ministry/rounds/new",
        headers=EN,
        data={
            "code": "2018-H2",
            "title_ko": "t",
            "opens_on": "2018-08-16",
            "opens_time": "09:00",
            "closes_on": "2018-09-14",
            "closes_time": "18:00",
            "cap": "1000",
            "pass_mark": "70",
            "weight_first_timer": "3",
            "weight_startup": "2",
            "weight_general": "1",
            "small_record": "0",
            "budget-KEPCO": "lots",
        },
    )
    assert response.status_code == 400 and b'id="budget-KEPCO-error"' in response.data


def test_the_public_round_page_shows_the_window_and_a_countdown(app, make, rounds, clock, client):
    rounds.round(code="2018-H2", opens_at=OPENS, closes_at=CLOSES)
    clock.now = kst(date(2018, 9, 11), 14)
    page = client.get("/rounds/2018-H2", headers=EN)
    assert page.status_code == 200
    assert b"2018-08-16 09:00 KST" in page.data and b"2018-09-14 18:00 KST" in page.data
    assert b"3 days 4 hours 1 minutes" in page.data
    assert client.get("/rounds").status_code == 200


def test_a_draft_round_is_not_public(app, rounds, client):
    rounds.round(code="DRAFT-1", status="draft")
    assert client.get("/rounds/DRAFT-1").status_code == 404


def test_a_supplier_applies_and_gets_a_receipt(app, make, rounds, clock, auth):
    round_ = rounds.round(code="2018-H2", opens_at=OPENS, closes_at=CLOSES)
    user = make.user("supplier")
    product = _product(make, user.company)
    auth.login(user)
    form = auth.client.get("/supplier/rounds/2018-H2/apply", headers=EN)
    assert form.status_code == 200 and product.name_en.encode() in form.data
    response = _post(
        auth.client,
        "/supplier/rounds/2018-H2/apply",
        headers=EN,
        follow_redirects=True,
        data={
            "product_id": str(product.id),
            "amount": "50,000,000",
            "statement": "우수 제품",
            "preferred": [round_.budgets[0].institution.code],
        },
    )
    application = db.session.scalar(select(Application))
    assert application.receipt_no.encode() in response.data and b"Application received" in response.data
    again = _post(
        auth.client,
        "/supplier/rounds/2018-H2/apply",
        headers=EN,
        data={"product_id": str(product.id), "amount": "1000"},
    )
    assert again.status_code == 400 and b"already has application" in again.data


def test_the_apply_form_after_close_is_refused_with_the_reason(app, make, rounds, clock, auth):
    rounds.round(code="2018-H2", opens_at=OPENS, closes_at=CLOSES)
    user = make.user("supplier")
    product = _product(make, user.company)
    auth.login(user)
    clock.now = kst(date(2018, 9, 14), 18, 1)
    response = _post(
        auth.client,
        "/supplier/rounds/2018-H2/apply",
        headers=EN,
        data={"product_id": str(product.id), "amount": "1000"},
    )
    assert response.status_code == 400 and b"Applications closed at 2018-09-14 18:00 KST" in response.data
    assert db.session.scalar(select(Application)) is None


def test_bad_amounts_rerender_with_400(app, make, rounds, clock, auth):
    rounds.round(code="2018-H2", opens_at=OPENS, closes_at=CLOSES)
    user = make.user("supplier")
    product = _product(make, user.company)
    auth.login(user)
    for amount in ("", "abc", "-5", "999,999,999,999"):
        response = _post(
            auth.client,
            "/supplier/rounds/2018-H2/apply",
            data={"product_id": str(product.id), "amount": amount},
        )
        assert response.status_code == 400, amount
    bad_product = _post(auth.client, "/supplier/rounds/2018-H2/apply", data={"product_id": "x", "amount": "1"})
    assert bad_product.status_code == 400


def test_another_supplier_cannot_see_edit_or_withdraw_an_application(app, make, rounds, clock, auth):
    round_ = rounds.round(code="2018-H2", opens_at=OPENS, closes_at=CLOSES)
    application = rounds.application(round_)
    auth.login(make.user("supplier"))
    assert auth.client.get(f"/supplier/applications/{application.id}").status_code == 404
    assert auth.client.get(f"/supplier/applications/{application.id}/edit").status_code == 404
    assert _post(auth.client, f"/supplier/applications/{application.id}/withdraw").status_code == 404
    assert db.session.get(Application, application.id).status == "submitted"


def test_the_whole_round_from_staff_pages_to_the_applicants_outcome(app, make, rounds, clock, auth):
    budgets = [(make.institution(code="AAA"), 100_000_000)]
    round_ = rounds.round(code="2018-H2", status="draft", opens_at=OPENS, closes_at=CLOSES, budgets=budgets)
    staff = make.user("ministry")
    suppliers = [make.user("supplier") for _ in range(3)]
    ineligible = make.user("supplier")
    auth.login(staff)
    assert _post(auth.client, "/ministry/rounds/2018-H2/open").status_code == 302
    for user in [*suppliers, ineligible]:
        rounds.application(round_, _product(make, user.company))
    ineligible_app = round_.applications[-1]
    ineligible.company.status = "suspended"
    db.session.commit()
    refused = _post(auth.client, "/ministry/rounds/2018-H2/close", headers=EN, follow_redirects=True)
    assert b"still open until" in refused.data
    refused = _post(auth.client, "/ministry/rounds/2018-H2/draw", headers=EN, follow_redirects=True, data={"seed": "1"})
    assert b"Freeze the pool before the draw" in refused.data
    clock.now = CLOSES + timedelta(minutes=1)
    _post(auth.client, "/ministry/rounds/2018-H2/close")
    assert round_.status == "closed" and ineligible_app.status == "ineligible"
    bad = _post(
        auth.client,
        f"/ministry/rounds/2018-H2/applications/{round_.applications[0].id}/score",
        headers=EN,
        data={"innovation": "99", "capability": "1", "need": "1"},
    )
    assert bad.status_code == 400
    for application in round_.applications[:3]:
        _post(
            auth.client,
            f"/ministry/rounds/2018-H2/applications/{application.id}/score",
            data={"innovation": "35", "capability": "25", "need": "20"},
        )
    _post(auth.client, "/ministry/rounds/2018-H2/freeze")
    manifest = auth.client.get("/rounds/2018-H2/manifest.json")
    assert manifest.status_code == 200 and manifest.mimetype == "application/json"
    assert json.loads(manifest.data)["round"] == "2018-H2"
    assert auth.client.get("/rounds/2018-H2/result.json").status_code == 404
    early = _post(auth.client, "/ministry/rounds/2018-H2/draw", headers=EN, data={"seed": "07 12 19 28 33 41"})
    assert early.status_code == 400 and b"the draw can run only after that event" in early.data
    clock.now = round_.seed_event_at
    _post(auth.client, "/ministry/rounds/2018-H2/draw", data={"seed": "07 12 19 28 33 41"})
    second = _post(
        auth.client,
        "/ministry/rounds/2018-H2/draw",
        headers=EN,
        follow_redirects=True,
        data={"seed": "other"},
    )
    assert b"no second draw" in second.data
    public = auth.client.get("/rounds/2018-H2", headers=EN)
    assert b"07 12 19 28 33 41" not in public.data  # seed is public only with the result
    _post(auth.client, "/ministry/rounds/2018-H2/publish")
    assert round_.status == "published"
    public = auth.client.get("/rounds/2018-H2", headers=EN)
    assert b"07 12 19 28 33 41" in public.data and b"Expected rate" in public.data
    command = f"python3 check_draw.py 2018-H2-manifest.json 2018-H2-result.json {round_.draw.manifest_sha256}"
    assert command.encode() in public.data  # the checker's command line, ready to copy
    result = auth.client.get("/rounds/2018-H2/result.json")
    assert json.loads(result.data)["seed"] == "07 12 19 28 33 41"
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {
        "round.opened",
        "round.closed",
        "application.scored",
        "round.pool_frozen",
        "round.drawn",
        "round.published",
    } <= actions

    selected = next(a for a in round_.applications if a.status == "selected")
    waitlisted = next(a for a in round_.applications if a.status == "waitlisted")
    owner = {u.company_id: u for u in [*suppliers, ineligible]}
    _post(auth.client, "/logout")
    auth.login(owner[selected.company_id])
    page = auth.client.get(f"/supplier/applications/{selected.id}", headers=EN)
    assert b"Selected" in page.data and b"KRW 50,000,000" in page.data
    _post(auth.client, f"/supplier/applications/{selected.id}/withdraw", data={"reason": "Factory closed"})
    assert selected.status == "withdrawn" and waitlisted.status == "selected"
    _post(auth.client, "/logout")
    auth.login(owner[ineligible_app.company_id])
    page = auth.client.get(f"/supplier/applications/{ineligible_app.id}", headers=EN)
    assert b"not approved by the ministry" in page.data
    assert auth.client.get("/supplier/applications", headers=EN).status_code == 200


def test_the_method_page_explains_the_draw_in_both_languages(client):
    assert b"Efraimidis" not in client.get("/how-the-draw-works", headers=EN).data  # plain words
    assert b"seed:round:ID" in client.get("/how-the-draw-works", headers=EN).data
    assert "추첨".encode() in client.get("/how-the-draw-works", headers={"Accept-Language": "ko"}).data


def test_json_downloads_answer_json_errors_for_unknown_rounds(client):
    response = client.get("/rounds/NOPE/manifest.json")
    assert response.status_code == 404 and response.is_json


def test_cli_verify_says_match_and_fails_on_a_tampered_result(app, make, rounds, clock):
    budgets = [(make.institution(code="AAA"), 100_000_000)]
    round_ = rounds.round(code="2018-H2", opens_at=OPENS, closes_at=CLOSES, budgets=budgets)
    staff = make.user("ministry")
    for _ in range(3):
        rounds.application(round_, _product(make, make.company()))
    clock.now = CLOSES + timedelta(minutes=1)
    draws.round_service.close_round(staff, "2018-H2")
    for application in round_.applications:
        draws.score_application(staff, "2018-H2", application.id, 30, 30, 30)
    draws.freeze_pool(staff, "2018-H2")
    clock.now = round_.seed_event_at
    draws.run_round_draw(staff, "2018-H2", "seed-1")
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["draw", "verify", "2018-H2"])
    assert ok.exit_code == 0 and ok.output.startswith("MATCH")
    data = json.loads(round_.draw.result_json)
    data["selected"][0]["institution"] = "ZZZ"
    round_.draw.result_json = json.dumps(data)
    db.session.commit()
    bad = runner.invoke(args=["draw", "verify", "2018-H2"])
    assert bad.exit_code == 1 and bad.output.startswith("MISMATCH") and "selected" in bad.output
    unknown = runner.invoke(args=["draw", "verify", "NOPE"])
    assert unknown.exit_code != 0


ROUND_FORM = {
    "code": "2018-H2",
    "title_ko": "2018년 하반기 시범구매",
    "title_en": "2018 H2 pilot purchase",
    "opens_on": "2018-08-16",
    "opens_time": "09:00",
    "closes_on": "2018-09-14",
    "closes_time": "18:00",
    "cap": "300,000,000",
    "pass_mark": "70",
    "weight_first_timer": "3",
    "weight_startup": "2",
    "weight_general": "1",
    "small_record": "500,000,000",
    "budget-KEPCO": "5,000,000,000",
    "budget-LH": "3,000,000,000",
    "seed_event_ko": "로또 6/45 제825회 추첨 당첨번호",
    "seed_event_en": "Lotto 6/45 draw no. 825 numbers",
    "seed_event_on": "2018-09-22",
    "seed_event_time": "20:45",
}


def _draft(make, auth):
    for code in ("KEPCO", "LH", "KRC"):
        _with_mou(make, code)
    auth.login(make.user("ministry"))
    assert _post(auth.client, "/ministry/rounds/new", data=ROUND_FORM).status_code == 302
    return db.session.scalar(select(Round).where(Round.code == "2018-H2"))


def test_staff_change_a_draft_round_and_the_change_is_audited(app, make, auth, clock):
    round_ = _draft(make, auth)
    page = auth.client.get("/ministry/rounds/2018-H2/edit", headers=EN).get_data(as_text=True)
    assert 'value="2018-09-14"' in page and 'value="18:00"' in page
    assert (
        'name="budget-KEPCO" type="text" value="5,000,000,000"' in page
        and 'name="budget-LH" type="text" value="3,000,000,000"' in page
    )
    assert "Change draft round 2018-H2" in page and re.search(r'<input[^>]*id="code"[^>]*readonly', page)
    assert "/ministry/rounds/2018-H2/edit" in auth.client.get("/ministry/rounds/2018-H2").get_data(as_text=True)
    changed = {
        **ROUND_FORM,
        "code": "OTHER",
        "closes_on": "2018-09-21",
        "pass_mark": "75",
        "budget-KEPCO": "6,000,000,000",
        "budget-LH": "",
        "budget-KRC": "1,000,000,000",
    }
    response = _post(auth.client, "/ministry/rounds/2018-H2/edit", data=changed, headers=EN, follow_redirects=True)
    assert b"was saved" in response.data
    db.session.refresh(round_)
    assert round_.code == "2018-H2"  # the code is not changed by the form
    assert round_.closes_at == kst(date(2018, 9, 21), 18) and round_.pass_mark == 75
    assert {b.institution.code: b.budget_krw for b in round_.budgets} == {"KEPCO": 6_000_000_000, "KRC": 1_000_000_000}
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "round.updated")).one()
    assert set(event.after) == {"closes_at", "pass_mark", "budgets"} and event.before["pass_mark"] == 70


def test_bad_input_to_the_draft_form_is_refused_with_400_and_changes_nothing(app, make, auth, clock):
    round_ = _draft(make, auth)
    for bad, message in (
        ({"budget-KEPCO": "10,000,000,001"}, b"more than its MOUs have left: 10,000,000,000"),
        ({"closes_on": "2018-08-01"}, b"must open before it closes"),
        ({"cap": "many"}, b"digits only"),
    ):
        response = auth.client.post("/ministry/rounds/2018-H2/edit", data={**ROUND_FORM, **bad}, headers=EN)
        assert response.status_code == 400 and message in response.data, bad
        assert b"2018 H2 pilot purchase" in response.data  # what was typed stays in the form
    db.session.refresh(round_)
    assert round_.closes_at == CLOSES and {b.institution.code for b in round_.budgets} == {"KEPCO", "LH"}


def test_an_open_round_cannot_be_changed(app, make, auth, clock):
    round_ = _draft(make, auth)
    assert _post(auth.client, "/ministry/rounds/2018-H2/open").status_code == 302
    assert round_.status == "open"
    response = _post(
        auth.client,
        "/ministry/rounds/2018-H2/edit",
        data={**ROUND_FORM, "pass_mark": "10"},
        headers=EN,
        follow_redirects=True,
    )
    assert b"Only a draft round can be changed" in response.data
    db.session.refresh(round_)
    assert round_.pass_mark == 70
    assert auth.client.get("/ministry/rounds/2018-H2/edit").status_code == 302
