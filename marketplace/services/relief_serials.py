"""Serial numbers of audit-relief certificates: the next free one, and ones reserved for an order.

A first version's serial is PP-<contract year>-<6-digit sequence>, one past the last issued or reserved;
later versions add their number. Issuing (relief_certificates.issue) renders the PDF outside the write
lock and numbers again under it; a reservation (ReliefSerialReservation) keeps an order's number across
a render when others are being issued at the same time. Numbering and reserving happen under the
issuing lock; the reservation goes when the order's certificate is stored or the order is cancelled.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, exists, func, select

from ..extensions import db
from ..models import AuditReliefCertificate, Order, ReliefSerialReservation
from .relief_facts import Stamp

# after a certificate is issued, others are likely on their way: a first version reserves its serial first
BUSY_AFTER_ISSUE = timedelta(minutes=1)
Certificate = AuditReliefCertificate
Reservation = ReliefSerialReservation


def next_serial(order: Order) -> str:
    """The serial of a first version issued now: one past the last issued or reserved for its year."""
    prefix = f"PP-{order.ordered_on.year}-"
    issued = select(func.max(Certificate.serial)).where(Certificate.version == 1, Certificate.serial.like(prefix + "%"))
    reserved = select(func.max(Reservation.serial)).where(Reservation.serial.like(prefix + "%"))
    last = max((s for s in (db.session.scalar(issued), db.session.scalar(reserved)) if s), default=None)
    return f"{prefix}{(int(last[len(prefix) :]) + 1) if last else 1:06d}"


def reserved_serial(order_id: int) -> str | None:
    return db.session.scalar(select(Reservation.serial).where(Reservation.order_id == order_id))


def numbering_contended(order_id: int, issued_at: datetime) -> bool:
    """Whether other certificates are being issued (another order holds a reserved serial, or the latest
    certificate was issued less than BUSY_AFTER_ISSUE before `issued_at`) while this order has neither a
    version nor a reservation yet: its first render would likely lose its number."""
    latest = select(Certificate.issued_at).order_by(Certificate.id.desc()).limit(1).scalar_subquery()
    contended = select(
        exists().where(Reservation.order_id != order_id) | (latest > issued_at - BUSY_AFTER_ISSUE),
        ~exists().where(Reservation.order_id == order_id),
        ~exists().where(Certificate.order_id == order_id),
    )
    return all(db.session.execute(contended).one())


def hold(order_id: int, stamp: Stamp) -> None:
    """Under the issuing lock: reserve the stamp's serial for the order, if a first version's and none is
    reserved yet, and commit; otherwise roll back. Either way the lock is let go."""
    if stamp.version == 1 and reserved_serial(order_id) is None:
        db.session.add(Reservation(serial=stamp.serial, order_id=order_id))
        db.session.commit()
    else:
        db.session.rollback()


def release(order_id: int) -> None:
    """Drop the order's reservation, in the caller's transaction (its certificate is stored, or it is cancelled)."""
    db.session.execute(delete(Reservation).where(Reservation.order_id == order_id))
