"""The two hash chains: audit events and quota-ledger entries, linked as their transaction commits.

A use case adds its events and entries through defer(); the commit gives each its place in its chain
(seq, the previous link's hash, its own hash) as the transaction's last step, holding the chain's head
row (locked on PostgreSQL) only for the commit itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime

from sqlalchemy import bindparam, event, func, select, update
from sqlalchemy.orm import Session

from ..domain.chain import ChainCheck, Link, check_links, link_hash
from ..extensions import db
from ..i18n import SEOUL
from ..models import AuditEvent, ChainHead, QuotaEntry

_PENDING = "links_to_chain"


def plain(value):
    """The value as a JSON column gives it back (tuples become lists, keys strings)."""
    return None if value is None else json.loads(json.dumps(value, ensure_ascii=False))


def _moment(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def event_content(row) -> dict:
    """What an audit event's hash covers: every column but its id and its own hashes."""
    return {
        "seq": row.seq, "actor_id": row.actor_id, "actor_role": row.actor_role, "action": row.action,
        "object_type": row.object_type, "object_id": row.object_id, "company_id": row.company_id,
        "institution_id": row.institution_id, "before": row.before, "after": row.after,
        "reason": row.reason or "", "request_id": row.request_id or "", "created_at": _moment(row.created_at),
    }


def entry_content(row) -> dict:
    """What a ledger entry's hash covers: every column but its id and its own hashes."""
    return {
        "seq": row.seq, "mou_id": row.mou_id, "kind": row.kind, "amount_krw": row.amount_krw,
        "balance_after": row.balance_after, "order_id": row.order_id, "actor_id": row.actor_id,
        "reason": row.reason or "", "created_at": _moment(row.created_at),
    }


CHAINS: dict[str, tuple[type, Callable[[object], dict]]] = {
    "audit": (AuditEvent, event_content),
    "ledger": (QuotaEntry, entry_content),
}
_CHAIN_OF = {model: name for name, (model, _content) in CHAINS.items()}


def defer(row) -> None:
    """Add an audit event or ledger entry to the session at commit, chained (see the module docstring)."""
    db.session.info.setdefault(_PENDING, []).append(row)


_HEADS = ChainHead.__table__
_READ_HEADS = (select(_HEADS.c.name, _HEADS.c.seq, _HEADS.c.hash)
               .where(_HEADS.c.name.in_(bindparam("names", expanding=True))).with_for_update())
_MOVE_HEAD = (update(_HEADS).where(_HEADS.c.name == bindparam("chain"))
              .values(seq=bindparam("new_seq"), hash=bindparam("new_hash")))


@event.listens_for(Session, "before_commit")
def _chain_pending(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    # Core statements, not ORM objects, for the heads: they are the part of every write transaction that
    # holds the lock longest for the least work (one SELECT, locked on PostgreSQL, and one UPDATE)
    names = sorted({_CHAIN_OF[type(row)] for row in pending})
    heads = {name: [seq, digest] for name, seq, digest in session.execute(_READ_HEADS, {"names": names})}
    for row in pending:  # in the order the use case made them
        name = _CHAIN_OF[type(row)]
        head = heads[name]
        _fill_defaults(row)
        row.seq, row.prev_hash = head[0] + 1, head[1]
        row.hash = link_hash(head[1], CHAINS[name][1](row))
        head[0], head[1] = row.seq, row.hash
    session.execute(_MOVE_HEAD, [{"chain": name, "new_seq": seq, "new_hash": digest}
                                 for name, (seq, digest) in heads.items()])
    session.add_all(pending)
    session.flush()


def _fill_defaults(row) -> None:
    """Apply the columns' Python defaults now: the hash covers the values the insert will write."""
    for column in type(row).__table__.columns:
        default = column.default
        if default is None or getattr(row, column.key) is not None or column.key in ("id", "seq"):
            continue
        if default.is_scalar:
            setattr(row, column.key, default.arg)
        elif default.is_callable:
            setattr(row, column.key, default.arg(None))


@event.listens_for(Session, "after_rollback")
def _forget_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


def _links(name: str, batch: int) -> Iterator[Link]:
    model, content = CHAINS[name]
    columns = [c for c in model.__table__.columns if c.name != "id"]
    rows = db.session.execute(select(*columns).order_by(model.seq).execution_options(yield_per=batch))
    for row in rows:
        yield Link(row.seq, row.prev_hash, row.hash, content(row))


def verify_chain(name: str = "audit", batch: int = 5000) -> ChainCheck:
    """Walk a whole chain (streamed, flat memory) and say where it first breaks, if anywhere.

    Also compares the end of the chain with its stored head, so removing the newest links shows too.
    """
    check = check_links(_links(name, batch))
    if not check.intact:
        return check
    head = db.session.get(ChainHead, name)
    if head is not None and (head.seq, head.hash) != (check.head_seq, check.head_hash):
        return ChainCheck(check.links, check.head_seq, check.head_hash, check.head_seq + 1,
                          f"the chain ends at link {check.head_seq}, but link {head.seq} was written")
    return check


def daily_heads(limit: int = 90) -> list[tuple[date, int, str, datetime]]:
    """Per Seoul day, newest first: the day's last audit event (seq, hash, time), for the public page."""
    last_per_day: dict[date, tuple] = {}
    stmt = (select(AuditEvent.seq, AuditEvent.hash, AuditEvent.created_at)
            .order_by(AuditEvent.seq.desc()).execution_options(yield_per=2000))
    for seq, digest, created_at in db.session.execute(stmt):
        day = created_at.astimezone(SEOUL).date()
        if day not in last_per_day:
            if len(last_per_day) == limit:
                break
            last_per_day[day] = (day, seq, digest, created_at)
    return list(last_per_day.values())


def chain_length(name: str = "audit") -> int:
    model = CHAINS[name][0]
    return db.session.scalar(select(func.coalesce(func.max(model.seq), 0)))
