"""The API's request and response shapes (pydantic): SpecTree validates with them and writes the OpenAPI from them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from ..domain.catalogue import MAX_QUERY_CHARS, SORTS
from ..domain.orders import MAX_TEXT
from ..domain.reference import CATEGORIES, CONTRACT_METHODS, REGIONS
from ..domain.states import ApiTokenScope, NeedStatus, OrderStatus, ReliefStatus, RoundStatus

MAX_LIMIT = 100
MAX_ROW_ID = 2**53  # ids beyond what JSON numbers carry exactly are no row's

Category = StrEnum("Category", {code: code for code in CATEGORIES})  # type: ignore[misc]
Region = StrEnum("Region", {code: code for code in REGIONS})  # type: ignore[misc]
Sort = StrEnum("Sort", {code: code for code in SORTS})  # type: ignore[misc]


class Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Problem(BaseModel):
    """An RFC 9457 problem: title and detail in the language of Accept-Language (Korean or English)."""

    type: str = Field(description="a URI naming the kind of problem ('about:blank': the status says it all)")
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[str] | None = Field(None, description="every reason, when there are several")


class Page(Closed):
    limit: int = Field(20, ge=1, le=MAX_LIMIT, description="items per answer")
    cursor: str | None = Field(None, max_length=200, description="the `next` of the previous answer")


class CatalogueQuery(Page):
    q: str | None = Field(None, max_length=MAX_QUERY_CHARS, description="search words (names, model, supplier)")
    category: Category | None = None
    cert_type: str | None = Field(None, max_length=40, description="a certificate type code")
    region: Region | None = None
    startup: bool = False
    first_timer: bool = False
    sort: Sort = Sort("relevance")


class Named(BaseModel):
    id: int
    name_ko: str
    name_en: str


class ProductSummary(BaseModel):
    id: int
    name_ko: str
    name_en: str
    unit_price_krw: int
    unit: str
    supplier: Named
    certificate_types: list[str] = Field(description="types of the certificates valid today (Seoul), Korean names")
    startup: bool
    first_timer: bool
    url: str


class ProductList(BaseModel):
    items: list[ProductSummary]
    next: str | None = Field(description="the cursor of the next items; null at the end")


class CertificateOut(BaseModel):
    type_code: str
    type_name: str
    number: str
    issuer: str
    issued_on: date
    expires_on: date


class Evaluations(BaseModel):
    count: int
    would_buy_again: int
    averages: dict[str, float]


class ProductOut(ProductSummary):
    model: str
    category: str
    description: str
    specification: str
    certificates: list[CertificateOut]
    evaluations: Evaluations | None


class SupplierOut(BaseModel):
    id: int
    name_ko: str
    name_en: str
    region: str
    founded_on: date | None
    startup: bool
    first_timer: bool
    products: list[ProductSummary]
    next: str | None


class RoundSummary(BaseModel):
    code: str
    title_ko: str
    title_en: str
    status: RoundStatus
    opens_at: datetime
    closes_at: datetime
    cap_krw: int
    url: str


class RoundList(BaseModel):
    items: list[RoundSummary]
    next: str | None


class Selected(BaseModel):
    rank: int
    product: Named
    supplier: Named
    institution: Named
    amount_krw: int
    status: str


class TrackOut(BaseModel):
    kind: str = Field(description="the track's kind (startup, general, ...): each application is in one track")
    label_ko: str
    label_en: str
    share_percent: int = Field(description="the track's share of the round's budget, per cent")
    budget_krw: int = Field(description="the track's share of the round's budget in won, drawn on its own")
    cap_krw: int = Field(description="the most an application in this track may ask for")
    weights: dict[str, int]
    record_limit_krw: int | None = Field(description="a general track's public supply record threshold")


class CategoryOut(BaseModel):
    code: str
    name_ko: str
    name_en: str


class ResultVersionOut(BaseModel):
    version: int
    url: str = Field(description="the result file as of this version (the public checker re-runs it)")
    objection: int | None = Field(description="the number of the upheld objection whose remedy made this version")
    changed_at: datetime | None = Field(description="when the remedy changed the result; null for the draw's")


class RoundOut(RoundSummary):
    pass_mark: int
    weights: dict[str, int]
    manifest_sha256: str | None
    published_at: datetime | None
    selected: list[Selected]
    waitlist: list[Named] = Field(description="waitlisted products, in draw order")
    tracks: list[TrackOut] = Field(description="the round's tracks; empty: one pool")
    categories: list[CategoryOut] = Field(description="the product categories the round is for; empty: every one")
    result_versions: list[ResultVersionOut] = Field(
        description="the published result's versions, the draw's first; a remedy of an objection adds one"
    )


class NeedQuery(Page):
    category: Category | None = None


class NeedSummary(BaseModel):
    id: int
    number: str
    title: str
    institution: Named = Field(description="the institution that posted the need and would buy the selection")
    category: CategoryOut
    quantity: int
    budget_krw: int
    deadline_at: datetime = Field(description="proposals are taken until this moment")
    posted_at: datetime
    status: NeedStatus = Field(description="shortlisting from the deadline until the institution sends its shortlist")
    url: str


class NeedList(BaseModel):
    items: list[NeedSummary]
    next: str | None


class NeedOut(NeedSummary):
    problem: str
    proposals: int = Field(description="proposals received and not withdrawn (the proposers are not named)")
    round_code: str | None = Field(description="the round in which the committee evaluated the shortlist")
    round_url: str | None
    selected: list[Selected] = Field(description="the selection, once made: an allocation to the institution")
    decided_at: datetime | None = Field(description="when the selection was made or the need closed without one")


class VerifyQuery(Closed):
    code: str | None = Field(None, max_length=100, description="the verification code printed beside the serial")


class VerificationOut(BaseModel):
    serial: str
    status: ReliefStatus
    issued_at: datetime
    institution: Named
    superseded_by: str | None
    intact: bool = Field(description="the stored record matches its fingerprints and the audit trail")
    code_accepted: bool | None = Field(description="null without a code")
    facts: dict | None = Field(description="the attested facts: with the right code only")


class TokenOut(BaseModel):
    name: str
    prefix: str
    scope: ApiTokenScope
    expires_at: datetime
    role: str
    institution: Named | None


class MouOut(BaseModel):
    id: int
    number: str
    institution: Named
    signed_on: date
    starts_on: date
    ends_on: date
    committed_krw: int
    balance_krw: int


class MouList(BaseModel):
    items: list[MouOut]
    next: str | None


class AllocationOut(BaseModel):
    id: int
    round_code: str
    institution: Named
    product: Named
    supplier: Named
    amount_krw: int
    ordered_krw: int
    remaining_krw: int
    status: str
    valid_from: date | None
    valid_until: date | None


class AllocationList(BaseModel):
    items: list[AllocationOut]
    next: str | None


class OrderOut(BaseModel):
    id: int
    number: str
    institution: Named
    mou_id: int
    allocation_id: int
    product: Named
    quantity: int
    unit_price_krw: int
    amount_krw: int
    contract_method: str
    ordered_on: date
    status: OrderStatus
    late_reason: str
    created_at: datetime


class OrderList(BaseModel):
    items: list[OrderOut]
    next: str | None


class OrderQuery(Page):
    status: OrderStatus | None = None


class OrderIn(Closed):
    """An order, as the buyer's purchase form takes it; the same checks and messages apply."""

    allocation_id: int = Field(ge=1, le=MAX_ROW_ID)
    mou_id: int = Field(ge=1, le=MAX_ROW_ID)
    quantity: int = Field(ge=-MAX_ROW_ID, le=MAX_ROW_ID)
    unit_price_krw: int = Field(ge=-MAX_ROW_ID, le=MAX_ROW_ID)
    amount_krw: int | None = Field(None, ge=-MAX_ROW_ID, le=MAX_ROW_ID, description="checked against quantity x price")
    contract_method: str = Field(max_length=30, description="one of: " + ", ".join(CONTRACT_METHODS))
    ordered_on: date = Field(description="the contract date")
    no_private_interest: bool = Field(description="the buyer's declaration of no private interest (must be true)")
    late_reason: str = Field("", max_length=MAX_TEXT)


class IdempotencyHeaders(BaseModel):
    idempotency_key: str | None = Field(
        None,
        alias="Idempotency-Key",
        pattern=r"^[\x21-\x7e]{1,100}$",
        description="a key of your choice: the same key again answers with the first outcome, placing one order",
    )
