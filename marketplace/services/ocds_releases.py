"""OCDS releases, written in the transaction of each change they describe (called from record_event).

A round is one contracting process: the tender is the call (window, method, the weighted-draw rule as
award criteria, the manifest, result and checker as documents), each allocation of a selected
application is an award (moves, withdrawals and refills are later award releases), and each order is a
contract under its allocation's award (delivery, inspection and evaluation as milestones, the audit-relief
certificate's verification link as a document). Only what the public pages already show is published:
no scores of applications that were not selected, no buyer's free text.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time

from flask import current_app
from sqlalchemy import func, select

from ..domain.clock import SEOUL
from ..domain.states import AllocationStatus, ApplicationStatus, InspectionResult
from ..extensions import db
from ..models import (
    Allocation,
    Application,
    AuditReliefCertificate,
    Company,
    Institution,
    OcdsRelease,
    Order,
    Round,
)
from . import ocds_needs
from .ocds_lots import lots, related_lots

MINISTRY_PARTY = {
    "id": "KR-MSS",
    "name": "중소벤처기업부",
    "name_en": "Ministry of SMEs and Startups",
    "roles": ["procuringEntity", "buyer"],
}
COMPANY_SCHEME = "KR-BRN"  # the National Tax Service's business registration number (사업자등록번호)
INSTITUTION_PREFIX = "KR-PILOT-INST"  # the program's own institution codes: no public register covers them all

Staged = tuple[Round, list[str], dict]
Builder = Callable[..., Staged]


def moment_text(moment: datetime) -> str:
    """An RFC 3339 date-time in UTC."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _optional_moment(moment: datetime | None) -> str | None:
    return None if moment is None else moment_text(moment)


def day_text(day: date) -> str:
    """A calendar day as the start of that day in Seoul (OCDS dates are date-times)."""
    return datetime.combine(day, time(0), SEOUL).isoformat()


def krw(amount: int) -> dict:
    return {"amount": int(amount), "currency": "KRW"}


def _base_url() -> str:
    return str(current_app.config.get("PUBLIC_BASE_URL", "")).rstrip("/")


def company_party(company: Company) -> dict:
    return {
        "id": f"{COMPANY_SCHEME}-{company.brn}",
        "name": company.name_ko,
        **({"name_en": company.name_en} if company.name_en else {}),
        "identifier": {"scheme": COMPANY_SCHEME, "id": company.brn, "legalName": company.name_ko},
        "roles": ["supplier"],
    }


def institution_party(institution: Institution) -> dict:
    return {
        "id": f"{INSTITUTION_PREFIX}-{institution.code}",
        "name": institution.name_ko,
        **({"name_en": institution.name_en} if institution.name_en else {}),
        "roles": ["buyer"],
    }


def _document(doc_id: str, kind: str, title: str, url: str, fmt: str) -> dict:
    return {"id": doc_id, "documentType": kind, "title": title, "url": url, "format": fmt}


def _tender(round_: Round) -> dict:
    budget = sum(b.budget_krw for b in round_.budgets)
    base = _base_url()
    return {
        "id": round_.code,
        "title": round_.title_ko,
        **({"title_en": round_.title_en} if round_.title_en else {}),
        "status": "active",
        "mainProcurementCategory": "goods",
        "procurementMethod": "open",
        "procurementMethodDetails": (
            "혁신제품 시범구매: 인증을 가진 기업이 신청하고, 평가 합격 제품 중 가중 추첨으로 선정"
            " (Pilot purchase: certified companies apply; products that pass the evaluation are selected by a"
            " weighted draw)"
        ),
        "awardCriteria": "ratedCriteria",
        "awardCriteriaDetails": (
            f"Pass mark {round_.pass_mark}; weighted draw among passing applications, weights: first-timer"
            f" {round_.weight_first_timer}, startup {round_.weight_startup}, general {round_.weight_general};"
            f" cap per application KRW {round_.cap_krw:,}; seed: "
            f"{round_.seed_event_en or 'the public event named in the rules'}. Method: {base}/how-the-draw-works"
        ),
        "submissionMethod": ["electronicSubmission"],
        "tenderPeriod": {"startDate": moment_text(round_.opens_at), "endDate": moment_text(round_.closes_at)},
        "value": krw(budget),
        "documents": [_document("rules", "tenderNotice", "Round rules", f"{base}/rounds/{round_.code}", "text/html")],
        **({"lots": lots(round_)} if round_.tracks else {}),
    }


