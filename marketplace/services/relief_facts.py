"""What an audit-relief certificate attests: an order's facts as they stood on its contract date, as JSON.

Facts are plain JSON values (names in Korean and English), built from the order's own records: the
quota and allocation it was checked against when it was recorded (kept on the order), the MOU
commitment on the contract date (from the ledger), the certificate and selection it rested on, and
where its audit events and ledger charge sit in the hash chains, so an auditor can find them there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from ..domain.clock import seoul_day_bounds, seoul_iso
from ..domain.quota import COMMITTED
from ..domain.relief import LedgerLine, commitment_on, verification_url
from ..domain.states import CertificateStatus, QuotaEntryKind
from ..extensions import db
from ..models import (
    Allocation,
    Application,
    AuditEvent,
    Certificate,
    Need,
    Order,
    Product,
    QuotaEntry,
    Round,
)
from .report_data import supplier_tier

LEGAL_BASIS = ("SME Product Purchase Promotion Act, art. 14(3)", "SME Product Purchase Promotion Act, art. 14-2")
TRAIL_LIMIT = 12


@dataclass(frozen=True)
class Stamp:
    """What names one version: serial, version number, issue time and the serial it replaces."""

    serial: str
    version: int
    issued_at: datetime
    supersedes: str | None = None


def load_order(order_id: int, *, lock: bool = False) -> Order | None:
    """The order with everything its certificate states, in one query, read afresh.

    With lock, the order row is locked first (SELECT ... FOR UPDATE on PostgreSQL; SQLite's write
    lock covers it), so a cancellation waits for the caller's transaction, or the caller for it.
    """
    if lock:
        db.session.scalar(select(Order.id).where(Order.id == order_id).with_for_update())
    return db.session.scalar(
        select(Order)
        .where(Order.id == order_id)
        .options(
            joinedload(Order.institution),
            joinedload(Order.mou),
            joinedload(Order.buyer),
            joinedload(Order.evaluation),
            joinedload(Order.product).joinedload(Product.company),
            joinedload(Order.certificate).joinedload(Certificate.type),
            joinedload(Order.certificate).joinedload(Certificate.file),
            joinedload(Order.allocation)
            .joinedload(Allocation.application)
            .joinedload(Application.round)
            .joinedload(Round.draw),
        )
        .execution_options(populate_existing=True)
    )


def _iso(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


def _trail(order: Order) -> list[dict]:
    """The newest audit events about the order, its application and its round, oldest first."""
    application = order.allocation.application
    draw = application.round.draw
    conditions = [
        (AuditEvent.object_type == "Order") & (AuditEvent.object_id == order.id),
        (AuditEvent.object_type == "Application") & (AuditEvent.object_id == application.id),
        (AuditEvent.object_type == "Round") & (AuditEvent.object_id == application.round_id),
    ]
    if draw is not None:
        conditions.append((AuditEvent.object_type == "Draw") & (AuditEvent.object_id == draw.id))
    newest = (
        select(AuditEvent.created_at, AuditEvent.action, AuditEvent.actor_role, AuditEvent.object_type)
        .where(or_(*conditions))
        .order_by(AuditEvent.seq.desc())
        .limit(TRAIL_LIMIT)
    )
    return [
        {"at": e.created_at.isoformat(), "action": e.action, "role": e.actor_role, "object": e.object_type}
        for e in reversed(db.session.execute(newest).all())
    ]


def chain_positions(order: Order) -> dict:
    """Where the order's audit events and its ledger charge sit in the two hash chains (seq and hash)."""
    events = db.session.execute(
        select(AuditEvent.seq, AuditEvent.hash, AuditEvent.action)
        .where(AuditEvent.object_type == "Order", AuditEvent.object_id == order.id)
        .order_by(AuditEvent.seq)
    )
    charges = db.session.execute(
        select(QuotaEntry.seq, QuotaEntry.hash, QuotaEntry.amount_krw)
        .where(QuotaEntry.order_id == order.id, QuotaEntry.kind == QuotaEntryKind.CHARGE)
        .order_by(QuotaEntry.seq)
    )
    return {
        "audit": [{"seq": e.seq, "hash": e.hash, "action": e.action} for e in events],
        "ledger": [{"seq": c.seq, "hash": c.hash, "amount_krw": c.amount_krw} for c in charges],
    }


def committed_on_contract_date(order: Order, charge_seq: int | None) -> int:
    """The MOU's commitment on the order's contract date, from the ledger (domain.relief.commitment_on)."""
    day_ends = seoul_day_bounds(order.ordered_on)[1]
    rows = db.session.execute(
        select(QuotaEntry.kind, QuotaEntry.amount_krw, QuotaEntry.created_at, QuotaEntry.seq).where(
            QuotaEntry.mou_id == order.mou_id, QuotaEntry.kind.in_(COMMITTED)
        )
    )
    return commitment_on([LedgerLine(*row) for row in rows], day_ends, charge_seq)


def certificate_valid_on(certificate: Certificate, order: Order) -> bool:
    """The product certificate covered the contract date and was in force when the order was recorded
    (placing the order checked it; a revocation after the recording does not change that day's fact)."""
    covers = certificate.issued_on <= order.ordered_on <= certificate.expires_on
    revoked_later = (
        certificate.status == CertificateStatus.REVOKED
        and certificate.decided_at is not None
        and (certificate.decided_at > order.created_at)
    )
    return covers and (certificate.status == CertificateStatus.VERIFIED or revoked_later)


