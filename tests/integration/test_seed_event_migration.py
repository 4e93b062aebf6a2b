"""The seed event migration carries existing rounds forward: opened rounds get their rule-published time from
the audit trail, drawn rounds keep their seed, and no round gains an event it never announced."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from marketplace import create_app
from marketplace.database import enable_wal
from marketplace.extensions import db
from marketplace.models import AuditEvent, Draw, Round, SeedEventAnnouncement
from marketplace.services import rounds as round_service
from tests.builders_rounds import RoundBuilders
from tests.conftest import base_config
from tests.factories import Builders


def test_the_seed_event_migration_carries_existing_rounds_forward(tmp_path):
    app = create_app(base_config(f"sqlite:///{tmp_path / 'old.sqlite3'}"))
    with app.app_context():
        upgrade()
        enable_wal(db.engine)  # as `make run` sets a database up (flask init-wal): jobs run beside the test's reads
        make = Builders()
        rounds = RoundBuilders(make)
        opened = rounds.round(status="draft")
        round_service.open_round(make.user("ministry"), opened.code)
        drawn = rounds.round(status="published", seed_event_at=None)
        db.session.add(
            Draw(
                round=drawn,
                rule_version="pp-draw-1",
                manifest_json="{}",
                manifest_sha256="0" * 64,
                seed="07 12 19 28 33 41",
                seed_source="Lotto 6/45 draw 820",
                result_json="{}",
            )
        )
        db.session.commit()
        opened_id, drawn_id = opened.id, drawn.id
        opened_at = db.session.scalar(select(AuditEvent.created_at).where(AuditEvent.action == "round.opened"))
        db.session.remove()
        downgrade(revision="0009_seed_event-1")
        upgrade()
        opened, drawn = db.session.get(Round, opened_id), db.session.get(Round, drawn_id)
        assert opened.rule_published_at == opened_at and opened.seed_event is None
        assert drawn.rule_published_at is None and drawn.seed_event is None
        assert drawn.draw.seed == "07 12 19 28 33 41" and drawn.draw.seed_source == "Lotto 6/45 draw 820"
        assert db.session.scalar(select(SeedEventAnnouncement)) is None
        db.session.remove()
        db.engine.dispose()
