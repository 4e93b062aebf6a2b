"""Telling many people about a round, in background jobs of short batches after the change commits.

Opening a round must answer staff at once however many suppliers there are, so open_round() only asks
for a job (announce_later) that walks the suppliers in id order, BATCH at a time, each batch its own
short write transaction. Closing (eligibility) and publishing (selection, allocations) do the same
(results_later): closing may happen in any visitor's page view. The event keys make a retried or
repeated job tell each user once.
"""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from ..database import begin_write
from ..domain.states import ApplicationStatus, CompanyStatus, NotificationKind, ProductStatus, RoundStatus, UserRole
from ..extensions import db
from ..models import Application, Company, Product, Round, User
from . import notices
from .notifications import link_path, notify_all
from .outbox import request_delivery

log = logging.getLogger(__name__)
BATCH = 200
ELIGIBILITY, SELECTION = "eligibility", "selection"
STAGE_STATUSES = {
    ELIGIBILITY: (ApplicationStatus.ELIGIBLE, ApplicationStatus.INELIGIBLE),
    SELECTION: (ApplicationStatus.SELECTED, ApplicationStatus.WAITLISTED, ApplicationStatus.NOT_SELECTED),
}


def announce_later(round_id: int) -> None:
    """Ask a worker to tell the suppliers (app.extensions["announce_round"]); never raises: the round is open."""
    announce = current_app.extensions.get("announce_round", announce_round)
    try:
        announce(round_id)
    except Exception:  # noqa: BLE001 - the opening is saved; `flask draw announce` can tell them later
        db.session.rollback()
        log.exception("Could not queue the announcement of round %s", round_id)


def recipients_after(after_id: int, limit: int, categories: list[str] | None = None):
    """The next `limit` suppliers (by id) who could apply: active users of an approved company with a
    listed product in one of the round's categories (a round without any is for every category)."""
    listed = exists().where(Product.company_id == Company.id, Product.status == ProductStatus.LISTED)
    if categories:
        listed = listed.where(Product.category.in_(categories))
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
    categories = round_.categories
    db.session.commit()
    told, after = 0, 0
    while ids := list(db.session.scalars(recipients_after(after, batch, categories))):
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


def results_later(round_id: int, stage: str) -> None:
    """Ask a worker to tell the applicants (and buyers) a stage's results; never raises: the change is saved."""
    tell = current_app.extensions.get("tell_results", tell_results)
    try:
        tell(round_id, stage)
    except Exception:  # noqa: BLE001 - the change is saved; `flask draw results` can tell them later
        db.session.rollback()
        log.exception("Could not queue the %s results of round %s", stage, round_id)


def tell_results(round_id: int, stage: str, batch: int = BATCH) -> int:
    """Tell each applicant its result at `stage` (eligibility at close, selection at publication), BATCH
    applications to a transaction; at publication each institution's buyers too. Returns the applications."""
    statuses = STAGE_STATUSES.get(stage)
    ids = list(
        db.session.scalars(
            select(Application.id)
            .where(Application.round_id == round_id, Application.status.in_(statuses or ()))
            .order_by(Application.id)
        )
    )
    db.session.commit()
    for start in range(0, len(ids), batch):
        _results_batch(round_id, stage, ids[start : start + batch])
    if stage == SELECTION:
        begin_write()
        notices.allocations_published(db.session.get_one(Round, round_id))
        db.session.commit()
    request_delivery()
    return len(ids)


def _results_batch(round_id: int, stage: str, ids: list[int]) -> None:
    begin_write()
    round_ = db.session.get_one(Round, round_id)
    applications = list(
        db.session.scalars(
            select(Application).where(Application.id.in_(ids)).options(selectinload(Application.product))
        )
    )
    if stage == ELIGIBILITY:
        notices.eligibility_checked(round_, applications)
    else:
        notices.selection_results(round_, applications)
    db.session.commit()
