"""Audit-relief certificates: issue once per order (facts JSON + PDF, both hashed), serve, revoke, verify."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import func, or_, select, text
from sqlalchemy.orm import joinedload, undefer

from ..database import begin_write
from ..domain.errors import N_, DomainError
from ..domain.reference import AUDIT_ACTIONS, AUDIT_OBJECTS, CONTRACT_METHODS
from ..extensions import db
from ..i18n import kst
from ..models import (
    Allocation,
    Application,
    AuditEvent,
    AuditReliefCertificate,
    Certificate,
    Order,
    Product,
    Round,
    User,
)
from ..services.audit import record_event
from .data import canonical_json, sha256_hex, supplier_tier
from .render import CERTIFICATE_CSS, render_pdf

LEGAL_BASIS = ("SME Product Purchase Promotion Act, art. 14(3)",
               "SME Product Purchase Promotion Act, art. 14-2")
TRAIL_LIMIT = 15


class CertificateRefused(DomainError):
    """No audit-relief certificate can be issued for this order."""


def serial_prefix(order: Order) -> str:
    return f"PP-{order.ordered_on.year}-"


def _next_serial(order: Order) -> str:
    """PP-<order year>-<6-digit sequence>; the unique constraint settles two issuers racing."""
    prefix = serial_prefix(order)
    last = db.session.scalar(select(func.max(AuditReliefCertificate.serial))
                             .where(AuditReliefCertificate.serial.like(prefix + "%")))
    return f"{prefix}{(int(last[len(prefix):]) + 1) if last else 1:06d}"


def verification_url(serial: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/verify/" + serial


def load_order(order_id: int) -> Order | None:
    """The order with everything its certificate states, in one query."""
    return db.session.scalar(select(Order).where(Order.id == order_id).options(
        joinedload(Order.institution), joinedload(Order.mou), joinedload(Order.buyer),
        joinedload(Order.product).joinedload(Product.company),
        joinedload(Order.certificate).joinedload(Certificate.type),
        joinedload(Order.certificate).joinedload(Certificate.file),
        joinedload(Order.allocation).joinedload(Allocation.application).joinedload(Application.round)
        .joinedload(Round.draw),
        joinedload(Order.relief_certificate)))


def _trail(order: Order) -> list[dict]:
    """The audit events about the order, its application and its round, oldest first."""
    application = order.allocation.application
    draw = application.round.draw
    conditions = [(AuditEvent.object_type == "Order") & (AuditEvent.object_id == order.id),
                  (AuditEvent.object_type == "Application") & (AuditEvent.object_id == application.id),
                  (AuditEvent.object_type == "Round") & (AuditEvent.object_id == application.round_id)]
    if draw is not None:
        conditions.append((AuditEvent.object_type == "Draw") & (AuditEvent.object_id == draw.id))
    newest = (select(AuditEvent).where(or_(*conditions))
              .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(TRAIL_LIMIT))
    return [{"at": e.created_at.isoformat(), "action": e.action, "role": e.actor_role,
             "object": e.object_type} for e in reversed(list(db.session.scalars(newest)))]


def _iso(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


def certificate_facts(order: Order, serial: str, issued_at: datetime) -> dict:
    """Everything the certificate attests, as plain JSON values (names in Korean and English)."""
    allocation, certificate, mou = order.allocation, order.certificate, order.mou
    application, company, product = allocation.application, order.product.company, order.product
    round_, draw = application.round, application.round.draw
    startup, first_timer = supplier_tier(application)
    snapshot = application.snapshot or {}
    return {
        "serial": serial, "issued_at": issued_at.isoformat(), "legal_basis": list(LEGAL_BASIS),
        "verification_url": verification_url(serial),
        "round": {"code": round_.code, "title_ko": round_.title_ko, "title_en": round_.title_en,
                  "status": round_.status},
        "draw": {"rule_version": draw.rule_version if draw else None,
                 "manifest_sha256": draw.manifest_sha256 if draw else None,
                 "seed": draw.seed if draw else None,
                 "published_at": draw.published_at.isoformat() if draw and draw.published_at else None,
                 "application": application.receipt_no, "rank": allocation.rank,
                 "via_waitlist": allocation.via_waitlist, "allocated_krw": allocation.amount_krw},
        "certificate": {"type": certificate.type.code, "type_ko": certificate.type.name_ko,
                        "type_en": certificate.type.name_en, "number": certificate.number,
                        "issuer": certificate.issuer, "issued_on": certificate.issued_on.isoformat(),
                        "expires_on": certificate.expires_on.isoformat(),
                        "valid_on_order_date": certificate.is_valid_on(order.ordered_on)},
        "mou": {"number": mou.number, "signed_on": mou.signed_on.isoformat(),
                "starts_on": mou.starts_on.isoformat(), "ends_on": mou.ends_on.isoformat(),
                "committed_krw": mou.committed_krw,
                "quota_before_krw": order.quota_before_krw,
                "quota_after_krw": order.quota_before_krw - order.amount_krw},
        "supplier": {"name_ko": company.name_ko, "name_en": company.name_en, "brn": company.brn,
                     "startup": startup, "first_timer": first_timer, "tier": snapshot.get("tier"),
                     "weight": application.weight, "as_of": snapshot.get("as_of"),
                     "eligibility": application.eligibility_reasons or []},
        "order": {"number": order.number, "ordered_on": order.ordered_on.isoformat(),
                  "institution_code": order.institution.code, "institution_ko": order.institution.name_ko,
                  "institution_en": order.institution.name_en, "buyer": order.buyer.name,
                  "product_ko": product.name_ko, "product_en": product.name_en, "model": product.model,
                  "quantity": order.quantity, "unit": product.unit, "unit_price_krw": order.unit_price_krw,
                  "amount_krw": order.amount_krw, "contract_method": order.contract_method},
        "declaration": {"no_private_interest": bool(order.no_private_interest), "by": order.buyer.name},
        "approvals": {"company_approved_at": _iso(company.decided_at),
                      "certificate_verified_at": _iso(certificate.decided_at),
                      "delivered_on": _iso(order.delivered_on), "inspected_on": _iso(order.inspected_on)},
        "evidence": {"certificate_file_sha256": certificate.file.sha256 if certificate.file else None},
        "audit_trail": _trail(order),
    }


def qr_svg(url: str) -> str:
    """The QR code of `url` as inline SVG (segno escapes nothing here: the URL is ours, not user text)."""
    import segno

    return segno.make(url, error="m").svg_inline(scale=3, border=2, omitsize=True)


def at_kst(iso: str) -> str:
    """An ISO timestamp from the facts, shown in Seoul time."""
    return kst(datetime.fromisoformat(iso))


def certificate_html(facts: dict, facts_sha256: str, language: str) -> str:
    with force_locale(language):
        return render_template("reports/certificate.html", f=facts, facts_sha256=facts_sha256,
                               qr=qr_svg(facts["verification_url"]), language=language, at=at_kst,
                               contract_methods=CONTRACT_METHODS, audit_actions=AUDIT_ACTIONS,
                               audit_objects=AUDIT_OBJECTS)


def can_see(user: User, order: Order) -> bool:
    """Ministry staff see every order; a buyer only their institution's."""
    return user.role == "ministry" or (user.role == "buyer" and user.institution_id == order.institution_id)


