"""Notifications: which kinds each role gets, the sentence each tells, and when the dated reminders fall.

A notification stores plain values (round code, product names in both languages, amounts, reason codes),
never text: the sentence is chosen here and translated when it is shown or mailed, in the reader's
language. A kind with several outcomes (selected, waitlisted ...) names the outcome as its `variant`.
"""

from __future__ import annotations

from datetime import date, timedelta

from .errors import N_
from .states import NotificationKind as Kind
from .states import UserRole

KINDS_BY_ROLE: dict[str, tuple[Kind, ...]] = {
    UserRole.SUPPLIER: (
        Kind.ROUND_OPENED,
        Kind.ROUND_CLOSING,
        Kind.ELIGIBILITY_RESULT,
        Kind.SELECTION_RESULT,
        Kind.ALLOCATION_CHANGED,
        Kind.ORDER_PLACED,
        Kind.ORDER_CANCELLED,
        Kind.EVALUATION_RECEIVED,
        Kind.CERTIFICATE_EXPIRING,
        Kind.COMPANY_DECIDED,
        Kind.CERTIFICATE_DECIDED,
        Kind.OBJECTION_DECIDED,
        Kind.NEED_POSTED,
    ),
    UserRole.BUYER: (
        Kind.ALLOCATIONS_PUBLISHED,
        Kind.ALLOCATION_EXPIRING,
        Kind.EVALUATION_DUE,
        Kind.QUOTA_LOW,
        Kind.PROPOSAL_RECEIVED,
    ),
    UserRole.MINISTRY: (Kind.REVIEW_WAITING, Kind.DAILY_DIGEST, Kind.OBJECTION_FILED),
    UserRole.EVALUATOR: (Kind.COMMITTEE_ASSIGNED,),
}

KIND_LABELS: dict[str, str] = {
    Kind.ROUND_OPENED: N_("A round opens"),
    Kind.ROUND_CLOSING: N_("A round closes soon and my company has not applied"),
    Kind.ELIGIBILITY_RESULT: N_("Eligibility check results"),
    Kind.SELECTION_RESULT: N_("Selection results"),
    Kind.ALLOCATION_CHANGED: N_("An allocation moved or refilled"),
    Kind.ORDER_PLACED: N_("An order is placed"),
    Kind.ORDER_CANCELLED: N_("An order is cancelled"),
    Kind.EVALUATION_RECEIVED: N_("An evaluation is received"),
    Kind.CERTIFICATE_EXPIRING: N_("A certificate expires soon"),
    Kind.COMPANY_DECIDED: N_("The ministry decides on my company"),
    Kind.CERTIFICATE_DECIDED: N_("The ministry decides on a certificate"),
    Kind.ALLOCATIONS_PUBLISHED: N_("A round is published with allocations for my institution"),
    Kind.ALLOCATION_EXPIRING: N_("An allocation expires soon"),
    Kind.EVALUATION_DUE: N_("An evaluation is due"),
    Kind.QUOTA_LOW: N_("Quota runs low"),
    Kind.REVIEW_WAITING: N_("Companies, certificates and join requests waiting for review"),
    Kind.DAILY_DIGEST: N_("Daily digest"),
    Kind.COMMITTEE_ASSIGNED: N_("Applications are assigned to me for evaluation"),
    Kind.OBJECTION_FILED: N_("An objection to a round's result is filed"),
    Kind.OBJECTION_DECIDED: N_("The ministry decides on my objection"),
    Kind.NEED_POSTED: N_("An institution posts a need in a category of my products"),
    Kind.PROPOSAL_RECEIVED: N_("A supplier proposes a product against my institution's need"),
}

