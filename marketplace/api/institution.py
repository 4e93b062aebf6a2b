"""API operations for institution systems, with a token: MOUs and balances, allocations, orders, placing an order."""

from __future__ import annotations

from flask import Response as FlaskResponse
from flask import url_for
from flask_babel import gettext as _
from spectree import Response

from ..domain.errors import DomainError, NotFound
from ..domain.states import ApiTokenScope, UserRole
from ..extensions import db
from ..form_keys import FormAlreadySubmitted
from ..i18n import domain_message
from ..services import institution_reads, orders
from ..services.orders import PurchaseInput
from . import cursors, idempotency
from .auth import caller, institution_scope, token
from .blueprint import bp, spec
from .problems import ApiProblem
from .schemas import (
    AllocationList,
    IdempotencyHeaders,
    MouList,
    OrderIn,
    OrderList,
    OrderOut,
    OrderQuery,
    Page,
    Problem,
    TokenOut,
)
from .shapes import allocation, mou, named, order

TOKEN: dict[str, list[str]] = {"bearer": []}
REFUSED = {"HTTP_401": Problem, "HTTP_429": Problem}


@bp.get("/me")
@spec.validate(resp=Response(HTTP_200=TokenOut, **REFUSED), security=TOKEN, tags=["institution"])
def me():
    """The token presented: its name, scope and expiry, and whose rights it carries."""
    user, current = caller(), token()
    return TokenOut(
        name=current.name,
        prefix=current.prefix,
        scope=ApiTokenScope(current.scope),
        expires_at=current.expires_at,
        role=user.role,
        institution=named(user.institution) if user.institution else None,
    )


def _after(query: Page) -> int | None:
    return cursors.decode(query.cursor)


def _next(items: list, limit: int) -> str | None:
    return cursors.encode(items[-1].id) if len(items) == limit else None


@bp.get("/mous")
@spec.validate(query=Page, resp=Response(HTTP_200=MouList, **REFUSED), security=TOKEN, tags=["institution"])
def mous(query: Page):
    """The institution's MOUs with their quota balance (ministry staff: every institution's), newest first."""
    items = institution_reads.mous(institution_scope(), after=_after(query), limit=query.limit)
    return MouList(items=[mou(row) for row in items], next=_next(items, query.limit))


@bp.get("/allocations")
@spec.validate(query=Page, resp=Response(HTTP_200=AllocationList, **REFUSED), security=TOKEN, tags=["institution"])
def allocations(query: Page):
    """The products selected for the institution, each with the amount left to buy, newest first."""
    items = institution_reads.allocations(institution_scope(), after=_after(query), limit=query.limit)
    return AllocationList(items=[allocation(row) for row in items], next=_next(items, query.limit))


@bp.get("/orders")
@spec.validate(query=OrderQuery, resp=Response(HTTP_200=OrderList, **REFUSED), security=TOKEN, tags=["orders"])
def order_list(query: OrderQuery):
    """The institution's orders, of one status when asked, newest first."""
    status = query.status.value if query.status else None
    items = institution_reads.orders(institution_scope(), status, after=_after(query), limit=query.limit)
    return OrderList(items=[order(row) for row in items], next=_next(items, query.limit))


@bp.get("/orders/<int:order_id>")
@spec.validate(resp=Response(HTTP_200=OrderOut, HTTP_404=Problem, **REFUSED), security=TOKEN, tags=["orders"])
def order_detail(order_id: int):
    """One of the institution's orders (another institution's is not found)."""
    try:
        return order(institution_reads.order_for(caller(), order_id))
    except NotFound as error:
        raise ApiProblem(404, detail=domain_message(error)) from None


@bp.post("/orders")
@spec.validate(
    json=OrderIn,
    headers=IdempotencyHeaders,
    resp=Response(HTTP_201=OrderOut, HTTP_403=Problem, HTTP_409=Problem, HTTP_422=Problem, HTTP_503=Problem, **REFUSED),
    security=TOKEN,
    tags=["orders"],
)
def place_order(json: OrderIn, headers: IdempotencyHeaders):
    """Place an order under exactly the purchase form's rules and messages (422 with every reason).

    With an Idempotency-Key header, the same key again answers with the first order instead of placing another.
    """
    buyer = caller()
    if buyer.role != UserRole.BUYER:
        raise ApiProblem(403, detail=_("Only a buyer's token can place orders."))
    key = headers.idempotency_key
    body = json.model_dump(mode="json")
    if key:
        fingerprint = idempotency.fingerprint(body)
        first = idempotency.first_outcome(buyer, key, fingerprint, wait=True)
        if first is not None:
            return _replayed(buyer, first)
        idempotency.arm(buyer, key, fingerprint)
    data = PurchaseInput(**body | {"ordered_on": json.ordered_on})
    try:
        placed = orders.record_pilot_purchase(buyer, data)
    except FormAlreadySubmitted:  # the same key, claimed meanwhile by a concurrent request
        db.session.rollback()
        first = idempotency.first_outcome(buyer, key or "", idempotency.fingerprint(body), wait=True)
        if first is None:
            raise ApiProblem(409, kind="idempotency-key-in-flight") from None
        return _replayed(buyer, first)
    except DomainError as error:
        failures = [domain_message(failure) for failure in getattr(error, "failures", [error])]
        raise ApiProblem(422, _("Order refused"), failures[0], errors=failures, kind="order-refused") from None
    return _created(placed)


def _created(row, *, replayed: bool = False) -> FlaskResponse:
    response = FlaskResponse(order(row).model_dump_json(), status=201, mimetype="application/json")
    response.headers["Location"] = url_for("api.order_detail", order_id=row.id)
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


def _replayed(buyer, order_id: int) -> FlaskResponse:
    return _created(institution_reads.order_for(buyer, order_id), replayed=True)
