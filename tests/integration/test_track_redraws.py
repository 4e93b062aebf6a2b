"""A new draw of a track, the remedy of an upheld objection: frozen with a new public seed event before the
event, drawn after it with the event's outcome, published as a new result version, re-run by the public
checker from its own manifest and seed, and replayed by `flask draw verify`."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from marketplace.domain.objections import ObjectionRefused
from marketplace.domain.rounds import ScoreError, SeedError
from marketplace.domain.seed_events import SeedEventError
from marketplace.domain.states import TrackKind
from marketplace.extensions import db
from marketplace.models import Allocation, AuditEvent, Notification
from marketplace.services import applications as apps
from marketplace.services import draws, objection_remedies, objections, redraw_results, track_redraws
from marketplace.services import rounds as round_service
from tests.builders_rounds import Clock, RoundBuilders, kst
from tests.integration.test_rounds import CLOSES, OPENS, _apply, _certified_product, _supplier
from tests.integration.test_tracks import _apply_with, _tracked_round
from tests.integration.test_tracks import _supplier as _track_supplier

CHECKER = Path(__file__).resolve().parents[2] / "static" / "tools" / "check_draw.py"
SEED = "07 12 19 28 33 41"
NEW_SEED = "03 11 24 30 38 45 + 9"


def _score_draw_and_publish(staff, round_, low, clock) -> None:
    """Staff score every application (`low` under the pass mark), freeze, draw at the seed event, publish."""
    for application in round_.applications:
        scores = (10, 10, 10) if application is low else (30, 25, 20)
        draws.score_application(staff, round_.code, application.id, *scores)
    draws.freeze_pool(staff, round_.code)
    clock.now = round_.seed_event_at
    draws.run_round_draw(staff, round_.code, SEED)
    draws.publish_round(staff, round_.code)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, kst(date(2018, 8, 20), 10))


def _published(make, clock, count=4):
    """AAA 100,000,000 and BBB 50,000,000; `count` applications of 50,000,000 scored 75, one more scored 30
    (under the pass mark of 70: not selected), published."""
    aaa, bbb = make.institution(code="AAA"), make.institution(code="BBB")
    round_ = RoundBuilders(make).round(
        code="2018-H2", opens_at=OPENS, closes_at=CLOSES, budgets=[(aaa, 100_000_000), (bbb, 50_000_000)]
    )
    staff = make.user("ministry")
    users = [_supplier(make) for _ in range(count + 1)]
    for user in users:
        _apply(user, round_, _certified_product(make, user.company))
    clock.now = CLOSES + timedelta(minutes=1)
    round_service.close_round(staff, round_.code)
    low = max(round_.applications, key=lambda a: a.id)
    _score_draw_and_publish(staff, round_, low, clock)
    return round_, staff, {u.company_id: u for u in users}, low


def _upheld(staff, owner, application):
    objection = objections.file_objection(
        owner[application.company_id], application.id, "Scored wrongly", [], max_bytes=10
    )
    objections.decide(staff, objection.id, True, "The committee's sheet was misread.")
    return objection


def _freeze(staff, objection, clock, scores=(30, 25, 20), hours=48):
    return track_redraws.freeze_redraw(
        staff,
        objection.id,
        scores,
        "Drawn again with the corrected scores",
        "로또 6/45 제900회",
        "Lotto 6/45 no. 900",
        clock.now + timedelta(hours=hours),
    )


def _allocations(round_):
    return db.session.scalars(select(Allocation).where(Allocation.round_id == round_.id).order_by(Allocation.id)).all()


def _check(tmp_path, manifest_json, result_json, digest):
    (tmp_path / "m.json").write_text(manifest_json, encoding="utf-8")
    (tmp_path / "r.json").write_text(result_json, encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(CHECKER), str(tmp_path / "m.json"), str(tmp_path / "r.json"), digest],
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_new_draw_of_the_pool_takes_in_the_rescored_application_and_anyone_can_check_it(app, make, clock, tmp_path):
    round_, staff, owner, low = _published(make, clock)
    assert low.status == "not_selected"
    before = _allocations(round_)
    objection = _upheld(staff, owner, low)
    redraw = _freeze(staff, objection, clock)
    manifest = json.loads(redraw.manifest_json)
    assert [a["id"] for a in manifest["applications"]] == sorted(a.id for a in round_.applications)
    assert manifest["institutions"] == [{"budget": 100_000_000, "code": "AAA"}, {"budget": 50_000_000, "code": "BBB"}]
    assert (
        objection.state == "remedied" and objection.remedy_kind == "redrawn" and objection.scores_after == [30, 25, 20]
    )
    assert redraw_results.pending_redraw(round_.id) is redraw
    with pytest.raises(SeedEventError, match="only after that event"):
        track_redraws.run_redraw(staff, objection.id, NEW_SEED)
    clock.now = redraw.seed_event_at
    with pytest.raises(SeedError):
        track_redraws.run_redraw(staff, objection.id, "   ")
    buyers = {b.institution.code: make.user("buyer", institution=b.institution) for b in round_.budgets}
    track_redraws.run_redraw(staff, objection.id, NEW_SEED)
    with pytest.raises(ObjectionRefused, match="no second draw"):
        track_redraws.run_redraw(staff, objection.id, NEW_SEED)

    assert {a.id: a.status for a in before} == {a.id: "superseded" for a in before}
    active = [a for a in _allocations(round_) if a.status == "active"]
    assert sum(a.amount_krw for a in active) == 150_000_000 and len(active) == 3
    statuses = sorted(a.status for a in round_.applications)
    assert statuses == ["selected"] * 3 + ["waitlisted"] * 2
    assert sorted(a.waitlist_position for a in round_.applications if a.waitlist_position) == [1, 2]
    assert objection.result_version == 2 and redraw.result_version == 2

    outcome = draws.verify_draw(round_.code)
    assert outcome.matches, outcome.details
    cli = app.test_cli_runner().invoke(args=["draw", "verify", round_.code])
    assert cli.exit_code == 0 and "new draw" in cli.output, cli.output
    done = _check(tmp_path, redraw.manifest_json, redraw.result_json, redraw.manifest_sha256)
    assert done.returncode == 0 and done.stdout.startswith("MATCH"), done.stdout
    latest = json.loads(objection_remedies.versioned_result_json(round_))
    change = latest["result_changes"][0]
    assert latest["result_version"] == 2 and change["remedy"] == "redrawn" and change["seed"] == NEW_SEED
    assert change["manifest_sha256"] == redraw.manifest_sha256 and change["result"] == json.loads(redraw.result_json)
    assert change["seed_event"]["description_en"] == "Lotto 6/45 no. 900"
    first = _check(tmp_path, round_.draw.manifest_json, json.dumps(latest), round_.draw.manifest_sha256)
    assert first.returncode == 0, first.stdout  # the round's own draw still re-runs from the latest file

    told = db.session.scalars(select(Notification).where(Notification.kind == "allocation_changed")).all()
    assert {n.params["variant"] for n in told} <= {"redrawn", "superseded"} and told
    counts = Counter(a.institution.code for a in active)
    for code, buyer in buyers.items():  # each institution learns how many of the track's allocations it has now
        sent = db.session.scalars(select(Notification).where(Notification.recipient_id == buyer.id)).all()
        assert [(n.kind, n.params["variant"], n.params["count"]) for n in sent] == [
            ("allocations_published", "redrawn", counts[code])
        ]
    assert [
        e.action
        for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.object_type == "TrackRedraw").order_by(AuditEvent.id)
        )
    ] == [
        "objection.redraw_frozen",
        "objection.redrawn",
    ]

    active[0].amount_krw -= 1  # quietly changed in the database: verify names it
    db.session.commit()
    outcome = draws.verify_draw(round_.code)
    assert not outcome.matches and "allocation of application" in outcome.details[0]


def test_a_new_draw_of_one_track_leaves_the_other_track_as_drawn(app, make, clock, tmp_path):
    staff = make.user("ministry")
    round_ = _tracked_round(make, RoundBuilders(make), staff)
    owner = {}
    for n in range(4):
        user = _track_supplier(make, date(2015, 1, 1 + n), 0, 1)
        owner[user.company_id] = user
        _apply_with(make, user, round_, TrackKind.STARTUP, 20_000_000)
        general = _track_supplier(make, date(2000, 1, 1), 600_000_000 + n, 1)
        owner[general.company_id] = general
        _apply_with(make, general, round_, TrackKind.GENERAL, 30_000_000)
    clock.now = CLOSES + timedelta(minutes=1)
    round_service.close_round(staff, round_.code)
    startup = [a for a in round_.applications if a.track.kind == "startup"]
    low = startup[-1]
    _score_draw_and_publish(staff, round_, low, clock)
    general_rows = {
        a.id: (a.application_id, a.institution_id, a.status)
        for a in _allocations(round_)
        if a.application.track.kind == "general"
    }

    objection = _upheld(staff, owner, low)
    redraw = _freeze(staff, objection, clock)
    manifest = json.loads(redraw.manifest_json)
    assert "tracks" not in manifest and sorted(a["id"] for a in manifest["applications"]) == sorted(
        a.id for a in startup
    )
    assert manifest["institutions"] == [{"budget": 40_000_000, "code": "AAA"}, {"budget": 20_000_000, "code": "BBB"}]
    clock.now = redraw.seed_event_at
    track_redraws.run_redraw(staff, objection.id, NEW_SEED)

    after = {
        a.id: (a.application_id, a.institution_id, a.status)
        for a in _allocations(round_)
        if a.application.track.kind == "general"
    }
    assert after == general_rows
    assert all(a.status != "active" or a.valid_from == clock.now.date() or True for a in _allocations(round_))
    outcome = draws.verify_draw(round_.code)
    assert outcome.matches, outcome.details
    done = _check(tmp_path, redraw.manifest_json, redraw.result_json, redraw.manifest_sha256)
    assert done.returncode == 0 and done.stdout.startswith("MATCH"), done.stdout


def test_a_withdrawal_between_the_freeze_and_the_draw_is_settled_by_the_rules(app, make, clock):
    round_, staff, owner, low = _published(make, clock)
    objection = _upheld(staff, owner, low)
    redraw = _freeze(staff, objection, clock)
    leaving = next(a for a in round_.applications if a.status == "selected")
    apps.withdraw(owner[leaving.company_id], leaving.id, "Plans changed")
    clock.now = redraw.seed_event_at
    track_redraws.run_redraw(staff, objection.id, NEW_SEED)
    assert leaving.status == "withdrawn"
    assert all(a.application_id != leaving.id for a in _allocations(round_) if a.status == "active")
    outcome = draws.verify_draw(round_.code)
    assert outcome.matches, outcome.details


def test_a_new_draw_is_refused_with_a_reason_and_changes_nothing(app, make, clock):
    round_, staff, owner, low = _published(make, clock)
    objection = objections.file_objection(owner[low.company_id], low.id, "Scored wrongly", [], max_bytes=10)
    with pytest.raises(ObjectionRefused, match="Only an upheld objection"):
        _freeze(staff, objection, clock)
    objections.decide(staff, objection.id, True, "ok")
    with pytest.raises(ObjectionRefused, match="would still not be in the pool"):
        _freeze(staff, objection, clock, scores=(20, 20, 20))
    with pytest.raises(ScoreError):
        _freeze(staff, objection, clock, scores=(99, 20, 20))
    with pytest.raises(SeedEventError, match="already happened"):
        _freeze(staff, objection, clock, hours=-1)
    assert low.score_innovation == 10 and objection.state == "upheld"
    assert redraw_results.redraws_of(round_.id) == []
    redraw = _freeze(staff, objection, clock)
    with pytest.raises(ObjectionRefused, match="already been recorded"):
        _freeze(staff, objection, clock)
    assert redraw.state == "frozen"


def test_an_order_on_the_track_refuses_a_new_draw_and_its_draw(app, make, clock):
    from marketplace.models import Order
    from tests.builders_orders import OrderBuilders

    round_, staff, owner, low = _published(make, clock)
    objection = _upheld(staff, owner, low)
    allocation = next(a for a in _allocations(round_) if a.status == "active")
    buyer = make.user("buyer", institution=allocation.institution)
    mou = OrderBuilders(make).mou(allocation.institution, actor=staff)
    order = Order(
        number="PO-2018-000001",
        institution_id=allocation.institution_id,
        mou_id=mou.id,
        buyer_id=buyer.id,
        product_id=allocation.application.product_id,
        allocation_id=allocation.id,
        certificate_id=allocation.application.product.certificates[0].id,
        quantity=1,
        unit_price_krw=1_000_000,
        amount_krw=1_000_000,
        contract_method="private_contract",
        ordered_on=date(2018, 9, 25),
        quota_before_krw=100_000_000,
        allocation_before_krw=allocation.amount_krw,
    )
    db.session.add(order)
    db.session.commit()
    with pytest.raises(ObjectionRefused, match="1 orders that are not cancelled"):
        _freeze(staff, objection, clock)
    assert redraw_results.redraws_of(round_.id) == [] and objection.state == "upheld"
    order.status = "cancelled"
    db.session.commit()
    redraw = _freeze(staff, objection, clock)
    order.status = "placed"  # recorded anyway while the new draw waited (orders are held: see the unit test)
    db.session.commit()
    clock.now = redraw.seed_event_at
    with pytest.raises(ObjectionRefused, match="orders that are not cancelled"):
        track_redraws.run_redraw(staff, objection.id, NEW_SEED)
    assert redraw.state == "frozen" and allocation.status == "active"


def test_only_one_new_draw_of_a_round_waits_at_a_time(app, make, clock):
    round_, staff, owner, low = _published(make, clock, count=5)
    objection = _upheld(staff, owner, low)
    _freeze(staff, objection, clock)
    waiting = next(a for a in round_.applications if a.status == "waitlisted")
    second = _upheld(staff, owner, waiting)
    with pytest.raises(ObjectionRefused, match="Another new draw"):
        _freeze(staff, second, clock, scores=None)
    assert second.state == "upheld"


def test_changes_after_a_new_draw_rest_on_it_and_verify_replays_them(app, make, clock):
    round_, staff, owner, low = _published(make, clock)
    objection = _upheld(staff, owner, low)
    redraw = _freeze(staff, objection, clock)
    clock.now = redraw.seed_event_at
    track_redraws.run_redraw(staff, objection.id, NEW_SEED)
    result = json.loads(redraw.result_json)
    first, waiting = result["selected"][0]["id"], result["waitlist"][0]
    leaving = next(a for a in round_.applications if a.id == first)
    apps.withdraw(owner[leaving.company_id], leaving.id, "Plans changed")  # its budget goes to the new waitlist
    promoted = next(a for a in round_.applications if a.id == waiting)
    assert promoted.status == "selected"
    assert [a.via_waitlist for a in _allocations(round_) if a.application_id == waiting] == [True]
    outcome = draws.verify_draw(round_.code)
    assert outcome.matches, outcome.details

    redraw.result_json = redraw.result_json.replace(NEW_SEED, "00 00 00 00 00 00")  # tampered with
    db.session.commit()
    outcome = draws.verify_draw(round_.code)
    assert not outcome.matches and "new draw for objection 1: seed" in " ".join(outcome.details)


def test_a_second_new_draw_rests_on_the_first_and_verify_replays_both(app, make, clock, tmp_path):
    round_, staff, owner, low = _published(make, clock)
    first = _upheld(staff, owner, low)
    redraw = _freeze(staff, first, clock)
    clock.now = redraw.seed_event_at
    track_redraws.run_redraw(staff, first.id, NEW_SEED)
    waiting = next(a for a in round_.applications if a.status == "waitlisted")
    second = _upheld(staff, owner, waiting)
    again = _freeze(staff, second, clock, scores=None)
    assert low.id in {a["id"] for a in json.loads(again.manifest_json)["applications"]}  # taken in by the first
    clock.now = again.seed_event_at
    track_redraws.run_redraw(staff, second.id, "01 02 03 04 05 06 + 7")
    assert (first.result_version, second.result_version) == (2, 3)
    outcome = draws.verify_draw(round_.code)
    assert outcome.matches, outcome.details
    versions = json.loads(objection_remedies.versioned_result_json(round_))["result_changes"]
    assert [c["version"] for c in versions] == [2, 3]
    done = _check(tmp_path, again.manifest_json, again.result_json, again.manifest_sha256)
    assert done.returncode == 0 and done.stdout.startswith("MATCH"), done.stdout
