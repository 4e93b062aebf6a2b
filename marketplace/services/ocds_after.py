"""OCDS releases for the program's later parts: the committee's minutes, objections, follow-on purchases and
corrective actions (mapping decisions in the README's open-data section).

- Committee: one tender document, the minutes' SHA-256 and finalisation time. The minutes themselves (evaluator
  names, each member's scores and comments) are not public, so they are neither linked nor copied.
- Objections: a decided objection is a tender milestone of type `assessment` (adjudication), named by its number
  and never by its applicant, with the decision reason the round page already shows; a reinstatement adds the
  new result version as an award notice document beside the award update.
- Follow-on purchases happen outside the pilot, in the institution's own procedure: a `relatedProcesses` entry
  (`renewalProcess`) of the pilot order's contract, never an award or contract of this process.
- Corrective actions: an implementation milestone of the pilot order's contract; no finding, plan or reason text.
"""

from __future__ import annotations

from sqlalchemy import select

from ..domain.states import (
    CorrectiveActionCause,
    CorrectiveActionState,
    FollowOnStatus,
    ObjectionRemedyKind,
    ObjectionState,
)
from ..extensions import db
from ..models import Allocation, CorrectiveAction, FollowOnPurchase, Objection, Round
from . import ocds_releases as core

OUTCOMES = {
    ObjectionState.UPHELD: "Upheld",
    ObjectionState.DISMISSED: "Dismissed",
    ObjectionState.REMEDIED: "Upheld",
}
REMEDIES = {
    ObjectionRemedyKind.RESCORED: "the application's scores were corrected",
    ObjectionRemedyKind.REINSTATED: "the application was given an allocation from the waitlist",
}
CAUSES = {
    CorrectiveActionCause.LOW_EVALUATION: "a post-use evaluation under the threshold",
    CorrectiveActionCause.REJECTED_INSPECTION: "goods rejected at inspection",
}
ACTION_STATES = {
    CorrectiveActionState.OPENED: ("scheduled", "Opened: the supplier's plan is due"),
    CorrectiveActionState.PLAN_SUBMITTED: ("scheduled", "Plan submitted, awaiting the ministry's decision"),
    CorrectiveActionState.REJECTED: ("scheduled", "Plan rejected: a new plan is due"),
    CorrectiveActionState.ACCEPTED: ("met", "Plan accepted (resolved)"),
    CorrectiveActionState.CLOSED: ("notMet", "Closed by the ministry without an accepted plan (resolved)"),
}


def minutes_document(round_: Round) -> dict:
    """The committee's finalised minutes, by their hash only: anyone given a copy can check it."""
    return {
        "id": "committee-minutes",
        "documentType": "evaluationReports",
        "title": "Evaluation committee minutes (SHA-256 of the finalised minutes)",
        "description": (
            f"SHA-256 of the minutes as canonical JSON: {round_.minutes_sha256}. The ministry keeps the minutes;"
            " evaluator names and each member's scores are not published."
        ),
        "datePublished": core._optional_moment(round_.scores_finalised_at),
        "format": "application/json",
    }


def _finalised(round_: Round, _event: dict) -> core.Staged:
    return round_, ["tenderUpdate"], {"tender": {"id": round_.code, "documents": [minutes_document(round_)]}}


def objection_milestone(row: Objection) -> dict:
    """A decided objection, by its number; the reason is the one the public round page shows."""
    text = f"{OUTCOMES[ObjectionState(row.state)]}. Reason: {row.decision_reason}"
    if row.remedy_kind:
        text += f" Remedy: {REMEDIES[ObjectionRemedyKind(row.remedy_kind)]}"
        text += f" (result version {row.result_version})." if row.result_version else "."
    return {
        "id": f"objection-{row.number}",
        "title": f"Objection {row.number} to the published result",
        "type": "assessment",
        "code": "objection",
        "description": text,
        "status": "met",
        "dateMet": core._optional_moment(row.decided_at),
        **({"dateModified": core.moment_text(row.remedied_at)} if row.remedied_at else {}),
    }


def result_version_document(round_: Round, version: int) -> dict:
    url = f"{core._base_url()}/rounds/{round_.code}/result-v{version}.json"
    title = f"Draw result, version {version}"
    return core._document(f"result-v{version}", "awardNotice", title, url, "application/json")


def _objection(row: Objection, _event: dict) -> core.Staged:
    return row.round, ["tenderUpdate"], {"tender": {"id": row.round.code, "milestones": [objection_milestone(row)]}}


