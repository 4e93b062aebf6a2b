"""The seed event in the services: named before opening, frozen before it, drawn after it, replaced with a reason."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from marketplace.domain.errors import DomainError
from marketplace.domain.seed_events import SeedEventError
from marketplace.domain.selection import MalformedManifestError
from marketplace.extensions import db
from marketplace.models import AuditEvent, Draw
from marketplace.services import draws, seed_events
from marketplace.services import rounds as round_service
from tests.builders_orders import OrderBuilders
from tests.builders_rounds import EVENT_EN, RoundBuilders, kst
from tests.integration.test_rounds import CLOSES, OPENS, _closed_round, _score_all

LATER = kst(date(2018, 9, 29), 20, 45)


@pytest.fixture
def rounds(make):
    return RoundBuilders(make)


@pytest.fixture
def clock(monkeypatch):
    from tests.builders_rounds import Clock

    return Clock(monkeypatch, kst(date(2018, 8, 20), 10))


def _settings(**change) -> round_service.RoundSettings:
    settings = round_service.RoundSettings(
        code="2018-H2",
        title_ko="2018년 하반기",
        title_en="2018 H2",
        opens_at=OPENS,
        closes_at=CLOSES,
        cap_krw=300_000_000,
        pass_mark=70,
        budgets=[("KEPCO", 5_000_000_000)],
        seed_event_ko="로또 6/45 제825회",
        seed_event_en="Lotto 6/45 draw no. 825",
        seed_event_at=kst(date(2018, 9, 22), 20, 45),
    )
    return replace(settings, **change)


def _announce(staff, round_, at=LATER, reason="The committee needed another week"):
    return seed_events.announce_seed_event(
        staff, round_.code, "로또 6/45 제826회", "Lotto 6/45 draw no. 826", at, reason
    )


def _events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_a_round_names_its_seed_event_in_its_rules_and_opening_publishes_them(app, make, clock):
    staff = make.user("ministry")
    OrderBuilders(make).mou(make.institution(code="KEPCO"), committed=5_000_000_000, actor=staff)
    round_ = round_service.create_round(staff, _settings())
    assert round_.seed_event.description_en == "Lotto 6/45 draw no. 825" and round_.rule_published_at is None
    round_service.open_round(staff, round_.code)
    assert round_.rule_published_at == clock.now
    [announced] = round_.seed_event_announcements
    assert (announced.event_at, announced.reason, announced.announced_at) == (round_.seed_event_at, "", clock.now)
    assert _events("round.opened")[0].after["seed_event"]["description_en"] == "Lotto 6/45 draw no. 825"


def test_a_draft_without_its_seed_event_cannot_open(app, make, clock):
    staff = make.user("ministry")
    OrderBuilders(make).mou(make.institution(code="KEPCO"), committed=5_000_000_000, actor=staff)
    round_ = round_service.create_round(staff, _settings(seed_event_ko="", seed_event_en="", seed_event_at=None))
    with pytest.raises(SeedEventError, match="before opening the round"):
        round_service.open_round(staff, round_.code)
    assert round_.status == "draft" and round_.rule_published_at is None


def test_a_seed_event_before_the_close_or_half_given_is_refused(app, make, clock):
    staff = make.user("ministry")
    OrderBuilders(make).mou(make.institution(code="KEPCO"), committed=5_000_000_000, actor=staff)
    with pytest.raises(SeedEventError, match="after the round closes"):
        round_service.create_round(staff, _settings(seed_event_at=CLOSES))
    with pytest.raises(SeedEventError, match="date and time of the seed event"):
        round_service.create_round(staff, _settings(seed_event_at=None))
    round_ = round_service.create_round(staff, _settings())
    with pytest.raises(SeedEventError, match="in Korean and in English"):
        round_service.update_draft_round(staff, round_.code, _settings(seed_event_en=" "))
    assert round_.seed_event_en == "Lotto 6/45 draw no. 825"


def test_the_database_refuses_a_seed_event_that_does_not_follow_the_close(app, rounds):
    with pytest.raises(Exception, match="(?i)check"):
        rounds.round(opens_at=OPENS, closes_at=CLOSES, seed_event_at=CLOSES)
    db.session.rollback()


def test_freezing_after_the_seed_event_is_refused(app, make, rounds, clock):
    round_, staff, _ = _closed_round(make, rounds, clock, count=2)
    _score_all(staff, round_)
    clock.now = round_.seed_event_at
    with pytest.raises(SeedEventError, match="already happened.*Announce a later public event"):
        draws.freeze_pool(staff, round_.code)
    assert db.session.scalar(select(Draw)) is None and not _events("round.pool_frozen")


def test_drawing_before_the_seed_event_is_refused(app, make, rounds, clock):
    round_, staff, _ = _closed_round(make, rounds, clock, count=2)
    _score_all(staff, round_)
    draws.freeze_pool(staff, round_.code)
    clock.now = round_.seed_event_at - timedelta(seconds=1)  # the outcome is not public yet
    with pytest.raises(SeedEventError, match=f"outcome of {EVENT_EN}.*only after that event"):
        draws.run_round_draw(staff, round_.code, "07 12 19 28 33 41")
    assert round_.draw.seed is None and round_.status == "closed" and not _events("round.drawn")
    clock.now = round_.seed_event_at
    assert draws.run_round_draw(staff, round_.code, "07 12 19 28 33 41").seed == "07 12 19 28 33 41"


def test_a_later_event_announced_with_a_reason_lets_the_pool_freeze_and_the_draw_waits_for_it(app, make, rounds, clock):
    round_, staff, _ = _closed_round(make, rounds, clock, count=2)
    _score_all(staff, round_)
    first = round_.seed_event
    clock.now = first.at + timedelta(hours=1)
    with pytest.raises(SeedEventError):
        draws.freeze_pool(staff, round_.code)
    _announce(staff, round_)
    assert round_.seed_event.description_en == "Lotto 6/45 draw no. 826" and round_.seed_event_at == LATER
    [announced] = round_.seed_event_announcements  # the builder's round opened without a record
    assert announced.reason == "The committee needed another week" and announced.announced_by_id == staff.id
    [event] = _events("round.seed_event_announced")
    assert event.before["seed_event"]["description_en"] == first.description_en
    assert event.after["seed_event"]["description_en"] == "Lotto 6/45 draw no. 826" and event.reason
    draw = draws.freeze_pool(staff, round_.code)
    with pytest.raises(SeedEventError, match="draw no. 826"):
        draws.run_round_draw(staff, round_.code, "1 2 3 4 5 6 + 7")
    with pytest.raises(SeedEventError, match="pool is frozen"):
        _announce(staff, round_, at=LATER + timedelta(days=7))
    clock.now = LATER
    draws.run_round_draw(staff, round_.code, "1 2 3 4 5 6 + 7")
    timeline = json.loads(draw.result_json)["timeline"]
    assert timeline["seed_event"] == {
        "description_ko": "로또 6/45 제826회",
        "description_en": "Lotto 6/45 draw no. 826",
        "at": "2018-09-29T20:45:00+09:00",
        "announced_at": "2018-09-15T19:00:00+09:00",
    }
    assert timeline["manifest_frozen_at"] == "2018-09-15T19:00:00+09:00"
    assert timeline["drawn_at"] == "2018-09-29T20:45:00+09:00" and timeline["rule_published_at"] is None
    with pytest.raises(SeedEventError, match="draw has run"):
        _announce(staff, round_, at=LATER + timedelta(days=7))


def test_an_announcement_needs_a_later_future_event_and_a_reason_and_changes_nothing_when_refused(
    app, make, rounds, clock
):
    round_, staff, _ = _closed_round(make, rounds, clock, count=1)
    event = round_.seed_event
    for at, reason, message in (
        (LATER, " ", "Give the reason"),
        (event.at, "why", "after the one it replaces"),
        (CLOSES, "why", "after the round closes"),
    ):
        with pytest.raises(SeedEventError, match=message):
            _announce(staff, round_, at=at, reason=reason)
    clock.now = LATER + timedelta(minutes=1)
    with pytest.raises(SeedEventError, match="has not happened yet"):
        _announce(staff, round_)
    assert round_.seed_event == event and not round_.seed_event_announcements
    assert not _events("round.seed_event_announced")


def test_a_draft_changes_its_seed_event_through_its_rules_not_by_announcement(app, make, rounds, clock):
    round_ = rounds.round(status="draft", opens_at=OPENS, closes_at=CLOSES)
    with pytest.raises(DomainError, match="change the draft"):
        _announce(make.user("ministry"), round_)


def test_a_round_frozen_before_rounds_named_their_seed_event_announces_one_then_draws(app, make, rounds, clock):
    round_, staff, _ = _closed_round(make, rounds, clock, count=1)
    _score_all(staff, round_)
    round_.seed_event_ko = round_.seed_event_en = round_.seed_event_at = None  # as the migration left it
    db.session.commit()
    with pytest.raises(SeedEventError, match="Announce the public event"):
        draws.freeze_pool(staff, round_.code)
    db.session.add(
        Draw(
            round=round_,
            rule_version="pp-draw-2",
            frozen_at=clock.now,
            frozen_by_id=staff.id,
            manifest_json=draws.selection.manifest_json(draws.build_manifest(round_)),
            manifest_sha256=draws.selection.manifest_sha256(draws.build_manifest(round_)),
        )
    )
    db.session.commit()  # frozen before the upgrade
    with pytest.raises(SeedEventError, match="names no seed event"):
        draws.run_round_draw(staff, round_.code, "1 2 3")
    _announce(staff, round_, reason="Frozen before rounds named their seed event")
    clock.now = LATER
    assert draws.run_round_draw(staff, round_.code, "1 2 3").seed == "1 2 3"


def test_freezing_never_emits_a_manifest_preferring_an_institution_outside_the_round(app, make, rounds, clock):
    round_, staff, _ = _closed_round(make, rounds, clock, count=2)
    _score_all(staff, round_)
    round_.applications[1].preferred = [make.institution(code="ELSEWHERE")]  # not through the form
    db.session.commit()
    with pytest.raises(MalformedManifestError, match=f"{round_.applications[1].id} prefers institution ELSEWHERE"):
        draws.freeze_pool(staff, round_.code)
    assert db.session.scalar(select(Draw)) is None
