"""Corrective actions: opened inside the evaluation's or inspection's transaction, answered by the supplier
with a plan, decided by staff; and the list of a company's unresolved ones that blocks its applications."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..database import begin_write
from ..domain import corrective_actions as rules
from ..domain.errors import N_, DomainError, NotFound
from ..domain.states import CorrectiveActionCause, CorrectiveActionState
from ..extensions import db
from ..models import CorrectiveAction, Order, User
from ..models.types import utcnow
from .audit import record_event
from .clock import seoul_today
from .pages import Page, paginate


def score_threshold() -> int:
    """CORRECTIVE_ACTION_SCORE: an overall evaluation score under it opens a corrective action."""
    return int(current_app.config.get("CORRECTIVE_ACTION_SCORE", rules.DEFAULT_SCORE_THRESHOLD))


def _open(actor: User, order: Order, cause: CorrectiveActionCause, finding: str) -> CorrectiveAction | None:
    """Add a corrective action for the order to the caller's transaction, unless the order has one."""
    if db.session.scalar(select(CorrectiveAction.id).where(CorrectiveAction.order_id == order.id)) is not None:
        return None
    action = CorrectiveAction(
        order_id=order.id,
        company_id=order.product.company_id,
        product_id=order.product_id,
        institution_id=order.institution_id,
        cause=cause,
        finding=finding,
        state=CorrectiveActionState.OPENED,
    )
    db.session.add(action)
    record_event(
        actor,
        "corrective_action.opened",
        action,
        after={"order": order.number, "cause": cause, "finding": finding, "state": CorrectiveActionState.OPENED},
    )
    return action


def open_after_evaluation(actor: User, order: Order, overall: int) -> CorrectiveAction | None:
    """In the evaluation's transaction: open one when the overall score is under the threshold."""
    threshold = score_threshold()
    if not rules.needs_corrective_action(overall, threshold):
        return None
    return _open(actor, order, CorrectiveActionCause.LOW_EVALUATION, f"{overall}/5 < {threshold}")


def open_after_rejection(actor: User, order: Order) -> CorrectiveAction | None:
    """In the inspection's transaction: open one for goods rejected at inspection."""
    return _open(actor, order, CorrectiveActionCause.REJECTED_INSPECTION, order.inspection_note)


def _locked(action_id: int) -> CorrectiveAction | None:
    return db.session.scalar(
        select(CorrectiveAction)
        .where(CorrectiveAction.id == action_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def submit_plan(
    supplier: User, action_id: int, plan: str, due_on: date, *, today: date | None = None, now: datetime | None = None
) -> CorrectiveAction:
    """The supplier's corrective plan and its due date (after today in Seoul); NotFound for another company's."""
    company_id, day = supplier.company_id, today or seoul_today()
    begin_write()
    action = _locked(action_id)
    if action is None or company_id is None or action.company_id != company_id:
        db.session.rollback()
        raise NotFound(N_("There is no such corrective action for your company."))
    try:
        target = rules.transition("submit_plan", action.state)
        text = rules.check_plan(plan, due_on, day)
    except DomainError:
        db.session.rollback()
        raise
    before = action.state
    action.state, action.plan, action.due_on, action.plan_submitted_at = target, text, due_on, now or utcnow()
    record_event(
        supplier,
        "corrective_action.plan_submitted",
        action,
        before={"state": before},
        after={"state": target, "plan": text, "due_on": due_on.isoformat()},
    )
    db.session.commit()
    return action


def decide(staff: User, action_id: int, decision: str, reason: str, *, now: datetime | None = None) -> CorrectiveAction:
    """Staff accept or reject the plan, or close the action; reject and close need a reason."""
    begin_write()
    action = _locked(action_id)
    if action is None:
        db.session.rollback()
        raise NotFound(N_("There is no such corrective action."))
    try:
        if decision not in rules.STAFF_DECISIONS:
            raise rules.CorrectiveActionRefused(N_("Unknown action."))
        target = rules.transition(decision, action.state, reason)
    except DomainError:
        db.session.rollback()
        raise
    before = action.state
    action.state, action.decision_reason, action.decided_at = target, (reason or "").strip(), now or utcnow()
    record_event(
        staff,
        f"corrective_action.{target}",
        action,
        before={"state": before},
        after={"state": target},
        reason=action.decision_reason,
    )
    db.session.commit()
    return action


# --- what blocks applications --------------------------------------------------------------------


def blocking_numbers(company_id: int | None) -> list[str]:
    """The numbers of the company's corrective actions that are neither accepted nor closed, oldest first."""
    if company_id is None:
        return []
    ids = db.session.scalars(
        select(CorrectiveAction.id)
        .where(CorrectiveAction.company_id == company_id, CorrectiveAction.state.in_(rules.BLOCKING))
        .order_by(CorrectiveAction.id)
    )
    return [rules.action_number(action_id) for action_id in ids]


def blocked_companies(company_ids: Iterable[int]) -> set[int]:
    """Which of the companies have a corrective action that is neither accepted nor closed; one query."""
    ids = set(company_ids)
    if not ids:
        return set()
    return set(
        db.session.scalars(
            select(CorrectiveAction.company_id)
            .where(CorrectiveAction.company_id.in_(ids), CorrectiveAction.state.in_(rules.BLOCKING))
            .distinct()
        )
    )


def require_not_blocked(company_id: int | None) -> None:
    """Raise ApplicationBlocked naming the company's unresolved corrective actions, if it has any."""
    if numbers := blocking_numbers(company_id):
        raise ApplicationBlocked(rules.BLOCKED_MESSAGE, numbers=", ".join(numbers))


class ApplicationBlocked(rules.CorrectiveActionRefused):
    """The company has a corrective action that is not accepted: it cannot apply."""


# --- reading -------------------------------------------------------------------------------------

_LOAD = (
    joinedload(CorrectiveAction.order),
    joinedload(CorrectiveAction.product),
    joinedload(CorrectiveAction.company),
    joinedload(CorrectiveAction.institution),
)


def company_actions(company_id: int | None, *, page: int, per_page: int) -> Page[CorrectiveAction]:
    if company_id is None:
        return Page.empty(per_page)
    query = (
        select(CorrectiveAction)
        .options(*_LOAD)
        .where(CorrectiveAction.company_id == company_id)
        .order_by(CorrectiveAction.id.desc())
    )
    return paginate(query, page=page, per_page=per_page)


def all_actions(state: str | None, *, page: int, per_page: int) -> Page[CorrectiveAction]:
    """Every corrective action, newest first, of one state (any other value: all)."""
    query = select(CorrectiveAction).options(*_LOAD).order_by(CorrectiveAction.id.desc())
    if state in tuple(CorrectiveActionState):
        query = query.where(CorrectiveAction.state == state)
    return paginate(query, page=page, per_page=per_page)


def action_for_company(user: User, action_id: int) -> CorrectiveAction:
    action = db.session.scalar(select(CorrectiveAction).options(*_LOAD).where(CorrectiveAction.id == action_id))
    if action is None or user.company_id is None or action.company_id != user.company_id:
        raise NotFound(N_("There is no such corrective action for your company."))
    return action


def action_for_staff(action_id: int) -> CorrectiveAction:
    action = db.session.scalar(select(CorrectiveAction).options(*_LOAD).where(CorrectiveAction.id == action_id))
    if action is None:
        raise NotFound(N_("There is no such corrective action."))
    return action


def action_of_order(order_id: int) -> CorrectiveAction | None:
    return db.session.scalar(select(CorrectiveAction).where(CorrectiveAction.order_id == order_id))
