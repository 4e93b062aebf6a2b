"""Append-only audit events, hash-chained as the transaction that records them commits."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from ..context import request_id
from ..domain.chain import ChainCheck, Link, check_links, link_hash
from ..extensions import db
from ..models import AuditEvent, ChainHead, User
from ..models.types import utcnow

_PENDING = "audit_events_to_chain"
SEOUL_OFFSET = timedelta(hours=9)  # Korea has kept UTC+9 without daylight saving since 1988


def _plain(value):
    """The value as the JSON column gives it back (tuples become lists, keys strings)."""
    return None if value is None else json.loads(json.dumps(value, ensure_ascii=False))


def record_event(actor: User | None, action: str, obj, *, before: dict | None = None,
                 after: dict | None = None, reason: str = "", company_id: int | None = None,
                 institution_id: int | None = None) -> AuditEvent:
    """Prepare an audit event; the calling service's commit chains and writes it with its own change."""
    if getattr(obj, "id", 0) is None:
        db.session.flush()  # the object needs its id before the event can name it
    event_ = AuditEvent(
        actor_id=actor.id if actor else None,
        actor_role=actor.role if actor else "system",
        action=action,
        object_type=type(obj).__name__,
        object_id=getattr(obj, "id", None),
        company_id=company_id if company_id is not None else getattr(obj, "company_id", None),
        institution_id=institution_id if institution_id is not None else getattr(obj, "institution_id", None),
        before=_plain(before),
        after=_plain(after),
        reason=reason,
        request_id=request_id.get() or "",
        created_at=utcnow(),
    )
    db.session.info.setdefault(_PENDING, []).append(event_)
    return event_


def event_content(row) -> dict:
    """What an event's hash covers: every column but its id and its own hashes."""
    return {
        "seq": row.seq,
        "actor_id": row.actor_id,
        "actor_role": row.actor_role,
        "action": row.action,
        "object_type": row.object_type,
        "object_id": row.object_id,
        "company_id": row.company_id,
        "institution_id": row.institution_id,
        "before": row.before,
        "after": row.after,
        "reason": row.reason or "",
        "request_id": row.request_id or "",
        "created_at": row.created_at.astimezone(UTC).isoformat(timespec="microseconds"),
    }


def _locked_head(session: Session, name: str) -> ChainHead:
    # FOR UPDATE on PostgreSQL: appends to a chain are serialised, and only for the commit itself.
    return session.scalars(select(ChainHead).where(ChainHead.name == name).with_for_update()).one()


@event.listens_for(Session, "before_commit")
def _chain_pending_events(session: Session) -> None:
    """Give the transaction's events their places in the chain, last, so the head is locked only briefly."""
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    head = _locked_head(session, "audit")
    for event_ in pending:
        event_.seq = head.seq + 1
        event_.prev_hash = head.hash
        event_.hash = link_hash(head.hash, event_content(event_))
        head.seq, head.hash = event_.seq, event_.hash
        session.add(event_)
    session.flush()


@event.listens_for(Session, "after_rollback")
def _forget_pending_events(session: Session) -> None:
    session.info.pop(_PENDING, None)


COLUMNS = (AuditEvent.seq, AuditEvent.prev_hash, AuditEvent.hash, AuditEvent.actor_id, AuditEvent.actor_role,
           AuditEvent.action, AuditEvent.object_type, AuditEvent.object_id, AuditEvent.company_id,
           AuditEvent.institution_id, AuditEvent.before, AuditEvent.after, AuditEvent.reason,
           AuditEvent.request_id, AuditEvent.created_at)


def _links(batch: int) -> Iterator[Link]:
    rows = db.session.execute(select(*COLUMNS).order_by(AuditEvent.seq).execution_options(yield_per=batch))
    for row in rows:
        yield Link(row.seq, row.prev_hash, row.hash, event_content(row))


def verify_chain(batch: int = 5000) -> ChainCheck:
    """Walk the whole audit chain (streamed, flat memory) and say where it first breaks, if anywhere.

    Also compares the end of the chain with the stored head, so removing the newest events shows too.
    """
    check = check_links(_links(batch))
    if not check.intact:
        return check
    head = db.session.get(ChainHead, "audit")
    if head is not None and (head.seq, head.hash) != (check.head_seq, check.head_hash):
        return ChainCheck(check.links, check.head_seq, check.head_hash, check.head_seq + 1,
                          f"the chain ends at link {check.head_seq}, but link {head.seq} was written")
    return check


def daily_heads(limit: int = 90) -> list[tuple[date, int, str, datetime]]:
    """Per Seoul day, newest first: the day's last event (seq, hash, time), for the public page."""
    last_per_day = {}
    # Walk backwards through recent events by seq; one row per day kept, at most `limit` days.
    stmt = (select(AuditEvent.seq, AuditEvent.hash, AuditEvent.created_at)
            .order_by(AuditEvent.seq.desc()).execution_options(yield_per=2000))
    for seq, digest, created_at in db.session.execute(stmt):
        day = (created_at.astimezone(UTC) + SEOUL_OFFSET).date()
        if day not in last_per_day:
            if len(last_per_day) == limit:
                break
            last_per_day[day] = (day, seq, digest, created_at)
    return list(last_per_day.values())


def chain_length() -> int:
    return db.session.scalar(select(func.coalesce(func.max(AuditEvent.seq), 0)))
