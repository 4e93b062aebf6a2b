"""Rows and service results turned into the API's response models."""

from __future__ import annotations

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from ..domain.reference import CATEGORIES
from ..domain.states import NeedStatus, OrderStatus, ReliefStatus, RoundStatus
from ..domain.tracks import TRACK_LABELS
from ..models import Allocation, Mou, Need, Order, Round
from ..services import tracks
from ..services.catalogue import ProductCard
from ..services.public_rounds import PublishedResult
from ..services.relief_verification import Verification
from .schemas import (
    AllocationOut,
    CategoryOut,
    MouOut,
    Named,
    NeedOut,
    NeedSummary,
    OrderOut,
    ProductSummary,
    ResultVersionOut,
    RoundOut,
    RoundSummary,
    Selected,
    TrackOut,
    VerificationOut,
)


def named(row) -> Named:
    return Named(id=row.id, name_ko=row.name_ko, name_en=row.name_en or "")


def product_summary(card: ProductCard) -> ProductSummary:
    item = card.product
    return ProductSummary(
        id=item.id,
        name_ko=item.name_ko,
        name_en=item.name_en or "",
        unit_price_krw=item.unit_price_krw,
        unit=item.unit,
        supplier=named(item.company),
        certificate_types=list(dict.fromkeys(c.type.name_ko for c in card.certificates)),
        startup=card.startup,
        first_timer=card.first_timer,
        url=url_for("api.product", product_id=item.id),
    )


def round_summary(round_: Round) -> RoundSummary:
    return RoundSummary(
        code=round_.code,
        title_ko=round_.title_ko,
        title_en=round_.title_en or "",
        status=RoundStatus(round_.status),
        opens_at=round_.opens_at,
        closes_at=round_.closes_at,
        cap_krw=round_.cap_krw,
        url=url_for("api.round_", round_code=round_.code),
    )


def round_detail(round_: Round, result: PublishedResult) -> RoundOut:
    draw = round_.draw
    return RoundOut(
        **round_summary(round_).model_dump(),
        pass_mark=round_.pass_mark,
        weights={
            "first_timer": round_.weight_first_timer,
            "startup": round_.weight_startup,
            "general": round_.weight_general,
        },
        manifest_sha256=draw.manifest_sha256 if draw else None,
        published_at=draw.published_at if draw else None,
        selected=[selected_out(a) for a in result.selected],
        waitlist=[named(application.product) for application in result.waitlisted],
        tracks=round_tracks(round_),
        categories=[CategoryOut(code=code, **_both(CATEGORIES.get(code, code))) for code in round_.categories],
        result_versions=result_versions(round_, result),
    )


def _both(msgid: str) -> dict[str, str]:
    """A label in Korean and English, whatever the request's language."""
    with force_locale("ko"):
        name_ko = _(msgid)
    with force_locale("en"):
        name_en = _(msgid)
    return {"name_ko": name_ko, "name_en": name_en}


def round_tracks(round_: Round) -> list[TrackOut]:
    budgets = tracks.track_budgets(round_)
    out = []
    for track in round_.tracks:
        names = _both(next((label for kind, label in TRACK_LABELS.items() if kind == track.kind), track.kind))
        out.append(
            TrackOut(
                kind=track.kind,
                label_ko=names["name_ko"],
                label_en=names["name_en"],
                share_percent=track.share_percent,
                budget_krw=budgets[track.kind],
                cap_krw=track.cap_krw,
                weights={
                    "first_timer": track.weight_first_timer,
                    "startup": track.weight_startup,
                    "general": track.weight_general,
                },
                record_limit_krw=track.record_limit_krw,
            )
        )
    return out


def result_versions(round_: Round, result: PublishedResult) -> list[ResultVersionOut]:
    """Every version of a published result (none before publication), with the remedy that made it."""
    if round_.status != RoundStatus.PUBLISHED:
        return []
    changes = {change.version: change for change in result.result_changes}
    return [
        ResultVersionOut(
            version=n,
            url=url_for("public.round_result_version", round_code=round_.code, version=n),
            objection=changes[n].objection if n in changes else None,
            changed_at=changes[n].at if n in changes else None,
        )
        for n in range(1, result.version + 1)
    ]


def verification(result: Verification, *, code_given: bool) -> VerificationOut:
    certificate = result.certificate
    return VerificationOut(
        serial=certificate.serial,
        status=ReliefStatus(certificate.status),
        issued_at=certificate.issued_at,
        institution=named(result.institution),
        superseded_by=result.superseded_by.serial if result.superseded_by else None,
        intact=result.intact,
        code_accepted=(result.proof == "code") if code_given else None,
        facts=result.facts,
    )


def mou(row: Mou) -> MouOut:
    return MouOut(
        id=row.id,
        number=row.number,
        institution=named(row.institution),
        signed_on=row.signed_on,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        committed_krw=row.committed_krw,
        balance_krw=row.balance_krw,
    )


def allocation(row: Allocation) -> AllocationOut:
    return AllocationOut(
        id=row.id,
        round_code=row.round.code,
        institution=named(row.institution),
        product=named(row.application.product),
        supplier=named(row.application.company),
        amount_krw=row.amount_krw,
        ordered_krw=row.ordered_krw,
        remaining_krw=row.amount_krw - row.ordered_krw,
        status=row.status,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
    )


def order(row: Order) -> OrderOut:
    return OrderOut(
        id=row.id,
        number=row.number,
        institution=named(row.institution),
        mou_id=row.mou_id,
        allocation_id=row.allocation_id,
        product=named(row.product),
        quantity=row.quantity,
        unit_price_krw=row.unit_price_krw,
        amount_krw=row.amount_krw,
        contract_method=row.contract_method,
        ordered_on=row.ordered_on,
        status=OrderStatus(row.status),
        late_reason=row.late_reason,
        created_at=row.created_at,
    )


def selected_out(allocation: Allocation) -> Selected:
    return Selected(
        rank=allocation.rank,
        product=named(allocation.application.product),
        supplier=named(allocation.application.company),
        institution=named(allocation.institution),
        amount_krw=allocation.amount_krw,
        status=allocation.status,
    )


def need_summary(need: Need, status: str) -> NeedSummary:
    return NeedSummary(
        id=need.id,
        number=need.number,
        title=need.title,
        institution=named(need.institution),
        category=CategoryOut(code=need.category, **_both(CATEGORIES.get(need.category, need.category))),
        quantity=need.quantity,
        budget_krw=need.budget_krw,
        deadline_at=need.deadline_at,
        posted_at=need.posted_at,
        status=NeedStatus(status),
        url=url_for("api.need", need_id=need.id),
    )


def need_detail(need: Need, status: str, proposals: int, selected: list[Allocation]) -> NeedOut:
    round_ = need.round
    return NeedOut(
        **need_summary(need, status).model_dump(),
        problem=need.problem,
        proposals=proposals,
        round_code=round_.code if round_ else None,
        round_url=url_for("api.round_", round_code=round_.code) if round_ else None,
        selected=[selected_out(a) for a in selected],
        decided_at=need.decided_at,
    )
