"""MOUs and their quota ledger: create, amend, charge, release, and the figures dashboards show.

Every balance change is a conditional UPDATE of mous.balance_krw, issued as the first write of a
write transaction (begin_write()), with its QuotaEntry in the same transaction. On SQLite the
transaction holds the write lock from BEGIN IMMEDIATE; on PostgreSQL the UPDATE locks the MOU row,
so concurrent charges queue on it and the WHERE clause sees the committed balance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func, select, true, update
from sqlalchemy.exc import IntegrityError

from ..database import begin_write
from ..domain import quota as rules
from ..domain.clock import seoul_date
from ..domain.errors import N_, DomainError, NotFound
from ..domain.money import MAX_KRW
from ..domain.states import QuotaEntryKind
from ..extensions import db
from ..models import Institution, Mou, QuotaEntry, User
from ..models.types import utcnow
from .audit import record_event
from .chains import defer
from .pages import Page, paginate


class MouNumberTaken(DomainError):
    def __init__(self, number: str) -> None:
        super().__init__(N_("An MOU with the number %(number)s already exists."), number=number)


@dataclass(frozen=True)
class MouTerms:
    number: str
    signed_on: date
    starts_on: date
    ends_on: date
    committed_krw: int


def check_terms(terms: MouTerms) -> None:
    if not terms.number.strip():
        raise DomainError(N_("Enter the MOU number."))
    if terms.starts_on > terms.ends_on:
        raise DomainError(N_("The MOU period must start on or before its end."))
    if terms.committed_krw < 0:
        raise DomainError(N_("Enter an amount of %(minimum)s won or more."), minimum="0")


def create_mou(actor: User, institution: Institution, terms: MouTerms, *, now: datetime | None = None) -> Mou:
    """Create an MOU and its commit entry; raises DomainError for bad terms or a number in use."""
    check_terms(terms)
    number = terms.number.strip()
    institution_id = institution.id
    begin_write()  # before the check: two staff recording the same number at once queue here
    if db.session.scalar(select(Mou.id).where(Mou.number == number)) is not None:
        db.session.rollback()
        raise MouNumberTaken(number=number)
    mou = Mou(
        institution_id=institution_id,
        number=number,
        signed_on=terms.signed_on,
        starts_on=terms.starts_on,
        ends_on=terms.ends_on,
        committed_krw=terms.committed_krw,
        balance_krw=terms.committed_krw,
        created_at=now or utcnow(),
    )
    db.session.add(mou)
    try:
        db.session.flush()
    except IntegrityError as error:  # the backstop where the lock does not serialize (PostgreSQL)
        db.session.rollback()
        raise MouNumberTaken(number=number) from error
    _add_entry(mou.id, QuotaEntryKind.COMMIT, terms.committed_krw, terms.committed_krw, actor, "MOU signed", now=now)
    record_event(actor, "mou.created", mou, after={"number": number, "committed_krw": terms.committed_krw})
    db.session.commit()
    return mou


def amend_mou(actor: User, mou_id: int, delta: int, reason: str, *, now: datetime | None = None) -> Mou:
    """Increase or decrease the committed amount; refused (AmendmentRefused) below zero remaining or,
    for an increase, above MAX_KRW committed. A decrease that leaves remaining >= 0 is always accepted.

    The check runs under the write lock and again in the conditional UPDATE (which locks the row on
    PostgreSQL), so concurrent amendments cannot pass the cap between them.
    """
    begin_write()
    mou = get_mou(mou_id, lock=True)
    rules.check_amendment(mou.balance_krw, mou.committed_krw, delta, reason)
    within_cap = Mou.committed_krw + delta <= MAX_KRW if delta > 0 else true()
    row = db.session.execute(
        update(Mou)
        .where(Mou.id == mou_id, Mou.balance_krw + delta >= 0, Mou.committed_krw + delta >= 0, within_cap)
        .values(balance_krw=Mou.balance_krw + delta, committed_krw=Mou.committed_krw + delta)
        .returning(Mou.balance_krw, Mou.committed_krw),
        execution_options={"synchronize_session": False},
    ).first()
    if row is None:
        db.session.rollback()
        current = get_mou(mou_id)
        rules.check_amendment(current.balance_krw, current.committed_krw, delta, reason)
        raise rules.AmendmentRefused(N_("The remaining quota changed meanwhile; try again."))
    _add_entry(mou_id, QuotaEntryKind.AMENDMENT, delta, row.balance_krw, actor, reason.strip(), now=now)
    record_event(
        actor,
        "mou.amended",
        mou,
        after={"delta_krw": delta, "committed_krw": row.committed_krw, "balance_krw": row.balance_krw},
        reason=reason.strip(),
        institution_id=mou.institution_id,
    )
    db.session.commit()
    db.session.refresh(mou)
    return mou


def charge(mou_id: int, amount: int, actor: User, reason: str, *, now: datetime | None = None) -> QuotaEntry:
    """Take `amount` from the MOU as the first write of the current write transaction.

    Returns the charge entry (balance before = balance_after - amount_krw); raises QuotaExceeded
    (after rolling back) when the balance does not cover it. The caller links the order and commits.
    """
    rules.check_entry(QuotaEntryKind.CHARGE, -amount)
    row = db.session.execute(
        update(Mou)
        .where(Mou.id == mou_id, Mou.balance_krw >= amount)
        .values(balance_krw=Mou.balance_krw - amount)
        .returning(Mou.balance_krw),
        execution_options={"synchronize_session": False},
    ).first()
    if row is None:
        db.session.rollback()
        remaining = db.session.scalar(select(Mou.balance_krw).where(Mou.id == mou_id))
        raise rules.QuotaExceeded(
            N_("The amount of %(amount)s won is more than the remaining quota of %(remaining)s won."),
            amount=f"{amount:,}",
            remaining=f"{remaining or 0:,}",
        )
    return _add_entry(mou_id, QuotaEntryKind.CHARGE, -amount, row.balance_krw, actor, reason, now=now)


def release(mou_id: int, amount: int, actor: User, reason: str, order_id: int, *, now: datetime | None = None) -> int:
    """Give `amount` back to the MOU inside the current write transaction; returns the new balance."""
    rules.check_entry(QuotaEntryKind.RELEASE, amount)
    row = db.session.execute(
        update(Mou).where(Mou.id == mou_id).values(balance_krw=Mou.balance_krw + amount).returning(Mou.balance_krw),
        execution_options={"synchronize_session": False},
    ).one()  # the order's MOU
    entry = _add_entry(mou_id, QuotaEntryKind.RELEASE, amount, row.balance_krw, actor, reason, now=now)
    entry.order_id = order_id
    return row.balance_krw


def _add_entry(
    mou_id: int,
    kind: str,
    amount: int,
    balance_after: int,
    actor: User | None,
    reason: str,
    *,
    now: datetime | None = None,
) -> QuotaEntry:
    rules.check_entry(kind, amount)
    entry = QuotaEntry(
        mou_id=mou_id,
        kind=kind,
        amount_krw=amount,
        balance_after=balance_after,
        actor_id=actor.id if actor else None,
        reason=reason,
        created_at=now or utcnow(),
    )
    defer(entry)  # chained and written at commit, after the caller has linked its order
    return entry


def get_mou(mou_id: int, *, lock: bool = False) -> Mou:
    """The MOU; with lock, its row is locked (PostgreSQL) for the checks of a write transaction."""
    mou = db.session.get(Mou, mou_id, with_for_update=lock or None, populate_existing=lock)
    if mou is None:
        raise NotFound(N_("There is no such MOU."))
    return mou


def ledger_page(mou_id: int, *, page: int, per_page: int) -> Page[QuotaEntry]:
    """One page of the MOU's ledger, oldest entry first."""
    query = select(QuotaEntry).where(QuotaEntry.mou_id == mou_id).order_by(QuotaEntry.id)
    return paginate(query, page=page, per_page=per_page)


