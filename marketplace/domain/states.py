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


class MailStatus(StrEnum):
    """An outbox mail: PENDING until a worker claims it (SENDING), then SENT, or back to PENDING after a
    failed try; FAILED once it has failed the configured number of times."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class ConsentContext(StrEnum):
    """Where a person agreed to the privacy notice (models PrivacyConsent)."""

    REGISTRATION = "registration"
    INVITATION = "invitation"


class QuestionStatus(StrEnum):
    """A question asked during a round: ASKED until staff publish an answer, then ANSWERED (published to
    all, without the asker)."""

    ASKED = "asked"
    ANSWERED = "answered"


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
    ReliefStatus,
    JobState,
    JobKind,
    WindowState,
    Language,
    TokenPurpose,
    MailStatus,
    ConsentContext,
    QuestionStatus,
)
