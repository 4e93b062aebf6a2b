"""Corrective actions after a pilot purchase: when one opens, its guarded transitions, and what it blocks.

One opens by itself when a buyer's post-use evaluation has an overall score under the threshold
(CORRECTIVE_ACTION_SCORE, default 3 on the 1-to-5 scale: "poor" and "very poor") or when the goods are
rejected at inspection. The supplier answers with a plan and a due date; staff accept it, or reject it
with a reason (the supplier then submits a new plan); staff may also close one that is not accepted, with a
reason (say the finding was withdrawn). While any of a company's corrective actions is neither accepted
nor closed, the company cannot apply to a round.
"""

from __future__ import annotations

from datetime import date

from .errors import N_, DomainError
from .states import CorrectiveActionState as State

DEFAULT_SCORE_THRESHOLD = 3
MAX_TEXT = 4000

RESOLVED = frozenset({State.ACCEPTED, State.CLOSED})
BLOCKING = frozenset(State) - RESOLVED

# action -> (states it may start from, state it leads to, who takes it, reason required)
TRANSITIONS: dict[str, tuple[frozenset[State], State, str, bool]] = {
    "submit_plan": (frozenset({State.OPENED, State.REJECTED}), State.PLAN_SUBMITTED, "supplier", False),
    "accept": (frozenset({State.PLAN_SUBMITTED}), State.ACCEPTED, "ministry", False),
    "reject": (frozenset({State.PLAN_SUBMITTED}), State.REJECTED, "ministry", True),
    "close": (frozenset({State.OPENED, State.PLAN_SUBMITTED, State.REJECTED}), State.CLOSED, "ministry", True),
}
STAFF_DECISIONS = ("accept", "reject", "close")

BLOCKED_MESSAGE = N_(
    "Your company cannot apply while a corrective action is not accepted: %(numbers)s. "
    "Submit a corrective plan and wait for the ministry to accept it."
)


class CorrectiveActionRefused(DomainError):
    """The corrective action cannot be moved this way."""


def action_number(action_id: int) -> str:
    """CA-000012: how pages and the refusal of an application name a corrective action."""
    return f"CA-{action_id:06d}"


def needs_corrective_action(overall_score: int, threshold: int) -> bool:
    """An evaluation whose overall score is under the threshold opens a corrective action."""
    return overall_score < threshold


def transition(action: str, current: str, reason: str = "") -> State:
    """The state `action` leads to from `current`; CorrectiveActionRefused when it may not be taken."""
    if action not in TRANSITIONS:
        raise CorrectiveActionRefused(N_("Unknown action."))
    sources, target, _who, needs_reason = TRANSITIONS[action]
    if current not in sources:
        raise CorrectiveActionRefused(N_("This step is not possible in the corrective action's current state."))
    if needs_reason and not (reason or "").strip():
        raise CorrectiveActionRefused(N_("Give a reason: the supplier will see it."))
    if len(reason or "") > MAX_TEXT:
        raise CorrectiveActionRefused(N_("Keep the text under %(limit)s characters."), limit=f"{MAX_TEXT:,}")
    return target


def check_plan(plan: str, due_on: date, today: date) -> str:
    """The trimmed plan; CorrectiveActionRefused without one, when too long, or due today or earlier."""
    text = (plan or "").strip()
    if not text:
        raise CorrectiveActionRefused(N_("Describe what you will do to correct the problem."))
    if len(text) > MAX_TEXT:
        raise CorrectiveActionRefused(N_("Keep the text under %(limit)s characters."), limit=f"{MAX_TEXT:,}")
    if due_on <= today:
        raise CorrectiveActionRefused(N_("The due date must be after today."))
    return text


def blocks_applications(state: str) -> bool:
    return state in BLOCKING


def may(action: str, current: str) -> bool:
    return action in TRANSITIONS and current in TRANSITIONS[action][0]
