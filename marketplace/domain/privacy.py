"""Personal information (개인정보 보호법, PIPA): the notice's version, what closing an account removes and keeps.

The privacy policy page (templates/public/privacy_*.html) states the same facts in words; a test holds
the page to POLICY_VERSION and to the items listed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .errors import N_, DomainError

# The version of the privacy notice and terms a consent refers to; a new text gets a new version.
POLICY_VERSION = "2026-12-01"
POLICY_EFFECTIVE = date(2026, 12, 1)

# Closing an account: columns of the user row that hold personal details, and what each becomes.
# The row itself stays: orders, evaluations, audit-relief certificates and the audit trail name it by id.
CLEARED_ON_CLOSE = (
    "email",  # replaced by closed-<id>@invalid: the address is free to register again
    "name",  # replaced by a pseudonym ("account <id>")
    "password_hash",
    "totp_secret",
    "totp_last_step",
    "pending_email",
    "last_login_at",
    "login_retry_at",
    "email_confirmed_at",
)
# Rows that only serve the account, deleted on close (table names).
DELETED_ON_CLOSE = ("one_time_tokens", "login_failures", "recovery_codes", "outbox_mails")
# Records the program must keep (국가재정법 and 공공기록물 관리에 관한 법률: five years after the fiscal year)
# and that therefore keep what they hold about the person when the account closes.
KEPT_ON_CLOSE = ("orders", "evaluations", "audit_relief_certificates", "audit_events", "privacy_consents")


def closed_email(user_id: int) -> str:
    """The address a closed account keeps: unique, never deliverable (.invalid is reserved, RFC 2606)."""
    return f"closed-{user_id}@invalid"


def closed_name(user_id: int) -> str:
    """The name a closed account keeps, shown wherever the program's records name it."""
    return f"#{user_id}"


class AccountCannotClose(DomainError):
    """The account cannot be closed now; the message says why."""


@dataclass(frozen=True)
class ClosingFacts:
    """What decides whether an account may close."""

    already_closed: bool
    last_user_of_company: bool  # a supplier whose company has no other active user
    open_applications: int  # the company's applications not yet decided (submitted, eligible, ...)
    open_orders: int  # orders of the company's products still running (placed, delivered)


def check_can_close(facts: ClosingFacts) -> None:
    """Refuse closing while the company would be left with running business and nobody to answer for it.

    The last active user of a supplier company may close only when the company has no application
    waiting for a decision and no order still running: the ministry and buyers must be able to reach
    someone about them. Otherwise the company stays (its records are the program's) with no user; a
    colleague can register again or ask the ministry. Raises AccountCannotClose.
    """
    if facts.already_closed:
        raise AccountCannotClose(N_("This account is already closed."))
    if facts.last_user_of_company and (facts.open_applications or facts.open_orders):
        raise AccountCannotClose(
            N_(
                "You are the last user of your company, and it has %(applications)d application(s) waiting "
                "for a decision and %(orders)d order(s) still running. Withdraw the applications or wait "
                "until the orders are inspected, or ask a colleague to join first, then close the account."
            ),
            applications=facts.open_applications,
            orders=facts.open_orders,
        )


# The sections of "My data" (services/privacy.py personal_data): one per column that refers to a user,
# plus the account row, events about the account, and the account's company or institution. A test
# keeps this list equal to the columns the models have.
SECTION_LABELS = {
    "account": N_("Your account"),
    "privacy_consents.user_id": N_("Your consents"),
    "one_time_tokens.user_id": N_("Links sent to you (set password, reset, confirm address)"),
    "login_failures.user_id": N_("Failed sign-ins"),
    "recovery_codes.user_id": N_("Recovery codes"),
    "outbox_mails.user_id": N_("Mail to you"),
    "form_submissions.user_id": N_("Forms you submitted (repeat protection)"),
    "audit_events.actor_id": N_("Audit trail: what you did"),
    "audit_events.about_account": N_("Audit trail: events about your account"),
    "companies.decided_by_id": N_("Companies you decided on"),
    "certificates.decided_by_id": N_("Certificates you decided on"),
    "stored_files.uploaded_by_id": N_("Files you uploaded"),
    "quota_entries.actor_id": N_("Quota entries you made"),
    "jobs.requested_by_id": N_("Reports and jobs you requested"),
    "report_documents.generated_by_id": N_("Reports you generated"),
    "draws.frozen_by_id": N_("Pools you froze"),
    "draws.drawn_by_id": N_("Draws you ran"),
    "seed_event_announcements.announced_by_id": N_("Seed events you announced"),
    "allocation_changes.actor_id": N_("Allocation changes you made"),
    "orders.buyer_id": N_("Orders you recorded"),
    "evaluations.created_by_id": N_("Evaluations you wrote"),
    "round_questions.asked_by_id": N_("Questions you asked"),
    "round_questions.answered_by_id": N_("Questions you answered"),
    "objections.filed_by_id": N_("Objections you filed"),
    "objections.decided_by_id": N_("Objections you decided"),
    "objections.remedied_by_id": N_("Remedies you recorded for objections"),
    "notifications.recipient_id": N_("Your notifications"),
    "notification_preferences.user_id": N_("Your notification settings"),
    "api_tokens.user_id": N_("Your API tokens"),
    "follow_on_purchases.buyer_id": N_("Follow-on purchases you recorded"),
    "committee_members.user_id": N_("Evaluation committees you were named to"),
    "committee_members.named_by_id": N_("Committee members you named"),
    "committee_assignments.user_id": N_("Your declarations, recusals and scores as a committee member"),
    "rounds.scores_finalised_by_id": N_("Committee scores you finalised"),
    "track_redraws.frozen_by_id": N_("New draws of a track you froze"),
    "track_redraws.drawn_by_id": N_("New draws of a track you ran"),
    "needs.posted_by_id": N_("Needs you posted"),
    "need_proposals.proposed_by_id": N_("Proposals you made against needs"),
    "company": N_("Your company"),
    "institution": N_("Your institution"),
}


# Keys of audit-event values that hold a person's details (user.created, buyer.invited, e-mail changes).
PERSONAL_KEYS = frozenset({"email", "name", "contact_email", "contact_name"})


def masked(values: dict | None) -> dict | None:
    """An audit event's values with a closed account's personal details blanked, for display and export.

    The stored event keeps them (it is never rewritten: its hash chain must verify, and the audit trail is a
    record the law requires); pages and exports show them only while the account is open (PIPA art. 21(3):
    kept apart from ordinary use)."""
    if not isinstance(values, dict):
        return values
    return {key: (None if key in PERSONAL_KEYS else value) for key, value in values.items()}