def certificate_facts(order: Order, stamp: Stamp) -> dict:
    """Everything the certificate attests, as plain JSON values."""
    chain = chain_positions(order)
    charge_seq = chain["ledger"][0]["seq"] if chain["ledger"] else None
    return {
        "serial": stamp.serial,
        "version": stamp.version,
        "supersedes": stamp.supersedes,
        "issued_at": stamp.issued_at.isoformat(),
        "legal_basis": list(LEGAL_BASIS),
        "verification_url": verification_url(current_app.config["PUBLIC_BASE_URL"], stamp.serial),
        **_selection_facts(order),
        "certificate": _product_certificate(order),
        "mou": _mou_facts(order, charge_seq),
        "allocation": {
            "amount_krw": order.allocation.amount_krw,
            "before_krw": order.allocation_before_krw,
            "after_krw": order.allocation_before_krw - order.amount_krw,
        },
        "supplier": _supplier_facts(order),
        "order": _order_facts(order),
        "late_registration": {"late": bool(order.late_reason), "reason": order.late_reason or ""},
        "state": _state(order),
        "declaration": {"no_private_interest": bool(order.no_private_interest), "by": order.buyer.name},
        "approvals": {
            "company_approved_at": _iso(order.product.company.decided_at),
            "certificate_verified_at": _iso(order.certificate.decided_at),
        },
        "evidence": {"certificate_file_sha256": order.certificate.file.sha256 if order.certificate.file else None},
        "chain": chain,
        "audit_trail": _trail(order),
    }


def _selection_facts(order: Order) -> dict:
    allocation = order.allocation
    application = allocation.application
    round_, draw = application.round, application.round.draw
    return {
        "round": {"code": round_.code, "title_ko": round_.title_ko, "title_en": round_.title_en},
        "draw": {
            "rule_version": draw.rule_version if draw else None,
            "manifest_sha256": draw.manifest_sha256 if draw else None,
            "seed": draw.seed if draw else None,
            "published_at": _iso(draw.published_at) if draw else None,
            "application": application.receipt_no,
            "rank": allocation.rank,
            "via_waitlist": allocation.via_waitlist,
            "allocated_krw": allocation.amount_krw,
        },
        **_committee_facts(round_),
        **_need_facts(round_),
    }


def _committee_facts(round_: Round) -> dict:
    """The evaluation committee's minutes the selection rests on (their SHA-256 and finalisation time);
    nothing for a round staff scored themselves, so such certificates keep the facts they always had."""
    if round_.minutes_sha256 is None:
        return {}
    return {"committee": {"minutes_sha256": round_.minutes_sha256, "finalised_at": _iso(round_.scores_finalised_at)}}


def _need_facts(round_: Round) -> dict:
    """The institution's need the selection answers (demand-driven track); nothing for any other round."""
    need = db.session.scalar(select(Need).where(Need.round_id == round_.id))
    if need is None:
        return {}
    return {
        "need": {
            "number": need.number,
            "title": need.title,
            "budget_krw": need.budget_krw,
            "posted_at": _iso(need.posted_at),
            "deadline_at": _iso(need.deadline_at),
            "shortlist_sent_at": _iso(need.shortlist_sent_at),
        }
    }


def _product_certificate(order: Order) -> dict:
    certificate = order.certificate
    return {
        "type": certificate.type.code,
        "type_ko": certificate.type.name_ko,
        "type_en": certificate.type.name_en,
        "number": certificate.number,
        "issuer": certificate.issuer,
        "issued_on": certificate.issued_on.isoformat(),
        "expires_on": certificate.expires_on.isoformat(),
        "valid_on_contract_date": certificate_valid_on(certificate, order),
    }


def _mou_facts(order: Order, charge_seq: int | None) -> dict:
    mou = order.mou
    return {
        "number": mou.number,
        "signed_on": mou.signed_on.isoformat(),
        "starts_on": mou.starts_on.isoformat(),
        "ends_on": mou.ends_on.isoformat(),
        "committed_on_contract_date_krw": committed_on_contract_date(order, charge_seq),
        "quota_before_krw": order.quota_before_krw,
        "quota_after_krw": order.quota_before_krw - order.amount_krw,
    }


def _supplier_facts(order: Order) -> dict:
    application, company = order.allocation.application, order.product.company
    startup, first_timer = supplier_tier(application)
    snapshot = application.snapshot or {}
    return {
        "name_ko": company.name_ko,
        "name_en": company.name_en,
        "brn": company.brn,
        "startup": startup,
        "first_timer": first_timer,
        "tier": snapshot.get("tier"),
        "weight": application.weight,
        "as_of": snapshot.get("as_of"),
        "eligibility": application.eligibility_reasons or [],
    }


def _order_facts(order: Order) -> dict:
    product = order.product
    return {
        "number": order.number,
        "ordered_on": order.ordered_on.isoformat(),
        "recorded_at": seoul_iso(order.created_at),
        "institution_code": order.institution.code,
        "institution_ko": order.institution.name_ko,
        "institution_en": order.institution.name_en,
        "buyer": order.buyer.name,
        "product_ko": product.name_ko,
        "product_en": product.name_en,
        "model": product.model,
        "quantity": order.quantity,
        "unit": product.unit,
        "unit_price_krw": order.unit_price_krw,
        "amount_krw": order.amount_krw,
        "contract_method": order.contract_method,
    }


def _state(order: Order) -> dict:
    """Where the order stood when this version was issued: delivery, inspection, evaluation."""
    evaluation = order.evaluation
    return {
        "status": order.status,
        "delivered_on": _iso(order.delivered_on),
        "inspected_on": _iso(order.inspected_on),
        "inspection_result": order.inspection_result,
        "evaluation": None
        if evaluation is None
        else {
            "overall": evaluation.overall,
            "would_buy_again": bool(evaluation.would_buy_again),
            "at": _iso(evaluation.created_at),
        },
    }