def certificate_for(order: Order, actor: User, language: str) -> AuditReliefCertificate:
    """The order's certificate, issued now if it has none; later calls return the stored one unchanged."""
    if order.relief_certificate is not None:
        return order.relief_certificate
    return issue_certificate(order, actor, language)


def _check_issuable(order: Order) -> None:
    if order.status == "cancelled":
        raise CertificateRefused(N_("The order was cancelled; no audit-relief certificate is issued for it."))
    if not order.no_private_interest:
        raise CertificateRefused(
            N_("The buyer has not declared the absence of private interest for this order."))


def _existing_for(order_id: int) -> AuditReliefCertificate | None:
    return db.session.scalar(select(AuditReliefCertificate).where(AuditReliefCertificate.order_id == order_id))


ISSUE_ATTEMPTS = 4


def issue_certificate(order: Order, actor: User, language: str = "ko") -> AuditReliefCertificate:
    """Fix the facts, render the PDF once, store both with their SHA-256 and commit.

    The PDF is rendered before the write lock is taken; under the lock the order is checked again and
    the facts recomputed: if they changed meanwhile (another certificate took the serial) the PDF is
    rendered anew, the last attempt under the lock so that contention cannot starve it. If another
    request stored this order's certificate first, theirs is returned.
    Raises CertificateRefused for a cancelled order or one without the no-private-interest declaration.
    """
    order_id, actor_id = order.id, actor.id
    for attempt in range(ISSUE_ATTEMPTS):
        last = attempt == ISSUE_ATTEMPTS - 1
        if last:
            order = _begin_issuing(order_id)
        _check_issuable(order)
        rendered = _render(order, language)
        if not last:
            order = _begin_issuing(order_id)
        existing = _existing_for(order_id)
        if existing is not None:
            db.session.commit()  # ends the write transaction; another request issued it first
            return existing
        try:
            _check_issuable(order)
        except CertificateRefused:
            db.session.rollback()
            raise
        if _facts_json(order, rendered.serial, rendered.issued_at) != rendered.facts_json:
            db.session.rollback()  # the facts moved while the PDF was rendered: render them again
            continue
        return _store(order, rendered, language, actor_id)
    raise CertificateRefused(N_("The certificate could not be numbered. Try again."))


