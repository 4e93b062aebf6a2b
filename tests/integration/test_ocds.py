"""Open data: each change of a round publishes an OCDS release; packages and records validate (1.1.5)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import Allocation, OcdsRelease, Round
from marketplace.services import allocations, committee, draws, follow_ons, orders
from marketplace.services.ocds_lots import LOTS_EXTENSION
from tests.builders_allocations import MILLION, build
from tests.builders_orders import OrderBuilders
from tests.builders_outcomes import build_outcomes
from tests.builders_rounds import RoundBuilders
from tests.integration.test_committee import closed_round, declared_score, member
from tests.ocds_schema import codes_outside_codelists, errors


def get_json(client, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.get_data(as_text=True)[:500])
    return json.loads(response.get_data(as_text=True))


def every_release_page(client) -> list[dict]:
    releases, url = [], "/ocds/releases.json"
    while url:
        package = get_json(client, url)
        assert errors(package, "release") == []
        releases += package["releases"]
        url = package.get("links", {}).get("next", "").replace("http://localhost", "")
    return releases


@pytest.fixture
def demo(demo_app):
    """A client of an app on a copy of the seeded demo."""
    return demo_app.test_client()


def test_the_demo_publishes_valid_release_and_record_packages_with_codes_from_the_codelists(demo):
    client = demo
    releases = every_release_page(client)
    assert len(releases) == db.session.scalar(select(func.count(OcdsRelease.id)))
    assert len({r["id"] for r in releases}) == len(releases)
    assert [c for r in releases for c in codes_outside_codelists(r)] == []
    tags = {t for r in releases for t in r["tag"]}
    assert {"tender", "tenderUpdate", "award", "contract", "contractUpdate"} <= tags

    records = get_json(client, "/ocds/records.json")
    assert errors(records, "record") == []
    record = records["records"][0]
    compiled = record["compiledRelease"]
    assert compiled["tender"]["status"] == "complete" and compiled["awards"] and compiled["contracts"]
    award_ids = {a["id"] for a in compiled["awards"]}
    assert all(c["awardID"] in award_ids for c in compiled["contracts"])
    assert all(c["value"]["currency"] == "KRW" and c["value"]["amount"] > 0 for c in compiled["contracts"])

    one = get_json(client, f"/ocds/records/{record['ocid']}.json")
    assert errors(one, "record") == [] and one["records"][0]["ocid"] == record["ocid"]


def test_a_year_of_releases_streams_as_one_valid_package(demo):
    client = demo
    years = sorted({r["date"][:4] for r in every_release_page(client)})
    for year in years:
        response = client.get(f"/ocds/bulk/{year}.json")
        assert response.status_code == 200 and "Content-Length" not in response.headers  # streamed
        package = json.loads(response.get_data(as_text=True))
        assert errors(package, "release") == [] and all(r["date"].startswith(year) for r in package["releases"])
    assert client.get("/ocds/bulk/2001.json").status_code == 404
    page = client.get("/open-data").get_data(as_text=True)
    assert [y for y in years if f"/ocds/bulk/{y}.json" not in page] == []  # the page offers every year's file


def test_moves_refills_and_cancellations_are_later_releases_that_the_record_compiles(app, make, client, today):
    world = build(make)
    ob = OrderBuilders(make)
    order = ob.order(world.buyers["AAA"], world.s1, world.mous["AAA"], quantity=5)
    orders.cancel(world.buyers["AAA"], order.id, "Wrong product")
    moved = allocations.move(world.staff, world.s1.id, world.bbb.id, "AAA's need moved to BBB")
    refilled = allocations.refill(world.staff, world.s2.id, "W fits at AAA now")
    kept = ob.order(world.buyers["BBB"], moved, world.mous["BBB"], quantity=2)

    package = get_json(client, "/ocds/records.json")
    assert errors(package, "record") == []
    (record,) = package["records"]
    tags = [r["tag"] for r in record["releases"]]
    assert tags == [["tender", "contract"], ["contractTermination"], ["awardUpdate"], ["awardUpdate"], ["contract"]]
    compiled = record["compiledRelease"]
    awards = {a["id"]: a for a in compiled["awards"]}
    assert awards[f"A{world.s1.id}"]["status"] == "cancelled"
    assert awards[f"A{moved.id}"]["status"] == "active" and awards[f"A{moved.id}"]["value"]["amount"] == 50 * MILLION
    assert (
        awards[f"A{refilled.id}"]["status"] == "active" and awards[f"A{refilled.id}"]["value"]["amount"] == 60 * MILLION
    )
    contracts = {c["id"]: c for c in compiled["contracts"]}
    assert contracts[f"C{order.id}"]["status"] == "terminated"
    assert contracts[f"C{kept.id}"]["status"] == "active" and contracts[f"C{kept.id}"]["awardID"] == f"A{moved.id}"
    assert contracts[f"C{kept.id}"]["dateSigned"].startswith(today.isoformat())


def test_a_refused_change_publishes_nothing(app, make):
    world = build(make)
    before = db.session.scalar(select(func.count(OcdsRelease.id)))
    with pytest.raises(Exception, match="reason|Enter"):
        allocations.move(world.staff, world.s1.id, world.bbb.id, "")
    assert db.session.scalar(select(func.count(OcdsRelease.id))) == before


@pytest.mark.parametrize(
    "query",
    ["since=yesterday", "since=2026-01-01T00:00:00", "cursor=-1", "cursor=" + "9" * 5000, "since=" + "2" * 5000],
)
def test_bad_paging_input_is_a_problem_in_the_users_language_not_a_500(app, client, query):
    response = client.get(f"/ocds/releases.json?{query}", headers={"Accept-Language": "ko"})
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert "since" in response.get_json()["detail"]


def test_an_unknown_ocid_or_an_empty_page_is_a_404(app, client):
    assert client.get("/ocds/records/ocds-pp0000-NOPE.json").status_code == 404
    assert client.get("/ocds/releases.json").status_code == 404
    assert client.get("/open-data").status_code == 200


def test_rounds_from_before_releases_were_kept_get_one_release_as_they_stand(app, make, client, runner):
    world = build(make)
    order = OrderBuilders(make).order(world.buyers["AAA"], world.s1, world.mous["AAA"], quantity=3)
    db.session.execute(OcdsRelease.__table__.delete())  # as if written before the release table existed
    db.session.commit()
    assert "1 round(s)" in runner.invoke(args=["ocds", "backfill"]).output
    assert "0 round(s)" in runner.invoke(args=["ocds", "backfill"]).output  # safe to run again
    package = get_json(client, "/ocds/records.json")
    assert errors(package, "record") == []
    (release,) = package["records"][0]["releases"]
    assert release["tag"] == ["tender", "award", "contract"]
    assert {c["id"] for c in release["contracts"]} == {f"C{order.id}"}
    assert f"A{world.s1.id}" in {a["id"] for a in release["awards"]}


def test_committee_objection_follow_on_and_corrective_action_are_published_and_the_record_validates(app, make, client):
    done = build_outcomes(make)
    world, digest, objection, bought, rejected = done.world, done.digest, done.objection, done.bought, done.rejected
    reinstated = db.session.get(Allocation, objection.allocation_id)

    package = get_json(client, "/ocds/records.json")
    assert errors(package, "record") == []
    (record,) = package["records"]
    assert [c for r in record["releases"] for c in codes_outside_codelists(r)] == []
    assert ["tenderUpdate", "awardUpdate"] in [r["tag"] for r in record["releases"]]  # the new result version
    compiled = record["compiledRelease"]
    assert codes_outside_codelists(compiled) == []
    documents = {d["id"]: d for d in compiled["tender"]["documents"]}
    minutes = documents["committee-minutes"]
    assert digest in minutes["description"] and minutes["datePublished"] and "url" not in minutes
    assert documents["result-v2"]["url"].endswith(f"/rounds/{world.round.code}/result-v2.json")
    (milestone,) = compiled["tender"]["milestones"]
    assert milestone["id"] == f"objection-{objection.number}" and milestone["type"] == "assessment"
    assert "Upheld" in milestone["description"] and "result version 2" in milestone["description"]
    text = json.dumps(record, ensure_ascii=False)
    assert "AAA had room" not in text and "평가위원" not in text  # the applicant's reasons and evaluators stay private
    assert "scratched casing" not in text  # the buyer's note stays private
    awards = {a["id"]: a for a in compiled["awards"]}
    assert awards[f"A{reinstated.id}"]["status"] == "active"
    contracts = {c["id"]: c for c in compiled["contracts"]}
    (related,) = contracts[f"C{bought.id}"]["relatedProcesses"]
    assert (
        related
        == {
            "id": f"F{done.purchase.id}",
            "relationship": ["renewalProcess"],
            "title": related["title"],
        }
        and "KRW 3,000,000" in related["title"]
    )
    milestones = {m["id"]: m for m in contracts[f"C{rejected.id}"]["implementation"]["milestones"]}
    corrective = milestones[f"corrective-action-{done.action.number}"]
    assert corrective["status"] == "scheduled" and corrective["type"] == "reporting"

    follow_ons.cancel_follow_on(world.buyers["BBB"], done.purchase.id, "recorded twice")
    compiled = get_json(client, "/ocds/records.json")["records"][0]["compiledRelease"]
    contracts = {c["id"]: c for c in compiled["contracts"]}
    assert contracts[f"C{bought.id}"]["relatedProcesses"][0]["title"].endswith("(cancelled by the buyer)")


def test_finalising_a_committees_scores_publishes_the_minutes_hash_but_no_evaluator(app, make, client):
    rounds, staff = RoundBuilders(make), make.user("ministry")
    round_, (application,) = closed_round(rounds, 1, pass_mark=70)
    members = [member(make, staff, round_, f"Evaluator{n}") for n in range(3)]
    for user in members:
        declared_score(user, application, (30, 25, 20), ("very new", "", ""))
    committee.finalise_scores(staff, round_.code)

    package = get_json(client, "/ocds/records.json")
    assert errors(package, "record") == []
    (record,) = package["records"]
    assert record["releases"][-1]["tag"] == ["tender", "tenderUpdate"]  # its first release states the tender too
    (minutes,) = [d for d in record["compiledRelease"]["tender"]["documents"] if d["id"] == "committee-minutes"]
    stored = db.session.get(Round, round_.id)
    assert stored.minutes_sha256 in minutes["description"] and minutes["documentType"] == "evaluationReports"
    text = json.dumps(record, ensure_ascii=False)
    assert "Evaluator" not in text and "very new" not in text  # evaluators and their comments stay out


def test_a_rounds_tracks_are_its_tenders_lots_and_each_award_names_its_lot(app, make, client, monkeypatch):
    from tests.builders_rounds import Clock
    from tests.integration.test_tracks import OPENS, _drawn

    round_, staff = _drawn(make, RoundBuilders(make), Clock(monkeypatch, OPENS))
    draws.publish_round(staff, round_.code)
    package = get_json(client, "/ocds/records.json")
    assert errors(package, "record") == [] and LOTS_EXTENSION in package["extensions"]
    (record,) = package["records"]
    assert [c for r in record["releases"] for c in codes_outside_codelists(r)] == []
    compiled = record["compiledRelease"]
    startup, general = compiled["tender"]["lots"]
    assert (startup["id"], startup["title_en"], startup["value"]) == (
        "startup",
        "Startup track",
        {"amount": 60 * MILLION, "currency": "KRW"},
    )
    assert (
        startup["title"] == "창업과제"
        and "KRW 60,000,000" in startup["description"]
        and "40%" in startup["description"]
    )
    assert (general["id"], general["value"]["amount"]) == ("general", 90 * MILLION)
    tracks = {f"A{a.id}": a.application.track.kind for a in db.session.scalars(select(Allocation))}
    assert {a["id"]: a["relatedLots"] for a in compiled["awards"]} == {k: [v] for k, v in tracks.items()}
    assert errors(get_json(client, "/ocds/releases.json"), "release") == []


def test_backfill_states_the_later_parts_of_a_round_from_before_releases_were_kept(app, make, client, runner):
    done = build_outcomes(make)
    db.session.execute(OcdsRelease.__table__.delete())
    db.session.commit()
    assert "1 round(s)" in runner.invoke(args=["ocds", "backfill"]).output
    assert "0 round(s)" in runner.invoke(args=["ocds", "backfill"]).output
    package = get_json(client, "/ocds/records.json")
    assert errors(package, "record") == []
    (release,) = package["records"][0]["releases"]
    assert codes_outside_codelists(release) == []
    documents = {d["id"] for d in release["tender"]["documents"]}
    assert {"committee-minutes", "result-v2"} <= documents
    assert [m["id"] for m in release["tender"]["milestones"]] == [f"objection-{done.objection.number}"]
    contracts = {c["id"]: c for c in release["contracts"]}
    assert contracts[f"C{done.bought.id}"]["relatedProcesses"][0]["id"] == f"F{done.purchase.id}"
    milestones = {m["id"] for m in contracts[f"C{done.rejected.id}"]["implementation"]["milestones"]}
    assert {"delivery", "inspection", f"corrective-action-{done.action.number}"} <= milestones


def test_backfill_adds_what_a_rounds_releases_lack_once(app, make, client, runner):
    from tests.integration.test_reports_tracks import with_tracks

    world = build(make)
    OrderBuilders(make).order(world.buyers["AAA"], world.s1, world.mous["AAA"], quantity=3)
    with_tracks(world)  # as if the round's tracks were kept before they were published
    minutes = finalise_minutes_quietly(world)
    assert "1 round(s)" in runner.invoke(args=["ocds", "backfill"]).output
    assert "0 round(s)" in runner.invoke(args=["ocds", "backfill"]).output
    package = get_json(client, "/ocds/records.json")
    assert errors(package, "record") == []
    releases = package["records"][0]["releases"]
    assert releases[-1]["tag"] == ["tenderUpdate", "awardUpdate"]
    compiled = package["records"][0]["compiledRelease"]
    assert [lot["id"] for lot in compiled["tender"]["lots"]] == ["startup", "general"]
    assert minutes in {d["id"]: d.get("description", "") for d in compiled["tender"]["documents"]}["committee-minutes"]
    awards = {a["id"]: a for a in compiled["awards"]}
    assert (
        awards[f"A{world.s1.id}"]["relatedLots"] == ["startup"] and awards[f"A{world.s2.id}"]["status"] == "cancelled"
    )


def finalise_minutes_quietly(world) -> str:
    """The committee's minutes stored without their event: as if finalised before they were published."""
    from marketplace.domain.hashing import canonical_json, sha256_hex

    round_ = world.round
    round_.minutes_json = canonical_json({"members": [], "applications": []})
    round_.minutes_sha256 = sha256_hex(round_.minutes_json)
    round_.scores_finalised_at = round_.closed_at or round_.created_at
    db.session.commit()
    return round_.minutes_sha256
