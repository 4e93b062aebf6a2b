"""The reinstatement of an upheld objection is a recorded change on top of the draw: `flask draw verify`
replays it, the public checker still re-runs the original draw from the latest result file, and the round
budget it is charged to is never exceeded."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from marketplace.domain import selection
from marketplace.domain.objections import ObjectionRefused
from marketplace.extensions import db
from marketplace.models import Allocation, AuditEvent
from marketplace.services import allocations, draws, objection_remedies, objections
from marketplace.services import applications as apps
from marketplace.services import rounds as round_service
from tests.builders_rounds import Clock, RoundBuilders, kst
from tests.integration.test_rounds import CLOSES, OPENS, _apply, _certified_product, _supplier

CHECKER = Path(__file__).resolve().parents[2] / "static" / "tools" / "check_draw.py"


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, kst(date(2018, 8, 20), 10))


def _published(make, clock):
    """AAA 100,000,000 and BBB 50,000,000; three applications of 50,000,000 go anywhere, one only to AAA."""
    aaa, bbb = make.institution(code="AAA"), make.institution(code="BBB")
    round_ = RoundBuilders(make).round(
        code="2018-H2", opens_at=OPENS, closes_at=CLOSES, budgets=[(aaa, 100_000_000), (bbb, 50_000_000)]
    )
    staff = make.user("ministry")
    users = [_supplier(make) for _ in range(4)]
    for n, user in enumerate(users):
        _apply(user, round_, _certified_product(make, user.company), preferred=("AAA",) if n == 3 else ())
    clock.now = CLOSES + timedelta(minutes=1)
    round_service.close_round(staff, round_.code)
    for application in round_.applications:
        draws.score_application(staff, round_.code, application.id, 30, 25, 20)
    draws.freeze_pool(staff, round_.code)
    clock.now = round_.seed_event_at
    draws.run_round_draw(staff, round_.code, _seed_leaving_the_aaa_only_application_waiting(round_))
    draws.publish_round(staff, round_.code)
    return round_, staff, {u.company_id: u for u in users}, aaa, bbb


def _seed_leaving_the_aaa_only_application_waiting(round_) -> str:
    """Ids differ between databases (sequences), and so do the keys: pick the first seed that waitlists it."""
    manifest = selection.manifest_from_json(round_.draw.manifest_json)
    only_aaa = next(a.id for a in manifest.applications if a.preferred)
    return next(
        seed
        for seed in (f"{n:02d} 12 19 28 33 41" for n in range(100))
        if only_aaa in selection.run_draw(manifest, seed).waitlist
    )


def _active(application_id):
    return db.session.scalars(
        select(Allocation).where(Allocation.application_id == application_id, Allocation.status == "active")
    ).one_or_none()


def test_a_reinstatement_is_replayed_by_draw_verify_and_the_checker_still_matches(app, make, clock, tmp_path):
    round_, staff, owner, aaa, bbb = _published(make, clock)
    waiting = next(a for a in round_.applications if a.status == "waitlisted")
    assert [i.code for i in waiting.preferred] == ["AAA"]  # the seed leaves the AAA-only application waiting
    at_bbb = db.session.scalars(select(Allocation).where(Allocation.institution_id == bbb.id)).one()
    apps.withdraw(owner[at_bbb.application.company_id], at_bbb.application_id, "Plans changed")
    assert _active(waiting.id) is None  # BBB's freed budget is not among its candidates
    objection = objections.file_objection(owner[waiting.company_id], waiting.id, "AAA had room", [], max_bytes=10)
    objections.decide(staff, objection.id, True, "The waitlist was applied wrongly.")
    with pytest.raises(ObjectionRefused, match="never exceeded"):
        objection_remedies.reinstate(staff, objection.id, "Reinstated")
    at_aaa = db.session.scalars(
        select(Allocation).where(Allocation.institution_id == aaa.id).order_by(Allocation.rank)
    ).first()
    allocations.move(staff, at_aaa.id, bbb.id, "BBB's budget is free")
    objection_remedies.reinstate(staff, objection.id, "Reinstated")
    new = _active(waiting.id)
    assert new.institution_id == aaa.id and new.via_waitlist and objection.result_version == 2
    assert allocations.budgets_left(round_) == {aaa.id: 0, bbb.id: 0}
    outcome = draws.verify_draw(round_.code)
    assert outcome.matches, outcome.details
    cli = app.test_cli_runner().invoke(args=["draw", "verify", round_.code])
    assert cli.exit_code == 0, cli.output

    latest = objection_remedies.versioned_result_json(round_)
    assert json.loads(latest)["result_version"] == 2
    (tmp_path / "m.json").write_text(round_.draw.manifest_json, encoding="utf-8")
    (tmp_path / "r.json").write_text(latest, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(CHECKER), str(tmp_path / "m.json"), str(tmp_path / "r.json"), round_.draw.manifest_sha256],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and done.stdout.startswith("MATCH"), done.stdout

    new.institution_id = bbb.id  # quietly changed in the database: verify names it
    db.session.commit()
    outcome = draws.verify_draw(round_.code)
    assert not outcome.matches and f"allocation of application {waiting.id}" in outcome.details[0]


def test_the_reinstatement_event_names_the_objection_and_the_version(app, make, clock):
    round_, staff, owner, aaa, bbb = _published(make, clock)
    waiting = next(a for a in round_.applications if a.status == "waitlisted")
    objection = objections.file_objection(owner[waiting.company_id], waiting.id, "x", [], max_bytes=10)
    objections.decide(staff, objection.id, True, "ok")
    with pytest.raises(ObjectionRefused):
        objection_remedies.reinstate(staff, objection.id, "no room")
    assert db.session.query(AuditEvent).filter_by(action="objection.reinstated").count() == 0
    assert objection.state == "upheld" and objection_remedies.current_version(round_.id) == 1
