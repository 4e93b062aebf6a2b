"""What a round's releases lack of the round as it stands: parts published only since its releases were kept
(tracks as lots, the committee's minutes, objections, result versions, follow-on purchases, corrective actions).

The round's record is compiled (ocdsmerge) and compared with the round as it stands, by the ids OCDS merges
on: a document, milestone, related process or award link that the compiled release lacks is missing.
"""

from __future__ import annotations

from ..models import Round
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
