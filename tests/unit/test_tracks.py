"""Tracks: who qualifies (7 years to the day, 29 February, the record threshold), shares, caps, and the
per-track draw, re-run by the public checker."""

import hashlib
import json
import runpy
from datetime import date
from pathlib import Path

import pytest

from marketplace.domain.eligibility import WeightTiers
from marketplace.domain.selection import (
    EXACT_RULE,
    MalformedManifestError,
    Manifest,
    PoolApplication,
    PoolInstitution,
    PoolTrack,
    manifest_from_json,
    manifest_json,
    result_json,
    run_draw,
)
from marketplace.domain.states import TrackKind
from marketplace.domain.tracks import TrackError, TrackRules, check_cap, check_tracks, qualification, split_budgets

SCRIPT = Path(__file__).resolve().parents[2] / "static" / "tools" / "check_draw.py"
checker = runpy.run_path(str(SCRIPT))
TIERS = WeightTiers()


def startup(founded: date, close: date):
    return qualification(
        TrackKind.STARTUP, founded_on=founded, close_day=close, public_supply_krw=0, record_limit_krw=None
    )


def general(record: int, limit: int):
    return qualification(
        TrackKind.GENERAL,
        founded_on=date(2000, 1, 1),
        close_day=date(2026, 12, 21),
        public_supply_krw=record,
        record_limit_krw=limit,
    )


def test_startup_track_takes_a_company_founded_seven_years_before_the_close_to_the_day():
    within = startup(date(2019, 12, 21), date(2026, 12, 21))
    assert within.qualifies and within.reason == "startup_within"
    assert within.params["founded"] == "2019-12-21" and within.params["close"] == "2026-12-21"
    older = startup(date(2019, 12, 20), date(2026, 12, 21))
    assert not older.qualifies and older.reason == "startup_too_old" and older.params["limit"] == "2019-12-21"


def test_startup_track_on_29_february_counts_from_28_february():
    assert startup(date(2021, 2, 28), date(2028, 2, 29)).qualifies
    refused = startup(date(2021, 2, 27), date(2028, 2, 29))
    assert not refused.qualifies and refused.params["limit"] == "2021-02-28"


def test_general_track_takes_a_record_under_the_threshold_only():
    assert general(999_999_999, 1_000_000_000).qualifies
    at = general(1_000_000_000, 1_000_000_000)
    assert not at.qualifies and at.reason == "record_not_under"
    assert not general(1_000_000_001, 1_000_000_000).qualifies


def test_cap_per_application_allows_the_cap_and_refuses_a_won_more():
    check_cap(20_000_000, 20_000_000)
    with pytest.raises(TrackError):
        check_cap(20_000_001, 20_000_000)


def rules(kind, share, cap=10_000_000, limit=None, tiers=TIERS):
    return TrackRules(kind, share, cap, tiers, limit)


def test_tracks_shares_must_add_up_to_100_and_kinds_be_unique():
    check_tracks([])
    check_tracks([rules(TrackKind.STARTUP, 40), rules(TrackKind.GENERAL, 60, limit=1_000_000_000)])
    check_tracks([rules(TrackKind.STARTUP, 100)])
    bad = [
        [rules(TrackKind.STARTUP, 40), rules(TrackKind.GENERAL, 59, limit=1)],
        [rules(TrackKind.STARTUP, 50), rules(TrackKind.STARTUP, 50)],
        [rules(TrackKind.STARTUP, 0), rules(TrackKind.GENERAL, 100, limit=1)],
        [rules(TrackKind.GENERAL, 100)],  # no threshold
        [rules(TrackKind.STARTUP, 100, limit=5)],
        [rules(TrackKind.STARTUP, 100, cap=0)],
        [rules("unknown", 100)],
    ]
    for tracks in bad:
        with pytest.raises(TrackError):
            check_tracks(tracks)


def test_split_budgets_rounds_down_and_the_last_track_takes_the_rest():
    split = split_budgets({"A": 1_000_001, "B": 3}, [("startup", 30), ("general", 70)])
    assert split == {"startup": {"A": 300_000, "B": 0}, "general": {"A": 700_001, "B": 3}}


