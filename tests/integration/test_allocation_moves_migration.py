"""Migration 0009 carries forward the refills made at suppliers' withdrawals and the allocations' first days."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade

from marketplace import create_app
from marketplace.domain.clock import SEOUL
from marketplace.extensions import db
from marketplace.models import Allocation, AllocationChange
from marketplace.services import allocations
from marketplace.services import applications as apps
from tests.builders_allocations import build
from tests.conftest import base_config
from tests.factories import Builders


def test_refills_recorded_before_the_migration_become_changes_and_moved_allocations_go_back(tmp_path):
    app = create_app(base_config(f"sqlite:///{tmp_path / 'old.sqlite3'}"))
    with app.app_context():
        upgrade()
        world = build(Builders())
        promoted = apps.withdraw(world.suppliers[world.s1.application_id], world.s1.application_id, "Plans changed")
        next(b for b in world.round.budgets if b.institution_id == world.bbb.id).budget_krw = 200_000_000
        db.session.commit()
        promoted_id, freed_id = promoted.id, world.s1.id
        allocations.move(world.staff, promoted_id, world.bbb.id, "BBB")
        created_on = db.session.get(Allocation, promoted_id).created_at.astimezone(SEOUL).date()
        db.session.remove()
        downgrade(revision="0010_allocation_moves-1")
        upgrade()
        db.session.remove()
        change = db.session.query(AllocationChange).one()  # the move is not in the audit's refill events
        assert (change.kind, change.from_allocation_id, change.to_allocation_id, change.actor_id) == (
            "refilled",
            freed_id,
            promoted_id,
            None,
        )
        promoted_row = db.session.get(Allocation, promoted_id)
        assert promoted_row.valid_from == created_on and promoted_row.status == "withdrawn"
        db.session.remove()
        db.engine.dispose()
