"""What the keys and values of an audit event's before/after mean, for the ministry's audit trail.

The keys are stored in the hash-chained events for ever, so they are never renamed: each one gets a label
here instead, and the values of the keys below are shown as the names of what they code.
"""

from __future__ import annotations

from .errors import N_

FIELD_LABELS = {
    "expires_at": N_("Expires"),
    "name": N_("Token name"),
    "prefix": N_("Starts with"),
    "scope": N_("What it may do"),
    "active": N_("Active"),
    "allocation_before_krw": N_("Allocation left before the order"),
    "allocation_id": N_("Selection ID"),
    "allocations_valid_until": N_("Selections valid until"),
    "amount_krw": N_("Amount"),
    "track": N_("Track"),
    "tracks": N_("Tracks"),
    "application_id": N_("Application ID"),
    "added_application_id": N_("Application taken into the pool"),
    "superseded": N_("Selections ended by the new draw"),
    "allocations": N_("Selection IDs"),
    "as_of": N_("As of"),
    "balance_after": N_("Quota left after"),
    "balance_krw": N_("Remaining quota"),
    "brn": N_("Business registration number"),
    "budgets": N_("Budgets by institution"),
    "cap_krw": N_("Cap per application"),
    "category": N_("Category"),
    "cause": N_("Cause"),
    "certificate_id": N_("Certificate ID"),
    "certificate_ids": N_("Certificate IDs"),
    "closes_at": N_("Closes"),
    "answer": N_("Answer"),
    "code": N_("Code"),
    "committed_krw": N_("Committed amount"),
    "conformance": N_("Conformance to specification"),
    "contact_email": N_("Contact e-mail"),
    "contract_method": N_("Contract method"),
    "contracted_on": N_("Contract date"),
    "count": N_("Number of public contracts"),
    "delivered_on": N_("Delivered on"),
    "delivery": N_("Delivery"),
    "delta_krw": N_("Change"),
    "description": N_("Description"),
    "document_id": N_("Document ID"),
    "due_on": N_("Due date"),
    "eligible": N_("Eligible"),
    "email": N_("E-mail"),
    "expires_on": N_("Expires on"),
    "facts_sha256": N_("Facts SHA-256"),
    "file": N_("Stored file"),
    "finding": N_("Finding"),
    "founded_on": N_("Founded on"),
    "freed_allocation_id": N_("Freed selection ID"),
    "ineligible": N_("Ineligible"),
    "institution": N_("Institution"),
    "issued_on": N_("Issued on"),
    "kind": N_("Kind"),
    "krw": N_("Public-supply amount"),
    "late_reason": N_("Reason for the late registration"),
    "manifest_sha256": N_("Manifest SHA-256"),
    "model": N_("Model"),
    "name_en": N_("Name (English)"),
    "name_ko": N_("Name (Korean)"),
    "note": N_("Note"),
    "number": N_("Number"),
    "opens_at": N_("Opens"),
    "order": N_("Order no."),
    "order_status": N_("States the order as"),
    "ordered_on": N_("Contract date"),
    "overall": N_("Overall"),
    "pass_mark": N_("Pass mark"),
    "pdf_sha256": N_("PDF SHA-256"),
    "pdf_sha256_by_language": N_("PDF SHA-256 by language"),
    "plan": N_("Corrective plan"),
    "pool": N_("Applications in the pool"),
    "preferred": N_("Preferred institutions"),
    "public_supply_as_of": N_("Public-supply record as of"),
    "public_supply_count": N_("Number of public contracts"),
    "public_supply_krw": N_("Public-supply amount"),
    "quality": N_("Quality"),
    "quantity": N_("Quantity"),
    "quota_before_krw": N_("Quota before the order"),
    "reason": N_("Reason"),
    "reasons": N_("Reasons"),
    "receipt_no": N_("Receipt"),
    "reference": N_("Contract reference number"),
    "region": N_("Region"),
    "released_krw": N_("Released to the quota"),
    "representative": N_("Representative"),
    "result": N_("Result"),
    "revoked_at": N_("Revoked at"),
    "role": N_("Role"),
    "rule_published_at": N_("Rules published at"),
    "scores": N_("Scores"),
    "seed": N_("Seed"),
    "seed_event": N_("Seed event"),
    "selected": N_("Selected"),
    "serial": N_("Serial number"),
    "sha256": N_("SHA-256"),
    "size_class": N_("Size class"),
    "small_record_limit_krw": N_("Small public-supply record limit"),
    "specification": N_("Specification"),
    "state": N_("Status"),
    "status": N_("Status"),
    "superseded_by": N_("Superseded by"),
    "supersedes": N_("Supersedes"),
    "support": N_("Support"),
    "tier": N_("Weight tier"),
    "title_en": N_("Title (English)"),
    "title_ko": N_("Title (Korean)"),
    "total": N_("Total score"),
    "type": N_("Certificate type"),
    "unit": N_("Unit"),
    "unit_price_krw": N_("Unit price"),
    "version": N_("Version"),
    "waitlisted": N_("Waitlisted"),
    "weights": N_("Weights"),
    "would_buy_again": N_("Would buy again"),
    "question": N_("Question"),
    "documents": N_("Documents (SHA-256)"),
    "result_version": N_("Result version"),
    "round": N_("Round"),
    "applications": N_("Application IDs"),
    "comments": N_("Comments"),
    "minutes_sha256": N_("Minutes SHA-256"),
    "members": N_("Members who scored"),
    "budget_krw": N_("Budget"),
    "need": N_("Institution's need"),
    "product_id": N_("Product ID"),
    "proposals": N_("Proposals"),
    "selected_proposal": N_("Selected proposal ID"),
    "shortlisted": N_("Shortlisted"),
}

# Amounts in won whose key does not end in _krw (kept as first recorded).
MONEY_KEYS = frozenset({"balance_after", "krw"})

# Keys whose value is a state of the record (STATUS_LABELS).
STATE_KEYS = frozenset({"status", "order_status", "result"})

# What a report document is (report.generated's kind).
REPORT_KINDS = {"purchase_report": N_("Purchase report"), "relief_register": N_("Audit-relief register")}

# The scores of application.scored, in the order they are recorded.
SCORE_LABELS = (N_("Innovation"), N_("Capability"), N_("Need"))

# Who recorded an event that no person did (a round closing by itself, a join request).
SYSTEM_ROLE = N_("System")


def is_money(key: str) -> bool:
    return key.endswith("_krw") or key in MONEY_KEYS