def _opened(round_: Round, _event: dict) -> Staged:
    institutions = [institution_party(b.institution) for b in round_.budgets]
    data = {"tender": _tender(round_), "parties": [MINISTRY_PARTY, *institutions], "buyer": _ref(MINISTRY_PARTY)}
    return round_, ["tender"], ocds_needs.for_need("opened", round_, data)


def _ref(party: dict) -> dict:
    return {"id": party["id"], "name": party["name"]}


def _closed(round_: Round, _event: dict) -> Staged:
    tenderers = db.session.scalar(
        select(func.count(func.distinct(Application.company_id))).where(
            Application.round_id == round_.id, Application.status != ApplicationStatus.WITHDRAWN
        )
    )
    data = {"tender": {"id": round_.code, "status": "active", "numberOfTenderers": tenderers}}
    return round_, ["tenderUpdate"], ocds_needs.for_need("closed", round_, data)


def _frozen(round_: Round, _event: dict) -> Staged:
    base = f"{_base_url()}/rounds/{round_.code}"
    manifest = _document(
        "manifest", "evaluationReports", "Frozen pool manifest", f"{base}/manifest.json", "application/json"
    )
    return round_, ["tenderUpdate"], {"tender": {"id": round_.code, "documents": [manifest]}}


def award(allocation: Allocation) -> dict:
    application = allocation.application
    supplier = company_party(application.company)
    product = application.product
    return {
        "id": f"A{allocation.id}",
        "title": f"{product.name_ko} — {allocation.institution.name_ko}",
        "status": "active" if allocation.status == AllocationStatus.ACTIVE else "cancelled",
        "date": _optional_moment(allocation.created_at),  # set by the flush that gave the allocation its id
        "value": krw(allocation.amount_krw),
        "suppliers": [_ref(supplier)],
        **related_lots(application),
        "items": [{"id": str(product.id), "description": product.name_ko, "quantity": 1}],
        "contractPeriod": {
            **({"startDate": day_text(allocation.valid_from)} if allocation.valid_from else {}),
            **({"endDate": day_text(allocation.valid_until)} if allocation.valid_until else {}),
        },
    }


def _published(round_: Round, _event: dict) -> Staged:
    allocations = db.session.scalars(
        select(Allocation).where(Allocation.round_id == round_.id).order_by(Allocation.id)
    ).all()
    published = round_.draw.published_at if round_.draw else None
    awards = []
    for allocation in allocations:
        entry = award(allocation)
        if published is not None:
            entry["date"] = moment_text(published)
        awards.append(entry)
    parties = _unique([company_party(a.application.company) for a in allocations])
    base = _base_url()
    documents = [
        _document(
            "result", "awardNotice", "Draw result", f"{base}/rounds/{round_.code}/result.json", "application/json"
        ),
        _document(
            "checker", "evaluationCriteria", "Public checker", f"{base}/static/tools/check_draw.py", "text/x-python"
        ),
    ]
    data = {"tender": {"id": round_.code, "status": "complete", "documents": documents}, "awards": awards}
    return round_, ["tenderUpdate", "award"], ocds_needs.for_need("published", round_, {**data, "parties": parties})


def _unique(parties: list[dict]) -> list[dict]:
    return list({p["id"]: p for p in parties}.values())


def _allocation_changed(allocation: Allocation, event: dict) -> Staged:
    awards = [award(allocation)]
    moved_from = (event.get("before") or {}).get("allocation_id")
    if moved_from:
        awards.insert(0, {"id": f"A{moved_from}", "status": "cancelled"})
    parties = [company_party(allocation.application.company), institution_party(allocation.institution)]
    return allocation.round, ["awardUpdate"], {"awards": awards, "parties": parties}


def _allocation_withdrawn(allocation: Allocation, _event: dict) -> Staged:
    return allocation.round, ["awardUpdate"], {"awards": [{"id": f"A{allocation.id}", "status": "cancelled"}]}


def contract(order: Order) -> dict:
    product = order.product
    return {
        "id": f"C{order.id}",
        "awardID": f"A{order.allocation_id}",
        "title": product.name_ko,
        **({"title_en": product.name_en} if product.name_en else {}),
        "status": "active",
        "value": krw(order.amount_krw),
        "dateSigned": day_text(order.ordered_on),
        "items": [
            {
                "id": str(product.id),
                "description": product.name_ko,
                "quantity": order.quantity,
                "unit": {"name": "EA", "value": krw(order.unit_price_krw)},
            }
        ],
    }


def _placed(order: Order, _event: dict) -> Staged:
    parties = [institution_party(order.institution), company_party(order.product.company)]
    return order.allocation.round, ["contract"], {"contracts": [contract(order)], "parties": parties}