@dataclass(frozen=True)
class _Rendered:
    serial: str
    issued_at: datetime
    facts_json: str
    facts_sha256: str
    pdf: bytes


def _facts_json(order: Order, serial: str, issued_at: datetime) -> str | None:
    return canonical_json(certificate_facts(order, serial, issued_at)) if _next_serial(order) == serial else None


def _render(order: Order, language: str) -> _Rendered:
    issued_at = datetime.now(UTC).replace(microsecond=0)
    serial = _next_serial(order)
    facts = certificate_facts(order, serial, issued_at)
    facts_json = canonical_json(facts)
    facts_sha256 = sha256_hex(facts_json)
    pdf = render_pdf(certificate_html(facts, facts_sha256, language), current_app.config, pooled=False,
                     stylesheet=CERTIFICATE_CSS)
    return _Rendered(serial, issued_at, facts_json, facts_sha256, pdf)


def _begin_issuing(order_id: int) -> Order:
    begin_write()
    _lock_serials()
    return _locked_order(order_id)


def _store(order: Order, rendered: _Rendered, language: str, actor_id: int) -> AuditReliefCertificate:
    certificate = AuditReliefCertificate(
        order_id=order.id, serial=rendered.serial, issued_at=rendered.issued_at, language=language,
        facts_json=rendered.facts_json, facts_sha256=rendered.facts_sha256, pdf=rendered.pdf,
        pdf_sha256=sha256_hex(rendered.pdf), status="valid")
    db.session.add(certificate)
    record_event(db.session.get(User, actor_id), "relief_certificate.issued", certificate,
                 institution_id=order.institution_id,
                 after={"serial": rendered.serial, "order": order.number, "pdf_sha256": certificate.pdf_sha256})
    db.session.commit()
    return certificate


def _lock_serials() -> None:
    """On PostgreSQL one issuer at a time numbers a certificate (SQLite's write lock already does this)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(hashtext('audit_relief_certificate_serial'))"))


def _locked_order(order_id: int) -> Order:
    """The order for the checks of a write transaction, locked on PostgreSQL (SQLite's lock covers it)."""
    db.session.scalar(select(Order.id).where(Order.id == order_id).with_for_update())
    return load_order(order_id)


def revoke_for_order(order: Order, when: datetime,
                     actor: User | None = None) -> AuditReliefCertificate | None:
    """Mark the order's certificate revoked at `when`; the caller (order cancellation) commits."""
    certificate = db.session.scalar(select(AuditReliefCertificate)
                                    .where(AuditReliefCertificate.order_id == order.id))
    if certificate is None or certificate.status == "revoked":
        return certificate
    certificate.status, certificate.revoked_at = "revoked", when
    record_event(actor, "relief_certificate.revoked", certificate, institution_id=order.institution_id,
                 before={"status": "valid"}, after={"status": "revoked", "revoked_at": when.isoformat()},
                 reason=order.cancel_reason or "")
    return certificate


def find_by_serial(serial: str, with_pdf: bool = False) -> AuditReliefCertificate | None:
    query = select(AuditReliefCertificate).where(AuditReliefCertificate.serial == serial.strip().upper())
    if with_pdf:
        query = query.options(undefer(AuditReliefCertificate.pdf))
    return db.session.scalar(query)


def pdf_matches(certificate: AuditReliefCertificate, data: bytes) -> bool:
    """True when the uploaded bytes are exactly the issued PDF (compared by SHA-256)."""
    return hmac.compare_digest(sha256_hex(data), certificate.pdf_sha256)


def find_by_pdf(data: bytes) -> AuditReliefCertificate | None:
    """The certificate whose issued PDF has exactly these bytes, if any."""
    return db.session.scalar(select(AuditReliefCertificate)
                             .where(AuditReliefCertificate.pdf_sha256 == sha256_hex(data)))
