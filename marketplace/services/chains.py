"""The two hash chains: audit events and quota-ledger entries, linked as their transaction commits.

A use case adds its events and entries through defer(); the commit gives each its place in its chain
(seq, the previous link's hash, its own hash) as the transaction's last step, holding the chain's head
row (locked on PostgreSQL) only for the commit itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime

from sqlalchemy import JSON, bindparam, event, func, select, type_coerce, update
from sqlalchemy.orm import Session
from sqlalchemy.types import NULLTYPE

from ..domain.chain import ChainCheck, Link, check_links, link_hash
from ..domain.clock import seoul_date
from ..extensions import db
from ..models import AuditEvent, ChainHead, QuotaEntry

_PENDING = "links_to_chain"


def plain(value):
    """The value as a JSON column gives it back (tuples become lists, keys strings)."""
    return None if value is None else json.loads(json.dumps(value, ensure_ascii=False))


def _moment(value: datetime | str) -> str:
    """The time a hash covers: UTC, ISO 8601 with microseconds. Also takes a SQLite column's text as
    stored (naive UTC, 'YYYY-MM-DD HH:MM:SS.ffffff'), which the chain check reads without conversion."""
    if isinstance(value, str):
        if len(value) == 26 and value[10] == " ":
            return f"{value[:10]}T{value[11:]}+00:00"
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


EVENT_FIELDS = (
    "seq",
    "actor_id",
    "actor_role",
    "action",
    "object_type",
    "object_id",
    "company_id",
    "institution_id",
    "before",
    "after",
    "reason",
    "request_id",
    "created_at",
)
ENTRY_FIELDS = ("seq", "mou_id", "kind", "amount_krw", "balance_after", "order_id", "actor_id", "reason", "created_at")
_TEXTS = ("reason", "request_id")  # absent text is hashed as ""


def _content(fields: tuple[str, ...], values) -> dict:
    content = dict(zip(fields, values, strict=False))  # values may go on: the stored hashes
    for name in _TEXTS:
        if name in content:
            content[name] = content[name] or ""
    content["created_at"] = _moment(content["created_at"])
    return content


def event_content(row) -> dict:
    """What an audit event's hash covers: every column but its id and its own hashes."""
    return _content(EVENT_FIELDS, [getattr(row, name) for name in EVENT_FIELDS])


def entry_content(row) -> dict:
    """What a ledger entry's hash covers: every column but its id and its own hashes."""
    return _content(ENTRY_FIELDS, [getattr(row, name) for name in ENTRY_FIELDS])


CHAINS: dict[str, tuple[type[AuditEvent] | type[QuotaEntry], Callable[[object], dict]]] = {
    "audit": (AuditEvent, event_content),
    "ledger": (QuotaEntry, entry_content),
}
_FIELDS = {"audit": EVENT_FIELDS, "ledger": ENTRY_FIELDS}
_CHAIN_OF = {model: name for name, (model, _content) in CHAINS.items()}


def defer(row) -> None:
    """Add an audit event or ledger entry to the session at commit, chained (see the module docstring)."""
    db.session.info.setdefault(_PENDING, []).append(row)


_HEADS = ChainHead.__table__
_READ_HEADS = (
    select(_HEADS.c.name, _HEADS.c.seq, _HEADS.c.hash)
    .where(_HEADS.c.name.in_(bindparam("names", expanding=True)))
    .with_for_update()
)
_MOVE_HEAD = (
    update(_HEADS)
    .where(_HEADS.c.name == bindparam("chain"))
    .values(seq=bindparam("new_seq"), hash=bindparam("new_hash"))
)


@event.listens_for(Session, "before_commit")
def _chain_pending(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    # the heads through two Core statements (one SELECT, locked on PostgreSQL, and one UPDATE), not ORM
    # objects: under the write lock the ORM's bookkeeping for them cost more than the hashing
    # (benchmarks/chain_cost.py)
    names = sorted({_CHAIN_OF[type(row)] for row in pending})
    heads = {name: [seq, digest] for name, seq, digest in session.execute(_READ_HEADS, {"names": names})}
    for row in pending:  # in the order the use case made them
        name = _CHAIN_OF[type(row)]
        head = heads[name]
        _fill_defaults(row)
        row.seq, row.prev_hash = head[0] + 1, head[1]
        row.hash = link_hash(head[1], CHAINS[name][1](row))
        head[0], head[1] = row.seq, row.hash
    session.execute(
        _MOVE_HEAD, [{"chain": name, "new_seq": seq, "new_hash": digest} for name, (seq, digest) in heads.items()]
    )
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
    """The chain's links in order, streamed `batch` rows at a time (a server-side cursor on PostgreSQL).

    Values come as the database driver gives them, without the ORM's or the column types' processing
    (a million links took 40 s that way): JSON text is parsed once, times are read by _moment().
    """
    table, fields = CHAINS[name][0].__table__, _FIELDS[name]
    raw = [type_coerce(table.c[field], NULLTYPE).label(field) for field in (*fields, "prev_hash", "hash")]
    parsed = [n for n, field in enumerate(fields) if isinstance(table.c[field].type, JSON)]
    # the option on the statement, not the connection: Connection.execution_options() would keep
    # streaming every later statement of the session
    rows = db.session.connection().execute(select(*raw).order_by(table.c.seq).execution_options(yield_per=batch))
    for row in rows:
        values = list(row)
        for n in parsed:
            if isinstance(values[n], str):  # PostgreSQL's driver parses json itself
                values[n] = None if values[n] == "null" else json.loads(values[n])
        yield Link(values[0], values[-2], values[-1], _content(fields, values))


def verify_chain(name: str = "audit", batch: int = 5000) -> ChainCheck:
    """Walk a whole chain (streamed, flat memory) and say where it first breaks, if anywhere.

    Also compares the end of the chain with its stored head, so removing the newest links shows too.
    """
    check = check_links(_links(name, batch))
    if not check.intact:
        return check
    head = db.session.get(ChainHead, name)
    if head is not None and (head.seq, head.hash) != (check.head_seq, check.head_hash):
        return ChainCheck(
            check.links,
            check.head_seq,
            check.head_hash,
            check.head_seq + 1,
            f"the chain ends at link {check.head_seq}, but link {head.seq} was written",
        )
    return check


def daily_heads(limit: int = 90) -> list[tuple[date, int, str, datetime]]:
    """Per Seoul day, newest first: the day's last audit event (seq, hash, time), for the public page."""
    last_per_day: dict[date, tuple] = {}
    stmt = (
        select(AuditEvent.seq, AuditEvent.hash, AuditEvent.created_at)
        .order_by(AuditEvent.seq.desc())
        .execution_options(yield_per=2000)
    )
    for seq, digest, created_at in db.session.execute(stmt):
        day = seoul_date(created_at)
        if day not in last_per_day:
            if len(last_per_day) == limit:
                break
            last_per_day[day] = (day, seq, digest, created_at)
    return list(last_per_day.values())


def chain_length(name: str = "audit") -> int:
    model = CHAINS[name][0]
    return db.session.execute(select(func.coalesce(func.max(model.seq), 0))).scalar_one()
