"""Audit-relief certificates as use cases: the buyer issues one (and later versions); cancelling revokes them.

Reading them (versions, the stored PDFs in each language) is in services/relief_downloads.py.

Viewing never issues. The facts are read and the PDF rendered outside any write transaction; the store
re-checks under the order's row lock, which the cancellation takes as well, so a certificate is either
stored before the cancellation (which then revokes it in its own transaction) or refused after it. The
write lock is held only for that check and the inserts (see issue() for how serials are numbered).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select, text

from ..database import begin_write
from ..domain.errors import N_, DomainError, NotFound
from ..domain.hashing import canonical_json, sha256_hex
from ..domain.relief import check_issuable, new_code, versioned_serial
from ..domain.states import ReliefStatus
from ..extensions import db
from ..models import AuditReliefCertificate, Order, ReliefCertificateRendition, User
from ..models.types import utcnow
from ..reports.certificates import Rendered, render
from .audit import record_event
from .relief_downloads import versions_of
from .relief_facts import Stamp, certificate_facts, load_order
from .relief_serials import hold, next_serial, numbering_contended, release, reserved_serial

ISSUE_ATTEMPTS = 4  # renders outside the lock; only an order whose facts keep moving gets a last one under it
Certificate = AuditReliefCertificate
Rendition = ReliefCertificateRendition
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Draft:
    order_id: int
    institution_id: int
    stamp: Stamp
    previous_id: int | None
    order_status: str
    code: str
    rendered: Rendered  # its PDFs: the issuing language first


def issue(buyer: User, order_id: int, language: str = "ko", *, now: datetime | None = None) -> Certificate:
    """Issue the order's audit-relief certificate, or its next version, for the buyer's institution.

    The order is read, checked and its PDF rendered outside any write transaction. Then the order row is
    locked and its plan and facts computed again: when they are still the draft's, the draft is stored,
    so the lock is held for that check and the inserts only. When anything moved, the lock is let go and
    the draft made again. A first version's serial is the next free one when it is stored; when another
    certificate took it meanwhile, the serial the order gets now is reserved for it (in that short
    transaction; see relief_serials.py), so the next render keeps its number. While other certificates
    are being issued (reservations held, or one issued a moment ago), a first version reserves its serial
    before its first render instead. Only an order whose own facts keep moving render after render gets
    its last attempt rendered under the lock, so that nothing can starve the buyer. A new version
    supersedes the valid one. Every version is rendered in every language of the app from the same facts:
    the PDF in `language` (the buyer's) is the certificate's own, the others are its renditions, all
    stored together and all their SHA-256 recorded in the issue's audit event.
    Raises NotFound (another institution's order) or CertificateRefused.
    """
    institution_id, buyer_id = buyer.institution_id, buyer.id
    issued_at = (now or utcnow()).replace(microsecond=0)
    for attempt in range(ISSUE_ATTEMPTS):
        locked = attempt == ISSUE_ATTEMPTS - 1
        try:
            if locked:
                log.warning("order %s moved during %s certificate renders: rendering under the lock", order_id, attempt)
                _lock(order_id)
            elif attempt == 0 and numbering_contended(order_id, issued_at):
                _reserve(order_id, institution_id, issued_at)
            draft = _draft(order_id, institution_id, language, issued_at, locked=locked)
            if not locked and not _still_true(draft):
                continue
        except DomainError:
            db.session.rollback()
            raise
        return _store(draft, buyer_id)
    raise AssertionError("the last attempt stores or raises")  # pragma: no cover


def _lock(order_id: int) -> None:
    """Open the write transaction: one issuer numbers at a time (PostgreSQL), then the order row."""
    begin_write()
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(hashtext('audit_relief_certificate_serial'))"))
    db.session.scalar(select(Order.id).where(Order.id == order_id).with_for_update())


def _plan(order_id: int, institution_id: int | None, issued_at: datetime):
    """The order read afresh, checked, and the stamp its next version gets: (order, stamp, current)."""
    order = load_order(order_id)
    if order is None or institution_id is None or order.institution_id != institution_id:
        raise NotFound(N_("There is no such order among yours."))
    versions = versions_of(order_id)
    current = next((v for v in versions if v.status == ReliefStatus.VALID), None)
    check_issuable(order.status, bool(order.no_private_interest), current.order_status if current else None)
    return order, _next_stamp(order, versions, current, issued_at), current


def _next_stamp(order: Order, versions: list[Certificate], current: Certificate | None, issued_at: datetime) -> Stamp:
    """The next version's number and serial: the first version's serial with the number, or for a first
    version the serial reserved for the order, else the next free one."""
    if versions:
        version = versions[-1].version + 1
        return Stamp(
            versioned_serial(versions[0].serial, version), version, issued_at, current.serial if current else None
        )
    return Stamp(reserved_serial(order.id) or next_serial(order), 1, issued_at)


def _draft(order_id: int, institution_id: int | None, language: str, issued_at: datetime, *, locked: bool) -> _Draft:
    """The next version planned, its facts and its PDF; unless `locked`, rendered with no transaction open."""
    order, stamp, current = _plan(order_id, institution_id, issued_at)
    facts = certificate_facts(order, stamp)
    kept = (order.institution_id, stamp, current.id if current else None, order.status)
    if not locked:
        db.session.commit()  # end the read (and anything the caller left open, as begin_write() would)
    code = new_code()
    return _Draft(order_id, *kept, code, render(facts, code, issuing_order(language)))


def issuing_order(language: str) -> list[str]:
    """Every language of the app, the one the certificate is issued in first."""
    languages = list(current_app.config["LANGUAGES"])
    return [language] + [other for other in languages if other != language]


def _still_true(draft: _Draft) -> bool:
    """Lock the order and check the draft: the same version, serial and facts as rendered.

    True with the lock held (store now). False with the lock let go: make the draft again. A first
    version whose serial was taken meanwhile first gets the serial it would have now reserved, and that
    committed. CertificateRefused when the order can no longer have one.
    """
    _lock(draft.order_id)
    order, stamp, current = _plan(draft.order_id, draft.institution_id, draft.stamp.issued_at)
    if (
        stamp == draft.stamp
        and (current.id if current else None) == draft.previous_id
        and order.status == draft.order_status
        and canonical_json(certificate_facts(order, stamp)) == draft.rendered.facts_json
    ):
        return True
    if stamp.serial != draft.stamp.serial:
        hold(order.id, stamp)
    else:
        db.session.rollback()
    return False


def _reserve(order_id: int, institution_id: int | None, issued_at: datetime) -> None:
    """Reserve the serial of the order's first version now, in a transaction of its own."""
    _lock(order_id)
    _order, stamp, _current = _plan(order_id, institution_id, issued_at)
    hold(order_id, stamp)


def _store(draft: _Draft, buyer_id: int) -> Certificate:
    actor = db.session.get(User, buyer_id)
    previous = db.session.get(Certificate, draft.previous_id) if draft.previous_id else None
    if previous is not None:
        previous.status, previous.superseded_at = ReliefStatus.SUPERSEDED, draft.stamp.issued_at
        db.session.flush()  # before the new valid version: at most one valid per order (partial unique index)
    if draft.stamp.version == 1:  # its number is now the certificate's (the reservation, if any, is used)
        release(draft.order_id)
    rendered = draft.rendered
    language, *others = rendered.pdfs
    certificate = Certificate(
        order_id=draft.order_id,
        version=draft.stamp.version,
        serial=draft.stamp.serial,
        verification_code=draft.code,
        order_status=draft.order_status,
        issued_at=draft.stamp.issued_at,
        language=language,
        facts_json=rendered.facts_json,
        facts_sha256=rendered.facts_sha256,
        pdf=rendered.pdf,
        pdf_sha256=sha256_hex(rendered.pdf),
        status=ReliefStatus.VALID,
    )
    certificate.renditions = [
        Rendition(language=other, pdf=rendered.pdfs[other], pdf_sha256=sha256_hex(rendered.pdfs[other]))
        for other in others
    ]
    db.session.add(certificate)
    db.session.flush()
    if previous is not None:
        previous.superseded_by_id = certificate.id
        record_event(
            actor,
            "relief_certificate.superseded",
            previous,
            institution_id=draft.institution_id,
            before={"status": ReliefStatus.VALID},
            after={"status": ReliefStatus.SUPERSEDED, "superseded_by": certificate.serial},
        )
    record_event(
        actor,
        "relief_certificate.issued",
        certificate,
        institution_id=draft.institution_id,
        after={
            "serial": certificate.serial,
            "version": certificate.version,
            "order_status": certificate.order_status,
            "supersedes": draft.stamp.supersedes,
            "facts_sha256": certificate.facts_sha256,
            "pdf_sha256": certificate.pdf_sha256,
            "pdf_sha256_by_language": {lang: sha256_hex(pdf) for lang, pdf in rendered.pdfs.items()},
        },
    )
    db.session.commit()
    return certificate


def revoke_for_order(order: Order, when: datetime, actor: User | None = None) -> list[Certificate]:
    """Revoke every valid version of the order's certificate at `when`, in the caller's transaction.

    Called by the order's cancellation, which holds the order's row lock and commits. A serial reserved
    for the order's first version is let go: a cancelled order gets none.
    """
    release(order.id)
    valid = db.session.scalars(
        select(Certificate)
        .where(Certificate.order_id == order.id, Certificate.status == ReliefStatus.VALID)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    for certificate in valid:
        certificate.status, certificate.revoked_at = ReliefStatus.REVOKED, when
        record_event(
            actor,
            "relief_certificate.revoked",
            certificate,
            institution_id=order.institution_id,
            before={"status": ReliefStatus.VALID},
            after={"status": ReliefStatus.REVOKED, "revoked_at": when.isoformat()},
            reason=order.cancel_reason or "",
        )
    return list(valid)
