"""Telling every supplier that a round opened: one background job, in short batches, after the opening commits.

Opening a round must answer staff at once however many suppliers there are, so open_round() only asks
for this job (announce_later). The job walks the recipients in id order, BATCH at a time, each batch
its own short write transaction; the event key makes a retried or repeated job tell each user once.
"""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import exists, select

from ..database import begin_write
from ..domain.states import CompanyStatus, NotificationKind, ProductStatus, RoundStatus, UserRole
from ..extensions import db
from ..models import Company, Product, Round, User
from .notifications import link_path, notify_all
from .outbox import request_delivery

log = logging.getLogger(__name__)
BATCH = 200


def announce_later(round_id: int) -> None:
    """Ask a worker to tell the suppliers (app.extensions["announce_round"]); never raises: the round is open."""
    announce = current_app.extensions.get("announce_round", announce_round)
    try:
        announce(round_id)
    except Exception:  # noqa: BLE001 - the opening is saved; `flask draw announce` can tell them later
        db.session.rollback()
        log.exception("Could not queue the announcement of round %s", round_id)


def recipients_after(after_id: int, limit: int):
    """The next `limit` suppliers (by id) who could apply: active users of an approved company with a
    listed product. Rounds have no category of their own: every listed product may be offered."""
    listed = exists().where(Product.company_id == Company.id, Product.status == ProductStatus.LISTED)
    return (
        select(User.id)
        .join(Company, Company.id == User.company_id)
        .where(
            User.role == UserRole.SUPPLIER,
            User.active.is_(True),
            Company.status == CompanyStatus.APPROVED,
            listed,
            User.id > after_id,
        )
        .order_by(User.id)
        .limit(limit)
    )


def announce_round(round_id: int, batch: int = BATCH) -> int:
    """Tell every supplier who could apply that the round is open; returns how many were told now."""
    round_ = db.session.get(Round, round_id)
    if round_ is None or round_.status != RoundStatus.OPEN:
        return 0
    params = {"round": round_.code, "closes": round_.closes_at.isoformat()}
    key, link = f"round_opened:{round_.id}", link_path("public.round", round_code=round_.code)
    db.session.commit()
    told, after = 0, 0
    while ids := list(db.session.scalars(recipients_after(after, batch))):
        db.session.commit()  # the read above ends before the batch's write lock begins
        told += _tell_batch(ids, key, params, link)
        after = ids[-1]
    request_delivery()
    return told


def _tell_batch(ids: list[int], key: str, params: dict, link: str) -> int:
    begin_write()
    users = db.session.scalars(select(User).where(User.id.in_(ids))).all()
    told = notify_all(users, NotificationKind.ROUND_OPENED, key, params, link)
    db.session.commit()
    return told