def tracked_manifest() -> Manifest:
    apps = [
        PoolApplication(n, 1 + n % 3, 1_000_000 * (1 + n % 4), (), "startup" if n % 2 else "general")
        for n in range(1, 41)
    ]
    split = split_budgets({"A": 20_000_000, "B": 15_000_000}, [("startup", 40), ("general", 60)])
    tracks = tuple(
        PoolTrack(kind, tuple(PoolInstitution(c, b) for c, b in split[kind].items())) for kind in ("startup", "general")
    )
    institutions = (PoolInstitution("A", 20_000_000), PoolInstitution("B", 15_000_000))
    return Manifest("2026-T1", EXACT_RULE, institutions, tuple(apps), tracks)


def test_each_track_is_drawn_on_its_own_budget_and_the_checker_agrees():
    manifest = tracked_manifest()
    result = run_draw(manifest, "seed-42")
    for part in result.tracks:
        own = [a for a in manifest.applications if a.track == part.track]
        budget = {i.code: i.budget for t in manifest.tracks if t.track == part.track for i in t.institutions}
        assert {a.app_id for a in part.selected} | set(part.waitlist) == {a.id for a in own}
        for code, total in budget.items():
            assert sum(a.amount for a in part.selected if a.institution_code == code) + part.remaining[code] == total
    text = manifest_json(manifest)
    assert manifest_from_json(text) == manifest
    published = json.loads(result_json(result))
    assert checker["differences"](text.encode(), published, hashlib.sha256(text.encode()).hexdigest()) == []


def test_the_checker_catches_a_tampered_track():
    manifest = tracked_manifest()
    text = manifest_json(manifest)
    published = json.loads(result_json(run_draw(manifest, "seed-42")))
    published["tracks"][0]["waitlist"] = list(reversed(published["tracks"][0]["waitlist"]))
    assert any("track startup" in line for line in checker["differences"](text.encode(), published))
    data = json.loads(text)
    data["tracks"][0]["institutions"][0]["budget"] += 1
    broken = json.dumps(data).encode()
    assert any("do not add up" in line for line in checker["differences"](broken, published))
    with pytest.raises(MalformedManifestError):
        manifest_from_json(broken)


def test_a_manifest_without_tracks_is_written_as_before():
    manifest = Manifest("2026-T1", EXACT_RULE, (PoolInstitution("A", 5),), (PoolApplication(1, 1, 5),))
    assert "track" not in manifest_json(manifest)
    assert "tracks" not in json.loads(result_json(run_draw(manifest, "s")))


def test_an_application_must_be_in_a_listed_track():
    track = PoolTrack("startup", (PoolInstitution("A", 5),))
    with pytest.raises(MalformedManifestError):
        Manifest(
            "2026-T1", EXACT_RULE, (PoolInstitution("A", 5),), (PoolApplication(1, 1, 5, (), "general"),), (track,)
        )


def test_a_withdrawal_refills_from_the_same_tracks_waitlist_within_its_budget():
    from marketplace.domain.selection import promote_from_waitlist, refill_after_withdrawal, reinstate_from_waitlist

    manifest = tracked_manifest()
    result = run_draw(manifest, "seed-42")
    track_of = {a.id: a.track for a in manifest.applications}
    for part in result.tracks:
        withdrawn = part.selected[0]
        after, promoted = refill_after_withdrawal(manifest, result, withdrawn.app_id)
        assert withdrawn.app_id not in {a.app_id for a in after.selected}
        if promoted is not None:
            assert track_of[promoted.app_id] == part.track and promoted.app_id not in after.waitlist
        budgets = {i.code: i.budget for t in manifest.tracks if t.track == part.track for i in t.institutions}
        for code, total in budgets.items():
            used = sum(
                a.amount for a in after.selected if a.institution_code == code and track_of[a.app_id] == part.track
            )
            assert used <= total
        assert after.remaining == {
            i.code: i.budget - sum(a.amount for a in after.selected if a.institution_code == i.code)
            for i in manifest.institutions
        }
    unchanged, none = promote_from_waitlist(manifest, result)
    assert none is None or track_of[none.app_id] in {"startup", "general"}
    waiting = result.tracks[0].waitlist[0]
    reinstated, allocation = reinstate_from_waitlist(manifest, result, waiting)
    assert allocation is None or track_of[allocation.app_id] == "startup"


def test_rates_are_estimated_track_by_track():
    from marketplace.domain.selection import estimated_selection_rate

    manifest = tracked_manifest()
    rates = estimated_selection_rate(manifest, "seed-42", 20)
    for seed_index in range(20):
        result = run_draw(manifest, f"seed-42#{seed_index}")
        assert all(rates[a.app_id] > 0 for a in result.selected)
    assert set(rates) == {a.id for a in manifest.applications}
