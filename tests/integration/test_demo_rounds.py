"""flask seed-demo adds a published, reproducible half-year round, an open round and this month's small-value
batch, once."""

from sqlalchemy import func, select

from marketplace.demo import base, rounds
from marketplace.demo.timeline import story_for
from marketplace.extensions import db
from marketplace.models import Round
from marketplace.services import draws, small_track


def test_the_demo_rounds_are_published_reproducible_and_idempotent(app, today):
    base.seed()
    lines = rounds.seed()
    code = story_for(today).round.code
    assert any(f"{code} published" in line for line in lines)
    published = db.session.scalar(select(Round).where(Round.code == code))
    assert published.status == "published" and published.is_sample
    assert draws.verify_draw(code).matches
    assert db.session.scalar(select(func.count(Round.id)).where(Round.status == "open")) == 2
    batch = db.session.scalar(select(Round).where(Round.code == f"SV-{today.year}-{today.month:02d}"))
    assert batch.is_sample and [(t.kind, t.share_percent) for t in batch.tracks] == [("small", 100)]
    assert any(f"small-value batch {batch.code} open" in line for line in lines)
    assert small_track.current_batch().code == batch.code
    assert rounds.seed() == []
    assert db.session.scalar(select(func.count(Round.id))) == 3


def test_without_base_data_the_round_demo_is_skipped(app):
    assert rounds.seed() == ["rounds: skipped (run the base demo data first)"]
