"""The pages of a new draw of a track: staff record it on the upheld objection's page with a new public seed
event, the round's page publishes its manifest before the event, staff enter the seed after it, and the new
result version and the new draw's files are published; in Korean and English, bad input refused with 400."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.domain.clock import SEOUL
from marketplace.extensions import db
from marketplace.models import Allocation, AuditEvent, OcdsRelease, TrackRedraw
from tests.builders_allocations import build
from tests.builders_rounds import Clock
from tests.functional.test_objections import EN, KO, _decide, _file_ok
from tests.functional.test_one_time_keys import rendered_form
from tests.ocds_schema import errors

SEED = "03 11 24 30 38 45 + 9"


@pytest.fixture
def world(app, make):
    return build(make, published_days_ago=2)


@pytest.fixture
def clock(app, monkeypatch, world):
    return Clock(monkeypatch, world.round.draw.published_at + timedelta(days=1))


def _event(clock, hours=48):
    at = (clock.now + timedelta(hours=hours)).astimezone(SEOUL)
    return {
        "seed_event_ko": "로또 6/45 제900회 추첨",
        "seed_event_en": "Lotto 6/45 draw no. 900",
        "seed_event_on": at.date().isoformat(),
        "seed_event_time": at.strftime("%H:%M"),
    }


def _redraw_remedy(client, objection, clock, **overrides):
    data = {"remedy": "redrawn", "note": "The waitlist was applied wrongly: the pool is drawn again.", **_event(clock)}
    return client.post(f"/ministry/objections/{objection.id}/remedy", data={**data, **overrides}, headers=EN)


def _upheld(client, auth, world):
    objection = _file_ok(client, auth, world, world.w)
    auth.login(world.staff)
    assert _decide(client, objection, decision="upheld", reason="The waitlist was misapplied.").status_code == 302
    return objection


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"innovation": "9" * 5000, "capability": "20", "need": "20"}, ""),
        ({"innovation": "30"}, "Enter the three corrected scores."),
        ({"seed_event_on": "", "seed_event_time": ""}, "Enter the date and time of the new seed event"),
        ({"seed_event_ko": ""}, "Describe the seed event in Korean and in English."),
        ({"seed_event_on": "2018-02-30"}, ""),
        ({"seed_event_en": "x" * 501}, "at most 500 characters"),
    ],
)
def test_bad_input_is_refused_with_400_and_nothing_is_frozen(client, auth, world, clock, overrides, message):
    objection = _upheld(client, auth, world)
    refused = _redraw_remedy(client, objection, clock, **overrides)
    assert refused.status_code == 400 and message in refused.get_data(as_text=True)
    assert db.session.scalars(select(TrackRedraw)).all() == [] and objection.state == "upheld"


def test_an_event_that_has_already_happened_is_refused(client, auth, world, clock):
    objection = _upheld(client, auth, world)
    refused = _redraw_remedy(client, objection, clock, **_event(clock, hours=-2))
    assert refused.status_code == 400 and "has already happened" in refused.get_data(as_text=True)
    assert db.session.scalars(select(TrackRedraw)).all() == []


def test_staff_freeze_publish_and_run_a_new_draw_once(client, auth, world, clock):
    objection = _upheld(client, auth, world)
    page = f"/ministry/objections/{objection.id}"
    form = rendered_form(client, page, f"{page}/remedy", **_redraw_remedy_fields(clock))
    assert client.post(f"{page}/remedy", data=form, headers=EN).status_code == 302
    assert client.post(f"{page}/remedy", data=form, headers=EN).status_code == 303  # the same key again
    redraw = db.session.scalars(select(TrackRedraw)).one()
    assert objection.remedy_kind == "redrawn" and redraw.state == "frozen"
    detail = client.get(page, headers=EN).get_data(as_text=True)
    assert "New draw of the track" in detail and redraw.manifest_sha256 in detail and "Run the new draw" not in detail

    too_early = client.post(f"{page}/redraw", data={"seed": SEED}, headers=EN)
    assert too_early.status_code == 400 and "only after that event" in too_early.get_data(as_text=True)
    auth.logout()
    auth.login(world.buyers["AAA"])
    held = client.get(f"/buyer/purchase/{world.s1.id}", headers=EN)
    assert held.status_code == 404 and "orders on the track wait until it has run" in held.get_data(as_text=True)
    auth.logout()
    code = world.round.code
    assert client.get(f"/rounds/{code}/redraws/1/manifest.json").data.decode() == redraw.manifest_json
    assert client.get(f"/rounds/{code}/redraws/1/result.json").status_code == 404
    assert client.get(f"/rounds/{code}/redraws/2/manifest.json").status_code == 404
    for headers, words in (
        (EN, ("New draws of a track", "Lotto 6/45 draw no. 900")),
        (KO, ("과제 재추첨", "로또 6/45")),
    ):
        public = client.get(f"/rounds/{code}", headers=headers).get_data(as_text=True)
        assert all(w in public for w in words) and redraw.manifest_sha256 in public

    clock.now = redraw.seed_event_at
    auth.login(world.staff)
    blank = client.post(f"{page}/redraw", data={"seed": "  "}, headers=EN)
    assert blank.status_code == 400 and "Enter the seed" in blank.get_data(as_text=True)
    seed_form = rendered_form(client, page, f"{page}/redraw", seed=SEED)
    assert client.post(f"{page}/redraw", data=seed_form, headers=EN).status_code == 302
    assert client.post(f"{page}/redraw", data=seed_form, headers=EN).status_code == 303
    again = client.post(f"{page}/redraw", data={"seed": "another"}, headers=EN)
    assert again.status_code == 400 and "no second draw" in again.get_data(as_text=True)
    assert redraw.seed == SEED and redraw.result_version == 2
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "TrackRedraw").order_by(AuditEvent.seq)
    ).all()
    assert actions == ["objection.redraw_frozen", "objection.redrawn"]  # each step once
    assert world.s1.status == "superseded"
    active = db.session.scalars(select(Allocation).where(Allocation.status == "active")).all()
    drawn = json.loads(redraw.result_json)
    assert {a.application_id for a in active} == {s["id"] for s in drawn["selected"]}
    assert world.w.status == ("selected" if world.w.id in {s["id"] for s in drawn["selected"]} else "waitlisted")
    assert "Run the new draw" not in client.get(page, headers=KO).get_data(as_text=True)
    auth.logout()
    auth.login(world.buyers["AAA"])
    ended = client.get(f"/buyer/purchase/{world.s1.id}", headers=KO)
    assert ended.status_code == 404 and "과제를 재추첨했습니다" in ended.get_data(as_text=True)
    auth.logout()

    result = client.get(f"/rounds/{code}/redraws/1/result.json")
    assert result.status_code == 200 and json.loads(result.data)["seed"] == SEED
    latest = json.loads(client.get(f"/rounds/{code}/result-v2.json").data)
    assert latest["result_changes"][0]["remedy"] == "redrawn"
    assert latest["result_changes"][0]["result"] == json.loads(result.data)
    public = client.get(f"/rounds/{code}", headers=EN).get_data(as_text=True)
    assert SEED in public and f"/rounds/{code}/result-v2.json" in public

    package = json.loads(client.get("/ocds/releases.json").data)
    assert errors(package, "release") == []
    release = db.session.scalars(select(OcdsRelease).order_by(OcdsRelease.id.desc())).first().data
    assert {"id": f"A{world.s1.id}", "status": "cancelled"} in release["awards"]
    assert {a["id"] for a in release["awards"] if a.get("status") != "cancelled"} == {f"A{a.id}" for a in active}
    assert release["tender"]["documents"][0]["url"].endswith(f"/rounds/{code}/result-v2.json")


def _redraw_remedy_fields(clock) -> dict:
    return {"remedy": "redrawn", "note": "Drawn again.", **_event(clock)}


def test_a_seed_for_an_objection_without_a_new_draw_is_refused_and_unknown_ids_are_404(client, auth, world, clock):
    objection = _upheld(client, auth, world)
    refused = client.post(f"/ministry/objections/{objection.id}/redraw", data={"seed": SEED}, headers=KO)
    assert refused.status_code == 400 and "기록된 재추첨이 없습니다" in refused.get_data(as_text=True)
    assert client.post("/ministry/objections/987654321/redraw", data={"seed": SEED}).status_code == 404
    auth.logout()
    code = world.round.code
    assert client.get(f"/rounds/{code}/redraws/1/manifest.json").status_code == 404
    assert client.get("/rounds/NO-SUCH/redraws/1/result.json").status_code == 404
