"""The draw commits before its 1,000-seed estimate, so other users can write while the estimate runs."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest

from marketplace.domain import selection
from marketplace.extensions import db
from marketplace.models import Draw, User
from marketplace.services import accounts, draws
from tests.builders_rounds import Clock, RoundBuilders, kst
from tests.integration.test_rounds import _closed_round, _score_all


@pytest.fixture
def rounds(make):
    return RoundBuilders(make)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, kst(date(2018, 8, 20), 10))


def _in_context(app, work):
    with app.app_context():
        try:
            return work()
        finally:
            db.session.remove()


def test_others_can_write_while_the_draw_estimate_runs_and_the_estimate_is_stored_after(
    app, make, rounds, clock, monkeypatch
):
    round_, staff, users = _closed_round(make, rounds, clock, count=4)
    _score_all(staff, round_)
    draws.freeze_pool(staff, round_.code)
    clock.now = round_.seed_event_at
    code, staff_id, other_id = round_.code, staff.id, users[0].id
    version = users[0].session_version
    db.session.commit()
    started, release, computed = threading.Event(), threading.Event(), []
    real = selection.expected_rates

    def blocking_estimate(*args, **kwargs):
        started.set()
        assert release.wait(30)
        computed.append(real(*args, **kwargs))
        return computed[-1]

    monkeypatch.setattr(selection, "expected_rates", blocking_estimate)

    def draw():
        return draws.run_round_draw(db.session.get(User, staff_id), code, "07 12 19").id

    def another_write():
        accounts.end_all_sessions(db.session.get(User, other_id))

    with ThreadPoolExecutor(2) as pool:
        drawing = pool.submit(_in_context, app, draw)
        try:
            assert started.wait(30)
            stored = _in_context(app, lambda: db.session.get(Draw, drawing_id_of(code)).result_json)
            assert stored is not None  # the draw is committed while its estimate runs
            pool.submit(_in_context, app, another_write).result(timeout=30)  # not blocked by the draw
        finally:
            release.set()
        draw_id = drawing.result(timeout=60)

    db.session.expire_all()
    assert db.session.get(User, other_id).session_version == version + 1
    stored_draw = db.session.get(Draw, draw_id)
    manifest = selection.manifest_from_json(stored_draw.manifest_json)
    assert (
        json.loads(stored_draw.result_json)["order"]
        == json.loads(selection.result_json(selection.run_draw(manifest, "07 12 19")))["order"]
    )
    assert computed and stored_draw.expected_rates == computed[0] and set(computed[0]) == {"first_timer"}


def drawing_id_of(code: str) -> int:
    from marketplace.services import rounds as round_service

    return round_service.get_round(code).draw.id
