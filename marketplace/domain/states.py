"""The states and kinds the database stores, one StrEnum per column: each value is the stored string.

A StrEnum member equals its string, so rows read back as plain strings compare equal to the members.
The models build each column's CHECK constraint from its enum (models/types.py check_in), and the
templates get the enums as globals (navigation.py), so that Python, SQL and the pages name one set.
Labels for people are in reference.py (STATUS_LABELS, ROLE_LABELS) and quota.py (ENTRY_LABELS).
"""

from __future__ import annotations

from enum import StrEnum


class UserRole(StrEnum):
    SUPPLIER = "supplier"
    BUYER = "buyer"
    MINISTRY = "ministry"
    EVALUATOR = "evaluator"  # a member of a round's evaluation committee, invited by the ministry


class CompanyStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUSPENDED = "suspended"


class CertificateStatus(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"
    REVOKED = "revoked"


class ProductStatus(StrEnum):
    DRAFT = "draft"
    LISTED = "listed"
    DELISTED = "delisted"


class InstitutionStatus(StrEnum):
    """PENDING is a join request from the public form; staff approve it (ACTIVE) or decline it (SUSPENDED)."""

    PENDING = "pending"
    ACTIVE = "active"
    SUSPENDED = "suspended"


class QuotaEntryKind(StrEnum):
    COMMIT = "commit"
    AMENDMENT = "amendment"
    CHARGE = "charge"
    RELEASE = "release"


class RoundStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    DRAWN = "drawn"
    PUBLISHED = "published"


class ApplicationStatus(StrEnum):
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    SELECTED = "selected"
    WAITLISTED = "waitlisted"
    NOT_SELECTED = "not_selected"


class AllocationStatus(StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"
    MOVED = "moved"
    SUPERSEDED = "superseded"  # ended by a new draw of its track (the remedy of an upheld objection)


class AllocationChangeKind(StrEnum):
    MOVED = "moved"
    REFILLED = "refilled"


class OrderStatus(StrEnum):
    PLACED = "placed"
    DELIVERED = "delivered"
    INSPECTED = "inspected"
    EVALUATED = "evaluated"
    CANCELLED = "cancelled"


class InspectionResult(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class FollowOnStatus(StrEnum):
    """A follow-on purchase: RECORDED, or CANCELLED by its buyer with a reason (it then counts nowhere)."""

    RECORDED = "recorded"
    CANCELLED = "cancelled"


class CorrectiveActionState(StrEnum):
    """A corrective action (domain/corrective_actions.py): OPENED -> PLAN_SUBMITTED -> ACCEPTED | REJECTED
    (-> PLAN_SUBMITTED again); staff may CLOSE one that is not accepted. Only ACCEPTED and CLOSED are resolved."""

    OPENED = "opened"
    PLAN_SUBMITTED = "plan_submitted"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    CLOSED = "closed"


class CorrectiveActionCause(StrEnum):
    """Why a corrective action was opened: a post-use evaluation under the threshold, or goods rejected."""

    LOW_EVALUATION = "low_evaluation"
    REJECTED_INSPECTION = "rejected_inspection"


class ReliefStatus(StrEnum):
    """An audit-relief certificate version: VALID until a newer version supersedes it or the order is cancelled."""

    VALID = "valid"
    SUPERSEDED = "superseded"
    REVOKED = "revoked"


class JobState(StrEnum):
    """A background job: QUEUED until a worker takes it, RUNNING, then DONE or FAILED (staff may queue it again)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class JobKind(StrEnum):
    DRAW_ESTIMATE = "draw_estimate"
    PURCHASE_REPORT = "purchase_report"


class WindowState(StrEnum):
    """Where a moment falls against a round's application window (computed, not stored)."""

    BEFORE = "before"
    OPEN = "open"
    AFTER = "after"


class Language(StrEnum):
    """The languages a user reads mail in (the UI's languages)."""

    KO = "ko"
    EN = "en"


class TokenPurpose(StrEnum):
    """What a single-use link token does (models OneTimeToken)."""

    SET_PASSWORD = "set_password"  # noqa: S105 - a purpose label, not a secret
    RESET_PASSWORD = "reset_password"  # noqa: S105 - a purpose label, not a secret
    CONFIRM_EMAIL = "confirm_email"


class ApiTokenScope(StrEnum):
    """What an API token may do (models ApiToken): read, or read and place orders."""

    READ = "read"
    WRITE = "write"


class MailStatus(StrEnum):
    """An outbox mail: PENDING until a worker claims it (SENDING), then SENT, or back to PENDING after a
    failed try; FAILED once it has failed the configured number of times."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class NotificationKind(StrEnum):
    """What a notification tells about; each user turns each kind on or off, in the inbox and by mail."""

    ROUND_OPENED = "round_opened"
    ROUND_CLOSING = "round_closing"
    ELIGIBILITY_RESULT = "eligibility_result"
    SELECTION_RESULT = "selection_result"
    ALLOCATION_CHANGED = "allocation_changed"
    ORDER_PLACED = "order_placed"
    ORDER_CANCELLED = "order_cancelled"
    EVALUATION_RECEIVED = "evaluation_received"
    CERTIFICATE_EXPIRING = "certificate_expiring"
    COMPANY_DECIDED = "company_decided"
    CERTIFICATE_DECIDED = "certificate_decided"
    ALLOCATIONS_PUBLISHED = "allocations_published"
    ALLOCATION_EXPIRING = "allocation_expiring"
    EVALUATION_DUE = "evaluation_due"
    QUOTA_LOW = "quota_low"
    REVIEW_WAITING = "review_waiting"
    DAILY_DIGEST = "daily_digest"
    COMMITTEE_ASSIGNED = "committee_assigned"
    OBJECTION_FILED = "objection_filed"
    OBJECTION_DECIDED = "objection_decided"
    NEED_POSTED = "need_posted"
    PROPOSAL_RECEIVED = "proposal_received"


class ConsentContext(StrEnum):
    """Where a person agreed to the privacy notice (models PrivacyConsent)."""

    REGISTRATION = "registration"
    INVITATION = "invitation"


class QuestionStatus(StrEnum):
    """A question asked during a round: ASKED until staff publish an answer, then ANSWERED (published to
    all, without the asker)."""

    ASKED = "asked"
    ANSWERED = "answered"


class ObjectionState(StrEnum):
    """An objection to a round's published result: FILED until staff decide it UPHELD or DISMISSED; an
    upheld one becomes REMEDIED when staff record its remedy (domain/objections.py guards each step)."""

    FILED = "filed"
    UPHELD = "upheld"
    DISMISSED = "dismissed"
    REMEDIED = "remedied"


class ObjectionRemedyKind(StrEnum):
    """What staff did about an upheld objection: corrected scores, an allocation from the waitlist, or a new
    draw of the objecting application's track (services/track_redraws.py)."""

    RESCORED = "rescored"
    REINSTATED = "reinstated"
    REDRAWN = "redrawn"


class RedrawState(StrEnum):
    """A new draw of a track: FROZEN once its manifest and seed event are published, DRAWN once run."""

    FROZEN = "frozen"
    DRAWN = "drawn"


class TrackKind(StrEnum):
    """A round's track: STARTUP for companies founded at most 7 years before the close, GENERAL for a public
    supply record under the threshold the round sets for the track (domain/tracks.py), SMALL for startups and
    first-timers with a public supply record of at most KRW 500,000,000, in monthly batches (domain/small_track.py)."""

    STARTUP = "startup"
    GENERAL = "general"
    SMALL = "small"


class NeedStatus(StrEnum):
    """An institution's need (domain/needs.py): OPEN to proposals until its deadline, then SHORTLISTING
    (shown so from the deadline, stored so when the institution saves its shortlist), EVALUATING once the
    shortlist is sent to the ministry, then SELECTED or CLOSED without a selection; WITHDRAWN by the
    institution before it sends the shortlist."""

    OPEN = "open"
    SHORTLISTING = "shortlisting"
    EVALUATING = "evaluating"
    SELECTED = "selected"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


class ProposalStatus(StrEnum):
    """A supplier's proposal of a product against a need: SUBMITTED (WITHDRAWN before the deadline), then
    SHORTLISTED or NOT_SHORTLISTED by the institution, a shortlisted one SELECTED or NOT_SELECTED."""

    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    SHORTLISTED = "shortlisted"
    NOT_SHORTLISTED = "not_shortlisted"
    SELECTED = "selected"
    NOT_SELECTED = "not_selected"


STATE_ENUMS: tuple[type[StrEnum], ...] = (
    UserRole,
    CompanyStatus,
    CertificateStatus,
    ProductStatus,
    InstitutionStatus,
    QuotaEntryKind,
    RoundStatus,
    ApplicationStatus,
    AllocationStatus,
    AllocationChangeKind,
    OrderStatus,
    InspectionResult,
    FollowOnStatus,
    CorrectiveActionState,
    CorrectiveActionCause,
    ReliefStatus,
    JobState,
    JobKind,
    WindowState,
    Language,
    TokenPurpose,
    ApiTokenScope,
    MailStatus,
    NotificationKind,
    ConsentContext,
    QuestionStatus,
    ObjectionState,
    ObjectionRemedyKind,
    RedrawState,
    TrackKind,
    NeedStatus,
    ProposalStatus,
)
