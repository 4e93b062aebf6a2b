"""Public API operations: the catalogue search, products, suppliers, rounds and results, institutions' needs,
certificate verification."""

from __future__ import annotations

from typing import cast

from flask import Response as FlaskResponse
from flask import current_app, g, request
from flask_babel import gettext as _
from spectree import Response

from ..domain.catalogue import parse_catalogue_query, refused_filters
from ..domain.eligibility import is_first_timer, is_startup
from ..domain.errors import NotFound
from ..domain.reference import CATEGORIES, REGIONS
from ..i18n import domain_message
from ..models import Certificate, Product
from ..rate_limits import verification_attempts
from ..services import catalogue, catalogue_cache, need_selection, needs, orders, public_rounds, relief_verification
from ..services.clock import seoul_today
from . import cursors
from .blueprint import bp, spec, validated_query
from .problems import ApiProblem
from .schemas import (
    CatalogueQuery,
    CertificateOut,
    Evaluations,
    NeedList,
    NeedOut,
    NeedQuery,
    Page,
    Problem,
    ProductList,
    ProductOut,
    RoundList,
    RoundOut,
    SupplierOut,
    VerificationOut,
    VerifyQuery,
)
from .shapes import named, need_detail, need_summary, product_summary, round_detail, round_summary, verification

LIMITED = {"HTTP_429": Problem}


def missing(error: NotFound) -> ApiProblem:
    return ApiProblem(404, detail=domain_message(error))


@bp.get("/products")
@spec.validate(
    query=CatalogueQuery,
    resp=Response(HTTP_200=ProductList, HTTP_400=Problem, **LIMITED),
    tags=["catalogue"],
    skip_validation=True,  # the query is read below; the answer was made from ProductList, often a cached one
)
def products():
    """Search the catalogue: the catalogue page's words, filters, sort and relevance, walked by cursor.

    Answers come from the catalogue page's cache (services/catalogue_cache.py), keyed by the query and
    the Seoul date, while the catalogue version is unchanged: a change shows on the next request."""
    query = validated_query(CatalogueQuery)
    key = ("api", seoul_today(), request.query_string)
    body = catalogue_cache.cached(current_app, True, key, lambda: _search(query).model_dump_json())
    return FlaskResponse(body, mimetype="application/json")


def _search(query: CatalogueQuery) -> ProductList:
    args = {name: value for name, value in request.args.items() if name not in ("limit", "cursor")}
    wanted = parse_catalogue_query(
        args,
        categories=CATEGORIES,
        regions=REGIONS,
        cert_types={code for code, _ko, _en in catalogue.certificate_type_choices()},
        max_page=1,
    )
    refused = refused_filters(args, wanted)
    if refused:
        raise ApiProblem(
            400,
            detail=_("These filters have a value the catalogue does not offer: %(names)s.", names=", ".join(refused)),
        )
    offset = cursors.decode(query.cursor) or 0
    cards, more = catalogue.search_slice(wanted, today=seoul_today(), offset=offset, limit=query.limit)
    return ProductList(
        items=[product_summary(card) for card in cards],
        next=cursors.encode(offset + len(cards)) if more else None,
    )


@bp.get("/products/<int:product_id>")
@spec.validate(resp=Response(HTTP_200=ProductOut, HTTP_404=Problem, **LIMITED), tags=["catalogue"])
def product(product_id: int):
    """A product of the public catalogue: certificates valid today, supplier, price, evaluations."""
    try:
        card = catalogue.public_product(product_id, seoul_today())
    except NotFound as error:
        raise missing(error) from None
    item = cast(Product, card.product)  # a product page's card holds the row itself
    evaluations = orders.evaluation_summary(product_id)
    return ProductOut(
        **product_summary(card).model_dump(),
        model=item.model,
        category=item.category,
        description=item.description,
        specification=item.specification,
        certificates=[certificate_out(c) for c in cast(list[Certificate], card.certificates)],
        evaluations=Evaluations(**evaluations) if evaluations else None,
    )