def _cancelled(order: Order, _event: dict) -> Staged:
    entry = {"id": f"C{order.id}", "awardID": f"A{order.allocation_id}", "status": "terminated"}
    return order.allocation.round, ["contractTermination"], {"contracts": [entry]}


def _milestone(order: Order, milestone: dict, **fields) -> Staged:
    entry = {"id": f"C{order.id}", "awardID": f"A{order.allocation_id}", **fields}
    entry["implementation"] = {"milestones": [milestone]}
    return order.allocation.round, ["contractUpdate"], {"contracts": [entry]}


def _delivered(order: Order, _event: dict) -> Staged:
    met = {"id": "delivery", "title": "Delivery", "type": "delivery", "status": "met"}
    return _milestone(order, {**met, "dateMet": day_text(order.delivered_on)} if order.delivered_on else met)


def _inspected(order: Order, _event: dict) -> Staged:
    passed = order.inspection_result == InspectionResult.ACCEPTED
    milestone = {
        "id": "inspection",
        "title": "Inspection",
        "type": "assessment",
        "status": "met" if passed else "notMet",
    }
    if order.inspected_on:
        milestone["dateMet" if passed else "dateModified"] = day_text(order.inspected_on)
    return _milestone(order, milestone)


def _evaluated(order: Order, event: dict) -> Staged:
    milestone = {"id": "evaluation", "title": "Post-use evaluation", "type": "reporting", "status": "met"}
    return _milestone(order, milestone, status="terminated")


def _certificate(certificate: AuditReliefCertificate, event: dict) -> Staged:
    order = certificate.order
    action = event["action"]
    note = {
        "relief_certificate.issued": "Valid",
        "relief_certificate.revoked": "Revoked",
        "relief_certificate.superseded": "Superseded by a later version",
    }[action]
    document = _document(
        certificate.serial,
        "contractSummary",
        f"Audit-relief certificate {certificate.serial}",
        f"{_base_url()}/verify/{certificate.serial}",
        "text/html",
    )
    document["description"] = note
    entry = {"id": f"C{order.id}", "awardID": f"A{order.allocation_id}", "documents": [document]}
    return order.allocation.round, ["contractUpdate"], {"contracts": [entry]}


BUILDERS: dict[str, Builder] = {
    "round.opened": _opened,
    "round.closed": _closed,
    "round.pool_frozen": _frozen,
    "round.published": _published,
    "allocation.moved": _allocation_changed,
    "allocation.refilled_from_waitlist": _allocation_changed,
    "allocation.withdrawn": _allocation_withdrawn,
    "order.placed": _placed,
    "order.cancelled": _cancelled,
    "order.delivered": _delivered,
    "order.inspected": _inspected,
    "order.evaluated": _evaluated,
    "relief_certificate.issued": _certificate,
    "relief_certificate.revoked": _certificate,
    "relief_certificate.superseded": _certificate,
}


def stage(action: str, obj, moment: datetime, before: dict | None = None) -> OcdsRelease | None:
    """Add the release for an audited change to the session (the caller's commit writes both together)."""
    from .ocds_after import BUILDERS as LATER_PARTS  # ocds_after builds on this module's helpers

    builder = BUILDERS.get(action) or LATER_PARTS.get(action)
    if builder is None:
        return None
    round_, tag, data = builder(obj, {"action": action, "before": before})
    if "tender" not in tag and not _has_releases(round_):
        tag, data = _with_tender(round_, tag, data)
    release = OcdsRelease(round_id=round_.id, date=moment, tag=tag, data=_without_none(data))
    db.session.add(release)
    return release


def _has_releases(round_: Round) -> bool:
    pending = any(isinstance(o, OcdsRelease) and o.round_id == round_.id for o in db.session.new)
    stored = db.session.scalar(select(OcdsRelease.id).where(OcdsRelease.round_id == round_.id).limit(1))
    return pending or stored is not None


def _with_tender(round_: Round, tag: list[str], data: dict) -> tuple[list[str], dict]:
    """A round's first release states the tender in full, even when its first published change is a later
    one (a round opened before releases were kept, or one written as it stood after its close)."""
    _, _, opened = _opened(round_, {})
    parties = _unique([*opened["parties"], *data.get("parties", [])])
    merged = {**data, "tender": {**opened["tender"], **data.get("tender", {})}, "parties": parties}
    planning = {"planning": opened["planning"]} if "planning" in opened else {}  # a need's round
    return ["tender", *tag], {**merged, "buyer": opened["buyer"], **planning}


def _without_none(value):
    """OCDS fields are omitted rather than null."""
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None and v != {}}
    if isinstance(value, list):
        return [_without_none(v) for v in value]
    return value
