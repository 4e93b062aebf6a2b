"""`flask ocds backfill`: a release for each round opened before releases were kept, as it stands; and for a round
whose releases lack parts published only since they were kept (tracks as lots, the committee's minutes, objections,
result versions, follow-on purchases, corrective actions), a release with what they lack.

The round's record is compiled (ocdsmerge) and compared with the round as it stands, by the ids OCDS merges
on: a document, milestone, related process or award link that the compiled release lacks is missing.
"""

from __future__ import annotations

from sqlalchemy import func, select

from ..database import begin_write
from ..domain.states import OrderStatus, RoundStatus
from ..extensions import db
from ..models import Allocation, AuditEvent, OcdsRelease, Order, Round
from ..models.types import utcnow
from . import ocds_releases as core
from .ocds_after import standing_later_parts
from .ocds_packages import record


def _ids(items) -> set[str]:
    return {item["id"] for item in items or [] if "id" in item}


def _new(standing: list[dict], compiled: list[dict] | None) -> list[dict]:
    known = _ids(compiled)
    return [item for item in standing if item["id"] not in known]


def missing_parts(round_: Round, standing: dict) -> tuple[list[str], dict] | None:
    """The tags and data of a release adding what the round's releases lack of `standing` (the round's release
    as it stands), or None when they lack nothing."""
    compiled = record(round_)["compiledRelease"]
    tags: list[str] = []
    data: dict[str, object] = {}
    tender = _tender_gaps(standing.get("tender", {}), compiled.get("tender", {}))
    if tender:
        tags.append("tenderUpdate")
        data["tender"] = {"id": standing["tender"]["id"], **tender}
    awards = _award_gaps(standing.get("awards", []), compiled.get("awards", []))
    if awards:
        tags.append("awardUpdate")
        data["awards"] = awards
    contracts = _contract_gaps(standing.get("contracts", []), compiled.get("contracts", []))
    if contracts:
        tags.append("contractUpdate")
        data["contracts"] = contracts
    return (tags, data) if tags else None


def _tender_gaps(standing: dict, compiled: dict) -> dict:
    gaps: dict = {}
    if standing.get("lots") and not compiled.get("lots"):
        gaps["lots"] = standing["lots"]
    for part in ("documents", "milestones"):
        new = _new(standing.get(part, []), compiled.get(part))
        if new:
            gaps[part] = new
    return gaps


def _award_gaps(standing: list[dict], compiled: list[dict]) -> list[dict]:
    """Awards the releases never stated, whole; the lot of those stated without one."""
    known = {award["id"]: award for award in compiled}
    missing = [award for award in standing if award["id"] not in known]
    unlinked = [
        {"id": award["id"], "relatedLots": award["relatedLots"]}
        for award in standing
        if award.get("relatedLots") and award["id"] in known and not known[award["id"]].get("relatedLots")
    ]
    return missing + unlinked


def _contract_gaps(standing: list[dict], compiled: list[dict]) -> list[dict]:
    known = {contract["id"]: contract for contract in compiled}
    gaps = [_contract_gap(contract, known.get(contract["id"])) for contract in standing]
    return [gap for gap in gaps if gap is not None]


def _contract_gap(contract: dict, before: dict | None) -> dict | None:
    """A contract the releases never stated, whole; else its related processes and milestones they lack."""
    if before is None:
        return contract
    related = _new(contract.get("relatedProcesses", []), before.get("relatedProcesses"))
    milestones = _new(
        (contract.get("implementation") or {}).get("milestones", []),
        (before.get("implementation") or {}).get("milestones"),
    )
    if not related and not milestones:
        return None
    entry: dict = {"id": contract["id"], "awardID": contract["awardID"]}
    if related:
        entry["relatedProcesses"] = related
    if milestones:
        entry["implementation"] = {"milestones": milestones}
    return entry


def backfill() -> int:
    """Write one release for each round opened before releases were kept, stating it as it stands now (tender
    with its lots, awards, contracts, and the later parts: minutes, objections, result versions, follow-on
    purchases, corrective actions), dated at its last recorded change; and for each round whose releases lack
    some of those parts (kept before they were published), one release with the missing parts, dated now.
    Returns how many rounds were given a release; safe to run again (a second run finds nothing missing)."""
    begin_write()
    has_release = select(OcdsRelease.id).where(OcdsRelease.round_id == Round.id).exists()
    opened = select(Round).where(Round.status != RoundStatus.DRAFT).order_by(Round.id)
    written = 0
    for round_, first in ((r, not kept) for r, kept in db.session.execute(opened.add_columns(has_release))):
        tag, data = _as_it_stands(round_)
        if first:
            last = db.session.scalar(
                select(func.max(AuditEvent.created_at)).where(
                    AuditEvent.object_type == "Round", AuditEvent.object_id == round_.id
                )
            )
            release = OcdsRelease(round_id=round_.id, date=last or round_.created_at, tag=tag, data=data)
        else:
            found = missing_parts(round_, data)
            if found is None:
                continue
            release = OcdsRelease(round_id=round_.id, date=utcnow(), tag=found[0], data=found[1])
        db.session.add(release)
        written += 1
    db.session.commit()
    return written


def _as_it_stands(round_: Round) -> tuple[list[str], dict]:
    """A round's release as it stands now: its tags and its data, the later parts included."""
    _, _, data = core._opened(round_, {})
    tag = ["tender"]
    if round_.draw is not None and round_.draw.published_at is not None:
        _, award_tags, awarded = core._published(round_, {})
        data = {**data, **awarded, "tender": {**data["tender"], **awarded["tender"]}}
        data["parties"] = core._unique([*core._opened(round_, {})[2]["parties"], *awarded["parties"]])
        tag = ["tender", "award"]
        placed = db.session.scalars(
            select(Order).join(Allocation, Allocation.id == Order.allocation_id).where(Allocation.round_id == round_.id)
        ).all()
        if placed:
            data["contracts"] = [_standing(order) for order in placed]
            tag.append("contract")
    return tag, core._without_none(standing_later_parts(round_, data))


def _standing(order: Order) -> dict:
    """An order's contract as it stands: terminated when cancelled or evaluated, with its milestones met so far."""
    entry = core.contract(order)
    steps = [
        (order.delivered_on is not None, core._delivered),
        (order.inspection_result is not None, core._inspected),
        (order.status == OrderStatus.EVALUATED, core._evaluated),
    ]
    milestones = [
        builder(order, {})[2]["contracts"][0]["implementation"]["milestones"][0] for done, builder in steps if done
    ]
    if milestones:
        entry["implementation"] = {"milestones": milestones}
    if order.status in (OrderStatus.CANCELLED, OrderStatus.EVALUATED):
        entry["status"] = "terminated"
    return entry
