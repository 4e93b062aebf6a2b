"""Append-only audit events, hash-chained as the transaction that records them commits."""

from __future__ import annotations

from ..context import request_id
from ..extensions import db
from ..models import AuditEvent, User
from ..models.types import utcnow
from . import ocds_releases
from .chains import defer, plain


def record_event(
    actor: User | None,
    action: str,
    obj,
    *,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    company_id: int | None = None,
    institution_id: int | None = None,
) -> AuditEvent:
    """Prepare an audit event; the calling service's commit chains and writes it with its own change."""
    if getattr(obj, "id", 0) is None:
        db.session.flush()  # the object needs its id before the event can name it
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        actor_role=actor.role if actor else "system",
        action=action,
        object_type=type(obj).__name__,
        object_id=getattr(obj, "id", None),
        company_id=company_id if company_id is not None else getattr(obj, "company_id", None),
        institution_id=institution_id if institution_id is not None else getattr(obj, "institution_id", None),
        before=plain(before),
        after=plain(after),
        reason=reason,
        request_id=request_id.get() or "",
        created_at=utcnow(),
    )
    defer(event)
    ocds_releases.stage(action, obj, event.created_at, before=event.before)
    return event
