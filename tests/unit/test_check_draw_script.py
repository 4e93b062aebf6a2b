"""The public draw checker (static/tools/check_draw.py): an independent re-run anyone can download.

It is written from the published description and shares no code with marketplace.domain.selection, so
these tests hold the two against each other on arbitrary pools and seeds, and run it as a user would.
"""

import json
import runpy
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings

from marketplace.domain.selection import manifest_json, result_json, run_draw
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

    done = subprocess.run(_files(tmp_path, manifest, "seed", swap_first_two), capture_output=True, text=True,
                          check=False)
    assert done.returncode == 1 and "MISMATCH" in done.stdout and "order differs: entry 1" in done.stdout
    done = subprocess.run([*_files(tmp_path, manifest, "seed"), "0" * 64], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 1 and "not the published 000" in done.stdout


def test_the_checker_is_served_beside_the_draw_method(client):
    page = client.get("/how-the-draw-works", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "/static/tools/check_draw.py" in page and "flask draw verify" not in page
    response = client.get("/static/tools/check_draw.py")
    assert response.status_code == 200 and b"def draw(manifest, seed):" in response.data
