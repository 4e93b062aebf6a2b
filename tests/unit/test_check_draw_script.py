"""The public draw checker (static/tools/check_draw.py): an independent re-run anyone can download.

It is written from the published description and shares no code with marketplace.domain.selection, so
these tests hold the two against each other on arbitrary pools and seeds, and run it as a user would.
"""

import hashlib
import json
import runpy
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from marketplace.domain.selection import (
    EXACT_RULE,
    FLOAT_RULE,
    MalformedManifestError,
    manifest_from_json,
    manifest_json,
    result_json,
    run_draw,
)
from tests.unit.test_selection_properties import manifests, seeds

SCRIPT = Path(__file__).resolve().parents[2] / "static" / "tools" / "check_draw.py"
checker = runpy.run_path(str(SCRIPT))  # as a module namespace, without running main


@settings(max_examples=200, deadline=None)
@given(manifests(), seeds)
def test_the_checker_re_runs_every_draw_exactly_as_the_marketplace_does(manifest, seed):
    published = json.loads(result_json(run_draw(manifest, seed)))
    rerun = checker["draw"](json.loads(manifest_json(manifest)), seed)
    for part in ("order", "selected", "waitlist", "remaining"):
        assert rerun[part] == published[part], part
    assert checker["differences"](manifest_json(manifest).encode(), published) == []


def _files(tmp_path, manifest, seed, tamper=None):
    published = json.loads(result_json(run_draw(manifest, seed)))
    if tamper:
        tamper(published)
    (tmp_path / "m.json").write_text(manifest_json(manifest), encoding="utf-8")
    (tmp_path / "r.json").write_text(json.dumps(published, ensure_ascii=False), encoding="utf-8")
    return [sys.executable, str(SCRIPT), str(tmp_path / "m.json"), str(tmp_path / "r.json")]


def _pool():
    from tests.unit.test_selection import golden_manifest

    return golden_manifest()


def test_run_as_a_script_it_says_match_for_a_published_result(tmp_path):
    manifest = _pool()
    command = _files(tmp_path, manifest, "2018 lotto 07 12 19 28 33 41")
    digest = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["manifest_sha256"]
    done = subprocess.run([*command, digest], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("MATCH: round ")


def test_a_swapped_selection_or_a_wrong_fingerprint_is_a_mismatch(tmp_path):
    manifest = _pool()

    def swap_first_two(result):
        result["order"][0], result["order"][1] = result["order"][1], result["order"][0]

    done = subprocess.run(
        _files(tmp_path, manifest, "seed", swap_first_two), capture_output=True, text=True, check=False
    )
    assert done.returncode == 1 and "MISMATCH" in done.stdout and "order differs: entry 1" in done.stdout
    done = subprocess.run([*_files(tmp_path, manifest, "seed"), "0" * 64], capture_output=True, text=True, check=False)
    assert done.returncode == 1 and "not the published 000" in done.stdout


def test_the_checker_is_served_beside_the_draw_method(client):
    page = client.get("/how-the-draw-works", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "/static/tools/check_draw.py" in page and "flask draw verify" not in page
    response = client.get("/static/tools/check_draw.py")
    assert response.status_code == 200 and b"def draw(manifest, seed):" in response.data


TIMELINE = {
    "rule_published_at": "2018-08-16T09:00:00+09:00",
    "manifest_frozen_at": "2018-09-21T10:00:00+09:00",
    "seed_event": {
        "description_ko": "로또 6/45 제825회 추첨",
        "description_en": "Lotto 6/45 draw no. 825",
        "at": "2018-09-22T20:45:00+09:00",
        "announced_at": "2018-08-16T09:00:00+09:00",
    },
    "drawn_at": "2018-09-24T10:00:00+09:00",
}


def _run(tmp_path, manifest_text, published):
    (tmp_path / "m.json").write_text(manifest_text, encoding="utf-8")
    (tmp_path / "r.json").write_text(json.dumps(published, ensure_ascii=False), encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path / "m.json"), str(tmp_path / "r.json")],
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_checker_refuses_a_manifest_whose_application_prefers_an_institution_it_does_not_list(tmp_path):
    manifest = _pool()
    published = json.loads(result_json(run_draw(manifest, "seed")))
    data = json.loads(manifest_json(manifest))
    data["applications"][0]["preferred"] = ["INST-X"]
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    published["manifest_sha256"] = hashlib.sha256(text.encode()).hexdigest()
    done = _run(tmp_path, text, published)
    assert done.returncode == 1 and "MISMATCH" in done.stdout
    assert "malformed manifest: application 1 prefers institution INST-X" in done.stdout


@settings(max_examples=100, deadline=None)
@given(manifests(), seeds, st.data())
def test_the_checker_and_the_domain_both_refuse_any_preference_outside_the_manifest(manifest, seed, data):
    assume(manifest.applications)
    published = json.loads(result_json(run_draw(manifest, seed)))
    document = json.loads(manifest_json(manifest))
    app = data.draw(st.sampled_from(document["applications"]))
    app["preferred"] = sorted({*app["preferred"], data.draw(st.sampled_from(["ZZ", "a", "B ", "기관"]))})
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    found = checker["differences"](text.encode(), published)
    assert any(f"application {app['id']} prefers institution" in line for line in found)
    with pytest.raises(MalformedManifestError):
        manifest_from_json(text)


@settings(max_examples=100, deadline=None)
@given(manifests(), seeds)
def test_the_checker_accepts_results_with_a_timeline_under_both_rules(manifest, seed):
    published = json.loads(result_json(run_draw(manifest, seed), TIMELINE))
    assert checker["differences"](manifest_json(manifest).encode(), published) == []


@pytest.mark.parametrize("timeline", [None, TIMELINE], ids=["old-result-without-timeline", "with-timeline"])
@pytest.mark.parametrize("rule", [FLOAT_RULE, EXACT_RULE])
def test_run_as_a_script_it_accepts_old_and_new_result_files_and_prints_the_seed_event(tmp_path, rule, timeline):
    manifest = replace(_pool(), rule=rule)
    done = _run(tmp_path, manifest_json(manifest), json.loads(result_json(run_draw(manifest, "seed"), timeline)))
    assert done.returncode == 0 and done.stdout.startswith("MATCH: round "), done.stdout + done.stderr
    if timeline:
        assert "the seed must be the outcome of: Lotto 6/45 draw no. 825 / 로또 6/45 제825회 추첨" in done.stdout
    else:
        assert "names no seed event" in done.stdout


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"manifest_frozen_at": "2018-09-22T20:45:00+09:00"}, "frozen at 2018-09-22T20:45:00+09:00, not before"),
        ({"drawn_at": "2018-09-22T11:44:59+00:00"}, "draw ran at 2018-09-22T11:44:59+00:00, before the seed event"),
        ({"seed_event": {**TIMELINE["seed_event"], "announced_at": "2018-09-23T09:00:00+09:00"}}, "not before it"),
        ({"seed_event": None}, "names no seed event"),
        ({"drawn_at": "soon"}, "lacks the seed event's, the freeze's or the draw's time"),
    ],
    ids=["frozen-at-the-event", "drawn-a-second-before", "announced-after", "no-event", "unreadable-time"],
)
def test_a_timeline_that_breaks_the_seed_events_order_is_a_mismatch(tmp_path, change, message):
    manifest = _pool()
    done = _run(
        tmp_path, manifest_json(manifest), json.loads(result_json(run_draw(manifest, "seed"), {**TIMELINE, **change}))
    )
    assert done.returncode == 1 and message in done.stdout, done.stdout
