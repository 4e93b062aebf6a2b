"""Lists of rounds and of applications, a page at a time, with what their tables show loaded up front."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..domain.states import RoundStatus
from ..extensions import db
from ..models import Application, Round, User
from .pages import Page, paginate


def rounds_page(*, public_only: bool, page: int, per_page: int) -> Page[Round]:
    """Rounds newest first; the public sees every round but drafts."""
    query = select(Round).order_by(Round.opens_at.desc(), Round.id.desc())
    if public_only:
        query = query.where(Round.status != RoundStatus.DRAFT)
    return paginate(query, page=page, per_page=per_page)


def application_counts(round_ids: list[int]) -> dict[int, int]:
    """How many applications each of these rounds has (without loading them)."""
    if not round_ids:
        return {}
    rows = db.session.execute(
        select(Application.round_id, func.count())
        .where(Application.round_id.in_(round_ids))
        .group_by(Application.round_id)
    )
    return {round_id: count for round_id, count in rows}


def open_rounds() -> list[Round]:
    """The rounds open for applications, newest first (there are a few at a time)."""
    query = select(Round).where(Round.status == RoundStatus.OPEN).order_by(Round.opens_at.desc(), Round.id.desc())
    return list(db.session.scalars(query))


def round_applications(round_id: int, *, page: int, per_page: int) -> Page[Application]:
    """A round's applications by id, with their companies and products."""
    query = (
        select(Application)
        .where(Application.round_id == round_id)
        .options(selectinload(Application.company), selectinload(Application.product), selectinload(Application.track))
        .order_by(Application.id)
    )
    return paginate(query, page=page, per_page=per_page)


def company_applications(user: User, *, page: int, per_page: int) -> Page[Application]:
    """The user's company's applications, newest first, with their rounds and products."""
    if user.company_id is None:
        return Page.empty(per_page)
    query = (
        select(Application)
        .where(Application.company_id == user.company_id)
        .options(selectinload(Application.round), selectinload(Application.product))
        .order_by(Application.submitted_at.desc(), Application.id.desc())
    )
    return paginate(query, page=page, per_page=per_page)
