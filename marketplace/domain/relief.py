"""Audit-relief certificates as plain rules: when a version may be issued, serials, codes, the commitment."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from .errors import N_, DomainError
from .states import OrderStatus, QuotaEntryKind, ReliefStatus

STATUSES = tuple(ReliefStatus)

# No 0/O, 1/I: a code read from paper or over the phone is typed without doubt. 12 of 32 symbols: 60 bits.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 12
CODE_GROUP = 4
MAX_CODE_INPUT = 40  # what a person could type for a code, spaces and dashes included


class CertificateRefused(DomainError):
    """No audit-relief certificate (or no new version) can be issued for this order now."""


def check_issuable(order_status: str, declared: bool, attested: str | None) -> None:
    """Raise CertificateRefused unless a certificate (or a new version) may be issued.

    `attested` is the order status the current valid version states (None when there is none):
    a new version is issued only when the order's status has changed since, that is after delivery,
    inspection or evaluation. A cancelled order gets none; nor does one without the declaration.
    """
    if order_status == OrderStatus.CANCELLED:
        raise CertificateRefused(N_("The order was cancelled; no audit-relief certificate is issued for it."))
    if not declared:
        raise CertificateRefused(N_("The buyer has not declared the absence of private interest for this order."))
    if attested is not None and attested == order_status:
        raise CertificateRefused(
            N_(
                "The current certificate already states the order as it is now. A new "
                "version can be issued after delivery, inspection or evaluation."
            )
        )


def may_issue(order_status: str, declared: bool, attested: str | None) -> bool:
    try:
        check_issuable(order_status, declared, attested)
    except CertificateRefused:
        return False
    return True


def versioned_serial(base: str, version: int) -> str:
    """Version 1 has the base serial (PP-2018-000123); later versions add their number (PP-2018-000123-2)."""
    return base if version == 1 else f"{base}-{version}"


def new_code(choice=secrets.choice) -> str:
    """A random verification code, e.g. 'K7QM-2XHD-9RTB'."""
    symbols = "".join(choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(symbols[i : i + CODE_GROUP] for i in range(0, CODE_LENGTH, CODE_GROUP))


def normalize_code(text: str | None) -> str:
    """What a person typed, as the code's symbols: capitals, no spaces or dashes ('' when too long)."""
    text = (text or "")[: MAX_CODE_INPUT + 1]
    if len(text) > MAX_CODE_INPUT:
        return ""
    return "".join(c for c in text.upper() if c.isascii() and c.isalnum())


def code_matches(stored: str, given: str | None) -> bool:
    """True when `given` is the stored code (dashes, spaces and case aside), compared in constant time."""
    typed = normalize_code(given)
    return bool(typed) and hmac.compare_digest(normalize_code(stored).encode(), typed.encode())


@dataclass(frozen=True)
class LedgerLine:
    """A commitment or amendment of an MOU's quota ledger: signed amount, when recorded, its chain position."""

    kind: str
    amount: int
    recorded_at: datetime
    seq: int


def commitment_on(lines: Iterable[LedgerLine], day_ends: datetime, order_seq: int | None) -> int:
    """The MOU's committed amount as it stood on an order's contract date.

    The commitment entry counts always (the signed MOU). An amendment counts when it was recorded
    before the end of the contract date (`day_ends`: the next midnight in Seoul) and before the order's
    own charge in the ledger (`order_seq`, when known): the commitment on that day, never counting an
    amendment made after the order was recorded (a same-day order was checked against the quota
    without it; its certificate states what the check saw).
    """
    total = 0
    for line in lines:
        if (
            line.kind == QuotaEntryKind.COMMIT
            or line.kind == QuotaEntryKind.AMENDMENT
            and line.recorded_at < day_ends
            and (order_seq is None or line.seq < order_seq)
        ):
            total += line.amount
    return total