def quota_left_by_institution(institution_ids, day: date) -> dict[int, int]:
    """What the MOUs of each institution still in force on `day` (not ended before it) have left, in won."""
    rows = db.session.execute(
        select(Mou.institution_id, func.sum(Mou.balance_krw))
        .where(Mou.institution_id.in_(list(institution_ids)), Mou.ends_on >= day)
        .group_by(Mou.institution_id)
    ).all()
    return {institution_id: int(total or 0) for institution_id, total in rows}


def ledger_sum(mou_id: int) -> int:
    return db.session.execute(
        select(func.coalesce(func.sum(QuotaEntry.amount_krw), 0)).where(QuotaEntry.mou_id == mou_id)
    ).scalar_one()


@dataclass(frozen=True)
class MouFigures:
    mou: Mou
    summary: rules.Summary
    series: list[rules.UsagePoint]


def figures_for(mous: list[Mou]) -> list[MouFigures]:
    """Committed / charged / remaining and use over time for each MOU, derived from the ledger."""
    if not mous:
        return []
    rows = db.session.execute(
        select(QuotaEntry.mou_id, QuotaEntry.kind, QuotaEntry.amount_krw, QuotaEntry.created_at)
        .where(QuotaEntry.mou_id.in_([m.id for m in mous]))
        .order_by(QuotaEntry.id)
    ).all()
    by_mou: dict[int, list[rules.Entry]] = {m.id: [] for m in mous}
    for mou_id, kind, amount, created_at in rows:
        by_mou[mou_id].append(rules.Entry(kind, amount, seoul_date(created_at)))
    return [MouFigures(m, rules.summarize(by_mou[m.id]), rules.usage_series(by_mou[m.id])) for m in mous]


def program_overview() -> list[dict]:
    """Per institution with an MOU: committed, charged and remaining, from the ledger (one query)."""
    committed = func.sum(
        case((QuotaEntry.kind.in_((QuotaEntryKind.COMMIT, QuotaEntryKind.AMENDMENT)), QuotaEntry.amount_krw), else_=0)
    )
    total = func.sum(QuotaEntry.amount_krw)
    rows = db.session.execute(
        select(Institution, func.count(func.distinct(Mou.id)), committed, total)
        .join(Mou, Mou.institution_id == Institution.id)
        .join(QuotaEntry, QuotaEntry.mou_id == Mou.id)
        .group_by(Institution.id)
        .order_by(committed.desc(), Institution.code)
    ).all()
    return [
        {
            "institution": inst,
            "mous": count,
            "committed": int(c or 0),
            "remaining": int(t or 0),
            "charged": int((c or 0) - (t or 0)),
        }
        for inst, count, c, t in rows
    ]
