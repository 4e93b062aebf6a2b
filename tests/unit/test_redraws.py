"""A new draw of one track: its manifest is the track's part of the round's, and its result takes the
track's place in the round's result (domain/redraws.py)."""

from __future__ import annotations

import pytest

from marketplace.domain import redraws
from marketplace.domain.draw import track_manifest
from marketplace.domain.selection import Manifest, PoolApplication, PoolInstitution, PoolTrack, run_draw

SEED = "07 12 19 28 33 41"


def _tracked() -> Manifest:
    apps = [PoolApplication(n, 1 + n % 3, 20_000_000, (), "startup" if n <= 4 else "general") for n in range(1, 9)]
    institutions = (PoolInstitution("AAA", 100_000_000), PoolInstitution("BBB", 50_000_000))
    tracks = (
        PoolTrack("startup", (PoolInstitution("AAA", 40_000_000), PoolInstitution("BBB", 20_000_000))),
        PoolTrack("general", (PoolInstitution("AAA", 60_000_000), PoolInstitution("BBB", 30_000_000))),
    )
    return Manifest("2018-H2", "pp-draw-2", institutions, tuple(apps), tracks)


def test_the_new_manifest_is_the_tracks_part_with_the_added_application_and_no_tracks():
    manifest = _tracked()
    added = PoolApplication(99, 2, 20_000_000)
    new = redraws.redraw_manifest(manifest, "startup", {1, 2, 4}, added)
    assert [a.id for a in new.applications] == [1, 2, 4, 99] and not new.tracks
    assert new.institutions == manifest.tracks[0].institutions
    assert redraws.manifest_differences(manifest, "startup", new, 99) == []
    assert redraws.manifest_differences(manifest, "startup", new, None) == [
        "application 99 of the new draw is not the track's application 99"
    ]
    assert redraws.manifest_differences(manifest, "general", new, 99)  # another track's budgets and pool


def test_a_new_draw_needs_a_known_track_and_someone_to_draw():
    manifest = _tracked()
    with pytest.raises(redraws.RedrawError, match="no track"):
        redraws.redraw_manifest(manifest, "small", {1}, None)
    with pytest.raises(redraws.RedrawError, match="no application"):
        redraws.redraw_manifest(manifest, "startup", set(), None)


def test_the_new_result_takes_the_tracks_place_and_leaves_the_other_track_as_drawn():
    manifest = _tracked()
    drawn = run_draw(manifest, SEED)
    added = PoolApplication(99, 2, 20_000_000)
    new = redraws.redraw_manifest(manifest, "startup", {1, 2, 3, 4}, added)
    result = run_draw(new, "another seed")
    now = redraws.with_application(manifest, added, "startup")
    spliced = redraws.spliced(now, drawn, {1, 2, 3, 4, 99}, result)
    general = {5, 6, 7, 8}
    assert [a for a in spliced.selected if a.app_id in general] == [a for a in drawn.selected if a.app_id in general]
    assert [a for a in spliced.selected if a.app_id not in general] == list(result.selected)
    assert spliced.waitlist[: len(result.waitlist)] == result.waitlist  # the startup track comes first
    assert sum(spliced.remaining.values()) + sum(a.amount for a in spliced.selected) == 150_000_000
    own = track_manifest(now, now.tracks[0])
    assert sorted(a.id for a in own.applications) == [1, 2, 3, 4, 99]


def test_a_withdrawal_after_the_freeze_is_refilled_from_the_new_waitlist():
    manifest = Manifest(
        "2018-H2",
        "pp-draw-2",
        (PoolInstitution("AAA", 40_000_000),),
        tuple(PoolApplication(n, 1, 20_000_000) for n in range(1, 5)),
    )
    result = run_draw(manifest, SEED)
    leaving, waiting = result.selected[0].app_id, result.waitlist[0]
    settled, promoted = redraws.settle_withdrawals(manifest, result, [leaving, result.waitlist[1]])
    assert [a.app_id for a in promoted] == [waiting]
    assert leaving not in {a.app_id for a in settled.selected} and settled.waitlist == ()
