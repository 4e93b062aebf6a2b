"""What each change tells whom: the use cases call these inside their write transaction, before commit.

Each builds the plain values of its notification (codes, names in both languages, amounts, reason codes)
and an event key that names the change, so the same change told twice is told once.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime

from sqlalchemy import select

from ..domain import notifications as rules
from ..domain.states import NotificationKind as Kind
from ..extensions import db
from ..models import Allocation, Application, Certificate, Company, Institution, Mou, Order, Round, User
from .notifications import company_users, institution_buyers, link_path, ministry_staff, notify_all


def _names(prefix: str, thing) -> dict:
    return {f"{prefix}_ko": thing.name_ko, f"{prefix}_en": thing.name_en or thing.name_ko}


def _stamp(moment) -> str:
    return moment.isoformat() if moment is not None else ""


# --- the ministry's decisions, and what waits for it


def company_decided(company: Company) -> None:
    """The company's users learn the ministry's decision (approved, rejected or suspended) and its reason."""
    params = {"variant": company.status, **_names("company", company), "reason": company.status_reason}
    key = f"company:{company.id}:{company.status}:{_stamp(company.decided_at)}"
    notify_all(company_users(company.id), Kind.COMPANY_DECIDED, key, params, link_path("supplier.dashboard"))


def certificate_decided(certificate: Certificate) -> None:
    """The company's users learn the ministry's decision on a certificate and its reason."""
    params = {"variant": certificate.status, "number": certificate.number, "reason": certificate.status_reason}
    key = f"certificate:{certificate.id}:{certificate.status}:{_stamp(certificate.decided_at)}"
    users = company_users(certificate.company_id)
    notify_all(users, Kind.CERTIFICATE_DECIDED, key, params, link_path("supplier.certificates"))


def company_waiting(company: Company, again: datetime | None = None) -> None:
    """Ministry staff learn that a company waits for review: registered, or `again` re-submitted then."""
    params = {"variant": "company", **_names("company", company)}
    link = link_path("ministry.company", company_id=company.id)
    key = f"review:company:{company.id}" + (f":{again.isoformat()}" if again else "")
    notify_all(ministry_staff(), Kind.REVIEW_WAITING, key, params, link)


def certificate_waiting(certificate: Certificate, company: Company) -> None:
    """Ministry staff learn that a certificate waits for review."""
    params = {"variant": "certificate", "number": certificate.number, **_names("company", company)}
    key = f"review:certificate:{certificate.id}"
    notify_all(ministry_staff(), Kind.REVIEW_WAITING, key, params, link_path("ministry.certificates"))


def join_requested(institution: Institution) -> None:
    """Ministry staff learn that an institution asked to join."""
    params = {"variant": "institution", **_names("institution", institution)}
    key = f"review:institution:{institution.id}"
    notify_all(ministry_staff(), Kind.REVIEW_WAITING, key, params, link_path("ministry.institutions"))


# --- rounds


def _users_by_company(company_ids) -> dict[int, list[User]]:
    users: dict[int, list[User]] = defaultdict(list)
    ids = set(company_ids)
    if ids:
        for user in db.session.scalars(select(User).where(User.company_id.in_(ids), User.active.is_(True))):
            users[user.company_id].append(user)  # type: ignore[index]
    return users


def eligibility_checked(round_: Round, applications: list[Application]) -> None:
    """Each applicant learns whether its application passed the check at close, and why not."""
    users = _users_by_company(a.company_id for a in applications)
    for application in applications:
        params = {
            "variant": application.status,
            "round": round_.code,
            "receipt": application.receipt_no,
            "reasons": list(application.eligibility_reasons or []),
        }
        link = link_path("supplier.application", application_id=application.id)
        key = f"eligibility:{application.id}"
        notify_all(users[application.company_id], Kind.ELIGIBILITY_RESULT, key, params, link)


def selection_results(round_: Round, applications: list[Application]) -> None:
    """Each applicant learns its selection result (selected, waitlisted, or below the pass mark)."""
    users = _users_by_company(a.company_id for a in applications)
    for application in applications:
        params = {
            "variant": application.status,
            "round": round_.code,
            "pass_mark": round_.pass_mark,
            **_names("product", application.product),
        }
        link = link_path("supplier.application", application_id=application.id)
        notify_all(users[application.company_id], Kind.SELECTION_RESULT, f"selection:{application.id}", params, link)


def allocations_published(round_: Round) -> None:
    """Each institution's buyers learn how many allocations the published round gave it."""
    counts = Counter(
        db.session.scalars(select(Allocation.institution_id).where(Allocation.round_id == round_.id)).all()
    )
    for institution_id, count in counts.items():
        params = {"round": round_.code, "count": count}
        key = f"published:{round_.id}:{institution_id}"
        link = link_path("buyer.selected_products")
        notify_all(institution_buyers(institution_id), Kind.ALLOCATIONS_PUBLISHED, key, params, link)