# (kind, variant) -> the sentence; its %(name)s values come from the notification's stored values.
SENTENCES: dict[tuple[str, str], str] = {
    (Kind.ROUND_OPENED, ""): N_("Round %(round)s is open for applications until %(closes)s."),
    (Kind.ROUND_CLOSING, "7"): N_("Round %(round)s closes in 7 days, on %(closes)s, and your company has not applied."),
    (Kind.ROUND_CLOSING, "1"): N_("Round %(round)s closes tomorrow, on %(closes)s, and your company has not applied."),
    (Kind.ELIGIBILITY_RESULT, "eligible"): N_("Your application %(receipt)s to round %(round)s passed the check."),
    (Kind.ELIGIBILITY_RESULT, "ineligible"): N_(
        "Your application %(receipt)s to round %(round)s did not pass the check: %(reasons)s"
    ),
    (Kind.SELECTION_RESULT, "selected"): N_("%(product)s was selected in round %(round)s."),
    (Kind.SELECTION_RESULT, "waitlisted"): N_("%(product)s is on the waitlist of round %(round)s."),
    (Kind.SELECTION_RESULT, "not_selected"): N_(
        "%(product)s was not selected in round %(round)s: its score was below the pass mark of %(pass_mark)s."
    ),
    (Kind.SELECTION_RESULT, "outscored"): N_(
        "%(product)s was not selected in round %(round)s: another proposal scored higher, or as high and earlier."
    ),
    (Kind.ALLOCATION_CHANGED, "moved"): N_(
        "The allocation of %(product)s in round %(round)s moved to %(institution)s. Reason: %(reason)s"
    ),
    (Kind.ALLOCATION_CHANGED, "refilled"): N_(
        "%(product)s got an allocation with %(institution)s in round %(round)s from the waitlist."
    ),
    (Kind.ALLOCATION_CHANGED, "reinstated"): N_(
        "%(product)s got an allocation with %(institution)s in round %(round)s after your objection was upheld."
    ),
    (Kind.ALLOCATION_CHANGED, "redrawn"): N_(
        "%(product)s got an allocation with %(institution)s in round %(round)s in a new draw of its track, the "
        "remedy of an upheld objection."
    ),
    (Kind.ALLOCATION_CHANGED, "superseded"): N_(
        "The allocation of %(product)s with %(institution)s in round %(round)s ended: its track was drawn again "
        "as the remedy of an upheld objection. Reason: %(reason)s"
    ),
    (Kind.ORDER_PLACED, ""): N_("%(institution)s placed order %(order)s for %(product)s, %(amount)s."),
    (Kind.ORDER_CANCELLED, ""): N_("%(institution)s cancelled order %(order)s for %(product)s. Reason: %(reason)s"),
    (Kind.EVALUATION_RECEIVED, ""): N_("%(institution)s evaluated %(product)s (order %(order)s)."),
    (Kind.CERTIFICATE_EXPIRING, ""): N_("Certificate %(number)s expires on %(expires)s, in %(days)s days."),
    (Kind.COMPANY_DECIDED, "approved"): N_("The ministry approved %(company)s."),
    (Kind.COMPANY_DECIDED, "rejected"): N_("The ministry rejected %(company)s. Reason: %(reason)s"),
    (Kind.COMPANY_DECIDED, "suspended"): N_("The ministry suspended %(company)s. Reason: %(reason)s"),
    (Kind.CERTIFICATE_DECIDED, "verified"): N_("The ministry verified certificate %(number)s."),
    (Kind.CERTIFICATE_DECIDED, "rejected"): N_("The ministry rejected certificate %(number)s. Reason: %(reason)s"),
    (Kind.CERTIFICATE_DECIDED, "revoked"): N_("The ministry revoked certificate %(number)s. Reason: %(reason)s"),
    (Kind.ALLOCATIONS_PUBLISHED, ""): N_(
        "Round %(round)s is published with %(count)s allocations for your institution."
    ),
    (Kind.ALLOCATIONS_PUBLISHED, "redrawn"): N_(
        "A track of round %(round)s was drawn again as the remedy of an upheld objection: your institution now "
        "has %(count)s allocations in it, and the ones it had there before take no further order."
    ),
    (Kind.ALLOCATION_EXPIRING, ""): N_(
        "The allocation of %(product)s from round %(round)s can be ordered until %(until)s."
    ),
    (Kind.EVALUATION_DUE, ""): N_("Evaluate order %(order)s for %(product)s by %(due)s."),
    (Kind.QUOTA_LOW, ""): N_("MOU %(mou)s has %(left)s of quota left, %(percent)s%% or less."),
    (Kind.REVIEW_WAITING, "company"): N_("Company %(company)s is waiting for review."),
    (Kind.REVIEW_WAITING, "certificate"): N_("Certificate %(number)s of %(company)s is waiting for review."),
    (Kind.REVIEW_WAITING, "institution"): N_("%(institution)s asked to join the programme."),
    (Kind.COMMITTEE_ASSIGNED, ""): N_("Applications of round %(round)s were assigned to you to evaluate: %(count)s."),
    (Kind.OBJECTION_FILED, ""): N_(
        "Objection %(number)s to the result of round %(round)s was filed; decide it by %(due)s."
    ),
    (Kind.OBJECTION_DECIDED, "upheld"): N_(
        "The ministry upheld your objection to the result of %(product)s in round %(round)s. Reason: %(reason)s"
    ),
    (Kind.OBJECTION_DECIDED, "dismissed"): N_(
        "The ministry dismissed your objection to the result of %(product)s in round %(round)s. Reason: %(reason)s"
    ),
    (Kind.REVIEW_WAITING, "need"): N_(
        "%(institution)s sent the shortlist of need %(need)s for the committee's evaluation."
    ),
    (Kind.NEED_POSTED, ""): N_("%(institution)s posted need %(need)s, %(title)s: proposals until %(deadline)s."),
    (Kind.PROPOSAL_RECEIVED, ""): N_("%(company)s proposed %(product)s against need %(need)s."),
    (Kind.DAILY_DIGEST, ""): N_(
        "Waiting for review: %(companies)s companies, %(certificates)s certificates, %(institutions)s join requests."
    ),
}

ROUND_CLOSING_DAYS = (7, 1)
CERTIFICATE_EXPIRY_DAYS = (60, 30, 7)
ALLOCATION_EXPIRY_DAYS = 7
EVALUATION_DUE_DAYS = 30  # an evaluation is due this many days after the inspection
EVALUATION_REMINDER_DAYS = 7  # reminded this many days before it is due
QUOTA_LOW_PERCENT = 10


def sentence(kind: str, variant: str = "") -> str:
    """The msgid of a notification's sentence; a variant this build does not know falls back to the plain one."""
    return SENTENCES.get((kind, variant)) or SENTENCES.get((kind, "")) or N_("You have a new notification.")


def kinds_for(role: str) -> tuple[Kind, ...]:
    """The kinds a user of `role` may get (and switch on or off)."""
    return KINDS_BY_ROLE.get(role, ())


def days_before(target: date, today: date, thresholds: tuple[int, ...]) -> int | None:
    """The threshold (in days) that `today` is before `target` exactly, or None: a dated reminder fires on
    that Seoul day only, and its event key names the threshold so each fires once."""
    left = (target - today).days
    return left if left in thresholds else None


def evaluation_due_on(inspected_on: date) -> date:
    """The day a buyer's evaluation of an inspected order is due."""
    return inspected_on + timedelta(days=EVALUATION_DUE_DAYS)


def quota_low(left: int, committed: int) -> bool:
    """Whether a quota is at or under QUOTA_LOW_PERCENT of what was committed (and something was)."""
    return committed > 0 and left * 100 <= committed * QUOTA_LOW_PERCENT
