"""A round's budgets: one labelled input per institution, each checked against what its MOUs have left."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.domain.rounds import InvalidRoundError, check_budgets_within_quota
from marketplace.extensions import db
from marketplace.models import Round
from tests.functional.test_rounds_pages import EN, ROUND_FORM, _with_mou
from tests.page_forms import read_page


def test_a_budget_over_the_quota_left_or_without_an_mou_is_refused():
    check_budgets_within_quota([("A", 100)], {"A": 100})
    with pytest.raises(InvalidRoundError, match="more than its MOUs have left"):
        check_budgets_within_quota([("A", 101)], {"A": 100})
    with pytest.raises(InvalidRoundError):
        check_budgets_within_quota([("B", 1)], {"A": 100})
    with pytest.raises(InvalidRoundError, match="at least one"):
        check_budgets_within_quota([], {"A": 100})


def test_the_form_has_a_labelled_budget_input_per_institution_with_its_quota_left(client, auth, make):
    _with_mou(make, "KEPCO", committed=5_000_000_000)
    make.institution(code="NOMOU")
    auth.login(make.user("ministry"), language="en")
    html = client.get("/ministry/rounds/new").get_data(as_text=True)
    page = read_page(html)
    form = page.form("/ministry/rounds/new")
    assert {"budget-KEPCO", "budget-NOMOU"} <= {c.name for c in form.controls}
    assert page.unlabelled(form) == [] and 'name="budgets"' not in html
    assert "KRW 5,000,000,000" in html and "KRW 0" in html


@pytest.mark.parametrize(
    ("budgets", "message"),
    [
        ({"budget-KEPCO": "5,000,000,001"}, "The budget for KEPCO (5,000,000,001 won) is more than its MOUs have left"),
        ({"budget-NOMOU": "1,000"}, "The budget for NOMOU"),
        ({"budget-KEPCO": "", "budget-LH": ""}, "Enter a budget for at least one participating institution."),
        ({"budget-KEPCO": "-5"}, ""),
    ],
)
def test_a_budget_the_mous_cannot_cover_is_refused_with_400(client, auth, make, budgets, message):
    _with_mou(make, "KEPCO", committed=5_000_000_000)
    _with_mou(make, "LH", committed=5_000_000_000)
    make.institution(code="NOMOU")
    auth.login(make.user("ministry"), language="en")
    form = {k: v for k, v in ROUND_FORM.items() if not k.startswith("budget-")}
    response = client.post("/ministry/rounds/new", data={**form, **budgets})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(Round)) is None


def test_budgets_within_the_quota_make_the_round(client, auth, make):
    _with_mou(make, "KEPCO", committed=5_000_000_000)
    _with_mou(make, "LH", committed=5_000_000_000)
    auth.login(make.user("ministry"), language="en")
    form = {k: v for k, v in ROUND_FORM.items() if not k.startswith("budget-")}
    response = client.post("/ministry/rounds/new", data={**form, "budget-KEPCO": "5,000,000,000"}, headers=EN)
    assert response.status_code == 302
    round_ = db.session.scalar(select(Round))
    assert {b.institution.code: b.budget_krw for b in round_.budgets} == {"KEPCO": 5_000_000_000}


def test_staff_delete_a_draft_round_and_the_trail_keeps_its_settings(client, auth, make):
    from marketplace.models import AuditEvent, RoundInstitution
    from tests.builders_rounds import RoundBuilders

    draft = RoundBuilders(make).round(code="2019-H1", status="draft")
    draft_id = draft.id
    opened = RoundBuilders(make).round(code="2018-H2", status="open")
    auth.login(make.user("ministry"), language="en")
    page = client.get("/ministry/rounds/2019-H1").get_data(as_text=True)
    assert "/ministry/rounds/2019-H1/delete" in page
    assert "/ministry/rounds/2018-H2/delete" not in client.get("/ministry/rounds/2018-H2").get_data(as_text=True)
    response = client.post("/ministry/rounds/2019-H1/delete")
    assert response.status_code == 302 and response.headers["Location"].endswith("/ministry/rounds")
    assert db.session.scalar(select(Round).where(Round.id == draft_id)) is None
    assert db.session.query(RoundInstitution).filter_by(round_id=draft_id).count() == 0
    event = db.session.query(AuditEvent).filter(AuditEvent.action == "round.deleted").one()
    assert event.object_id == draft_id and event.before["code"] == "2019-H1" and len(event.before["budgets"]) == 2
    client.post("/ministry/rounds/2018-H2/delete")
    assert db.session.get(Round, opened.id).status == "open"
    assert client.post("/ministry/rounds/NOPE/delete").status_code == 404