def certificate_out(certificate: Certificate) -> CertificateOut:
    return CertificateOut(
        type_code=certificate.type.code,
        type_name=certificate.type.name_ko,
        number=certificate.number,
        issuer=certificate.issuer,
        issued_on=certificate.issued_on,
        expires_on=certificate.expires_on,
    )


@bp.get("/suppliers/<int:company_id>")
@spec.validate(query=Page, resp=Response(HTTP_200=SupplierOut, HTTP_404=Problem, **LIMITED), tags=["catalogue"])
def supplier(company_id: int, query: Page):
    """An approved supplier and its products in the public catalogue, newest first, walked by cursor."""
    page = cursors.decode(query.cursor) or 1
    today = seoul_today()
    try:
        company, cards = catalogue.public_supplier(company_id, today, page=page, per_page=query.limit)
    except NotFound as error:
        raise missing(error) from None
    return SupplierOut(
        **named(company).model_dump(),
        region=company.region,
        founded_on=company.founded_on,
        startup=is_startup(company.founded_on, today),
        first_timer=is_first_timer(company.public_supply_count),
        products=[product_summary(card) for card in cards],
        next=cursors.encode(page + 1) if cards.has_next and page == cards.page else None,
    )


@bp.get("/rounds")
@spec.validate(query=Page, resp=Response(HTTP_200=RoundList, **LIMITED), tags=["rounds"])
def rounds(query: Page):
    """Every round but drafts, newest first, walked by cursor."""
    page = cursors.decode(query.cursor) or 1
    found = public_rounds.public_rounds(page=page, per_page=query.limit)
    return RoundList(
        items=[round_summary(round_) for round_ in found],
        next=cursors.encode(page + 1) if found.has_next and page == found.page else None,
    )


@bp.get("/rounds/<round_code>")
@spec.validate(resp=Response(HTTP_200=RoundOut, HTTP_404=Problem, **LIMITED), tags=["rounds"])
def round_(round_code: str):
    """A round's rules and window and, once published, its result: selections in draw order and the waitlist."""
    if len(round_code) > 20:
        raise ApiProblem(404)
    try:
        found = public_rounds.public_round(round_code)
    except NotFound as error:
        raise missing(error) from None
    return round_detail(found, public_rounds.published_result(found))


@bp.get("/needs")
@spec.validate(query=NeedQuery, resp=Response(HTTP_200=NeedList, **LIMITED), tags=["needs"])
def needs_list(query: NeedQuery):
    """Needs posted by institutions (the demand-driven track), newest first, optionally of one product
    category; withdrawn needs are left out. Walked by cursor."""
    page = cursors.decode(query.cursor) or 1
    category = query.category.value if query.category else ""
    found = needs.public_needs(page=page, per_page=query.limit, category=category)
    return NeedList(
        items=[need_summary(need, needs.status_of(need)) for need in found],
        next=cursors.encode(page + 1) if found.has_next and page == found.page else None,
    )


@bp.get("/needs/<int:need_id>")
@spec.validate(resp=Response(HTTP_200=NeedOut, HTTP_404=Problem, **LIMITED), tags=["needs"])
def need(need_id: int):
    """A need: the problem, quantity, budget and deadline, how many proposals it had, the round in which the
    committee evaluated its shortlist and, once made, the selection."""
    try:
        view = need_selection.public_need(need_id)
    except NotFound as error:
        raise missing(error) from None
    return need_detail(view.need, view.status, view.proposals, view.selected)


@bp.get("/verify/<serial>")
@verification_attempts
@spec.validate(
    query=VerifyQuery, resp=Response(HTTP_200=VerificationOut, HTTP_404=Problem, **LIMITED), tags=["verification"]
)
def verify(serial: str, query: VerifyQuery):
    """An audit-relief certificate's status by its serial; its facts too with the right verification code."""
    result = relief_verification.verify(serial[:40], code=(query.code or "")[:100])
    if result is None:
        raise ApiProblem(404, detail=_("No certificate has the serial number %(serial)s.", serial=serial[:30]))
    g.verification_refused = result.code_refused
    return verification(result, code_given=bool(query.code))