def track_redrawn(round_id: int, redraw_id: int, ended: list[Allocation], made: list[Allocation]) -> None:
    """Each institution the new draw of a track touched learns how many allocations of that track it now has
    (its buyers' selected products list them; an ended one takes no further order)."""
    round_ = db.session.get_one(Round, round_id)
    counts = Counter(a.institution_id for a in made)
    for institution_id in sorted({a.institution_id for a in ended} | set(counts)):
        params = {"variant": "redrawn", "round": round_.code, "count": counts[institution_id]}
        key = f"redrawn:{redraw_id}:{institution_id}"
        link = link_path("buyer.selected_products")
        notify_all(institution_buyers(institution_id), Kind.ALLOCATIONS_PUBLISHED, key, params, link)


def allocation_changed(allocation: Allocation, variant: str, reason: str = "") -> None:
    """The applicant learns that its allocation moved to another institution or came from the waiting list."""
    application = db.session.get_one(Application, allocation.application_id)
    institution = db.session.get_one(Institution, allocation.institution_id)
    round_ = db.session.get_one(Round, allocation.round_id)
    params = {
        "variant": variant,
        "round": round_.code,
        "reason": reason,
        **_names("product", application.product),
        **_names("institution", institution),
    }
    link = link_path("supplier.application", application_id=application.id)
    key = f"allocation:{allocation.id}:{variant}"
    notify_all(company_users(application.company_id), Kind.ALLOCATION_CHANGED, key, params, link)


def objection_filed(objection, round_: Round) -> None:
    """Ministry staff learn that an objection was filed, and by when to decide it (never who filed it)."""
    params = {"round": round_.code, "number": objection.number, "due": objection.due_on.isoformat()}
    link = link_path("ministry.objection", objection_id=objection.id)
    notify_all(ministry_staff(), Kind.OBJECTION_FILED, f"objection:{objection.id}:filed", params, link)


def objection_decided(objection, application: Application) -> None:
    """The objecting company learns the ministry's decision (upheld or dismissed) and its reason."""
    params = {
        "variant": objection.state,
        "round": objection.round.code,
        "reason": objection.decision_reason,
        **_names("product", application.product),
    }
    link = link_path("supplier.objection", objection_id=objection.id)
    key = f"objection:{objection.id}:decided"
    notify_all(company_users(application.company_id), Kind.OBJECTION_DECIDED, key, params, link)


# --- orders


def _order_params(order: Order) -> dict:
    product = order.product
    institution = db.session.get_one(Institution, order.institution_id)
    return {"order": order.number, **_names("product", product), **_names("institution", institution)}


def _supplier_users(order: Order) -> list[User]:
    return company_users(order.product.company_id)


def order_placed(order: Order) -> None:
    """The supplier learns of the order and its amount."""
    params = {**_order_params(order), "amount": order.amount_krw}
    link = link_path("supplier.orders")
    notify_all(_supplier_users(order), Kind.ORDER_PLACED, f"order:{order.id}:placed", params, link)


def order_cancelled(order: Order) -> None:
    """The supplier learns that the order was cancelled, and why."""
    params = {**_order_params(order), "reason": order.cancel_reason}
    link = link_path("supplier.orders")
    notify_all(_supplier_users(order), Kind.ORDER_CANCELLED, f"order:{order.id}:cancelled", params, link)


def order_evaluated(order: Order) -> None:
    """The supplier learns that the buyer evaluated its product."""
    link = link_path("supplier.orders")
    notify_all(
        _supplier_users(order), Kind.EVALUATION_RECEIVED, f"order:{order.id}:evaluated", _order_params(order), link
    )


def quota_charged(mou: Mou, balance: int) -> None:
    """The institution's buyers learn, once per agreement and committed amount, that its quota runs low."""
    if not rules.quota_low(balance, mou.committed_krw):
        return
    params = {"mou": mou.number, "left": balance, "percent": rules.QUOTA_LOW_PERCENT}
    key = f"quota_low:{mou.id}:{mou.committed_krw}"
    notify_all(institution_buyers(mou.institution_id), Kind.QUOTA_LOW, key, params, link_path("buyer.dashboard"))
