"""Sample data for demonstrations (flask seed-demo), clearly marked as sample.

Each area has a module with `seed() -> list[str]` (lines to print) that does nothing when its data
is already there. They run in the order below, which is the order of their dates (demo/timeline.py), so
the audit trail records the demo's history in time order; a module not written yet is skipped.
"""

from __future__ import annotations

import importlib

ORDER = ("base", "mous", "rounds", "orders", "needs")  # in time order: the audit trail records them so

DEMO_PASSWORD = "demo-password-2018"  # noqa: S105 - printed on purpose for the demo logins


def seed_all() -> list[str]:
    refusal = _history_after_start()
    if refusal:
        return [refusal]
    lines: list[str] = []
    for name in ORDER:
        try:
            module = importlib.import_module(f"marketplace.demo.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"marketplace.demo.{name}":
                raise
            continue
        lines.extend(module.seed())
    return lines


def _history_after_start() -> str:
    """Why the demo cannot be seeded here ('' when it can): its history, dated from months back, would be
    appended to an audit trail that already records later events, out of time order."""
    from sqlalchemy import func, select

    from ..domain.clock import kst_text
    from ..extensions import db
    from ..models import AuditEvent, Institution
    from ..services.clock import seoul_today
    from .timeline import story_for

    if db.session.scalar(select(Institution.id).where(Institution.is_sample.is_(True)).limit(1)) is not None:
        return ""  # seeded before: each part adds only what is missing
    start = story_for(seoul_today()).setup_at
    latest = db.session.scalar(select(func.max(AuditEvent.created_at)))
    if latest is None or latest <= start:
        return ""
    return (
        f"demo: not seeded: its history starts on {kst_text(start)}, but the audit trail already records "
        f"events up to {kst_text(latest)}; seed the demo into a new database"
    )