def _reinstated(allocation: Allocation, event: dict) -> core.Staged:
    """The award update of the new allocation, with the objection's remedy and the new result version."""
    round_, _tag, data = core._allocation_changed(allocation, event)
    row = db.session.scalar(select(Objection).where(Objection.allocation_id == allocation.id))
    if row is None or row.result_version is None:
        return round_, ["awardUpdate"], data
    tender = {
        "id": round_.code,
        "milestones": [objection_milestone(row)],
        "documents": [result_version_document(round_, row.result_version)],
    }
    return round_, ["tenderUpdate", "awardUpdate"], {**data, "tender": tender}


def follow_on_process(row: FollowOnPurchase) -> dict:
    """A follow-on purchase as a process related to the pilot order's contract (outside this process)."""
    title = (
        f"Follow-on purchase outside the pilot by {row.institution.name_ko}: {row.quantity} x {row.product.name_ko},"
        f" KRW {row.amount_krw:,}, contracted {row.contracted_on.isoformat()}"
    )
    if row.status == FollowOnStatus.CANCELLED:
        title += " (cancelled by the buyer)"
    return {"id": f"F{row.id}", "relationship": ["renewalProcess"], "title": title}


def _follow_on(row: FollowOnPurchase, _event: dict) -> core.Staged:
    order = row.order
    entry = {"id": f"C{order.id}", "awardID": f"A{order.allocation_id}", "relatedProcesses": [follow_on_process(row)]}
    return order.allocation.round, ["contractUpdate"], {"contracts": [entry]}


def corrective_milestone(action: CorrectiveAction) -> dict:
    outcome, words = ACTION_STATES[CorrectiveActionState(action.state)]
    milestone = {
        "id": f"corrective-action-{action.number}",
        "title": f"Corrective action {action.number}",
        "type": "reporting",
        "code": "correctiveAction",
        "description": f"Opened after {CAUSES[CorrectiveActionCause(action.cause)]}. {words}.",
        "status": outcome,
        **({"dueDate": core.day_text(action.due_on)} if action.due_on else {}),
    }
    changed = action.decided_at or action.plan_submitted_at or action.opened_at
    milestone["dateMet" if outcome == "met" else "dateModified"] = core.moment_text(changed)
    return milestone


def _corrective(action: CorrectiveAction, _event: dict) -> core.Staged:
    return core._milestone(action.order, corrective_milestone(action))


BUILDERS: dict[str, core.Builder] = {
    "committee.finalised": _finalised,
    "objection.upheld": _objection,
    "objection.dismissed": _objection,
    "objection.rescored": _objection,
    "objection.reinstated": _reinstated,
    "follow_on.recorded": _follow_on,
    "follow_on.cancelled": _follow_on,
    **{f"corrective_action.{state}": _corrective for state in CorrectiveActionState},
}


def standing_later_parts(round_: Round, data: dict) -> dict:
    """`data` (a round's release as it stands: tender, awards, contracts) with the later parts as they stand:
    the committee's minutes, decided objections and result versions on the tender; follow-on purchases and
    corrective actions on the contracts of their pilot orders. What `flask ocds backfill` writes."""
    tender = dict(data["tender"])
    documents = list(tender.get("documents", []))
    if round_.minutes_sha256:
        documents.append(minutes_document(round_))
    decided = db.session.scalars(
        select(Objection)
        .where(Objection.round_id == round_.id, Objection.decided_at.is_not(None))
        .order_by(Objection.number)
    ).all()
    versions = sorted({row.result_version for row in decided if row.result_version})
    documents += [result_version_document(round_, version) for version in versions]
    milestones = [objection_milestone(row) for row in decided]
    tender.update(documents=documents, **({"milestones": milestones} if milestones else {}))
    contracts = [_standing_contract(entry) for entry in data.get("contracts", [])]
    return {**data, "tender": tender, **({"contracts": contracts} if contracts else {})}


def _standing_contract(entry: dict) -> dict:
    order_id = int(entry["id"][1:])
    purchases = db.session.scalars(
        select(FollowOnPurchase).where(FollowOnPurchase.order_id == order_id).order_by(FollowOnPurchase.id)
    ).all()
    action = db.session.scalar(select(CorrectiveAction).where(CorrectiveAction.order_id == order_id))
    if purchases:
        entry = {**entry, "relatedProcesses": [follow_on_process(row) for row in purchases]}
    if action is not None:
        implementation = entry.get("implementation", {})
        milestones = [*implementation.get("milestones", []), corrective_milestone(action)]
        entry = {**entry, "implementation": {**implementation, "milestones": milestones}}
    return entry
