"""The remedy of an upheld objection, recorded by staff, and the result versions it makes.

- Rescoring: staff enter the corrected scores; the objection keeps them before and after. The draw's pool
  was frozen in the manifest before the seed was known, so corrected scores do not re-enter or leave the
  pool: the draw's result stays as drawn and no new result version is made.
- Reinstatement from the waitlist: the objecting application, waitlisted, is allocated by the draw's own
  rule (selection.reinstate_from_waitlist: the candidate institution with the most round budget left that
  covers its amount). Its amount is taken from that institution's round budget left; it is refused when no
  candidate has enough left, so no budget is ever exceeded. No MOU quota is charged (quota is charged only
  by orders, as for every allocation). It is a new result version, replayed by `flask draw verify`.
- A new draw of the objecting application's track (services/track_redraws.py): a new manifest and a new
  public seed event are published before the event, then the track is drawn again with the event's outcome.
  The round's draw stays verifiable from its manifest and seed, and the new draw from its own. It is a new
  result version, replayed by `flask draw verify`.

Result version 1 is the draw as published; each reinstatement and each new draw adds one version.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from ..database import begin_write
from ..domain import objections as rules
from ..domain import rounds as round_rules
from ..domain import selection
from ..domain.clock import seoul_date, seoul_iso
from ..domain.errors import N_, DomainError
from ..domain.manifest import canonical_json
from ..domain.states import ApplicationStatus, ObjectionRemedyKind, ObjectionState, RoundStatus
from ..extensions import db
from ..models import Allocation, Application, Institution, Objection, Round, User
from . import applications, notices, redraw_results
from . import rounds as round_service
from .audit import record_event
from .draws import allocation_valid_until, drawn
from .objections import locked_objection
from .outbox import request_delivery


@dataclass(frozen=True)
class ResultChange:
    """A change to the drawn result made by a remedy: what the result JSON and the round page list."""

    version: int
    objection: int
    kind: str
    application_id: int
    institution_code: str
    amount_krw: int
    at: datetime | None


def _remedied(row: Objection, staff: User, kind: str, note: str) -> None:
    row.state, row.remedy_kind, row.remedy_note = ObjectionState.REMEDIED, kind, note.strip()
    row.remedied_by_id, row.remedied_at = staff.id, round_service.now()


def _check(row: Objection) -> None:
    try:
        rules.check_remediable(row.state)
    except rules.ObjectionRefused:
        db.session.rollback()
        raise


def rescore(staff: User, objection_id: int, scores: tuple[int, int, int], note: str) -> Objection:
    """Record corrected scores for the objecting application (before and after kept, audited). Raises
    NotFound, ObjectionRefused (not upheld, already remedied) or ScoreError."""
    round_rules.check_scores(*scores)
    begin_write()
    row = locked_objection(objection_id)
    _check(row)
    application = row.application
    before = [application.score_innovation, application.score_capability, application.score_need]
    application.score_innovation, application.score_capability, application.score_need = scores
    application.scored_at = round_service.now()
    row.scores_before, row.scores_after = before, list(scores)
    _remedied(row, staff, ObjectionRemedyKind.RESCORED, note)
    record_event(
        staff,
        "objection.rescored",
        row,
        company_id=row.company_id,
        before={"scores": before},
        after={"scores": list(scores), "number": row.number, "application_id": application.id},
        reason=row.remedy_note,
    )
    db.session.commit()
    return row


def _reinstatable(round_: Round, application: Application) -> selection.Allocation:
    if round_.status != RoundStatus.PUBLISHED or drawn(round_).published_at is None:
        raise rules.ObjectionRefused(N_("Allocations change only after the round's result is published."))
    if application.status != ApplicationStatus.WAITLISTED:
        raise rules.ObjectionRefused(
            N_("Only a waitlisted application can be reinstated from the waitlist; choose rescoring instead.")
        )
    manifest = redraw_results.effective(round_)[0]
    current = applications.current_result(round_, manifest)
    promoted = selection.reinstate_from_waitlist(manifest, current, application.id)[1]
    if promoted is None:
        raise rules.ObjectionRefused(
            N_(
                "No institution this application may go to has round budget left for its amount: a round "
                "budget is never exceeded. Nothing was changed."
            )
        )
    return promoted


def reinstate(staff: User, objection_id: int, note: str) -> Objection:
    """Give the objecting waitlisted application an allocation by the draw's rule, as a new result version
    (audited, replayed by `flask draw verify`, the supplier told). Raises NotFound or ObjectionRefused."""
    begin_write()
    row = locked_objection(objection_id)
    _check(row)
    round_, application = row.round, row.application
    try:
        promoted = _reinstatable(round_, application)
    except DomainError:
        db.session.rollback()
        raise
    allocation = _allocate(round_, application, promoted)
    version = _latest_version(round_.id) + 1
    row.allocation_id, row.result_version = allocation.id, version
    _remedied(row, staff, ObjectionRemedyKind.REINSTATED, note)
    record_event(
        staff,
        "objection.reinstated",
        allocation,
        company_id=application.company_id,
        after={
            "application_id": application.id,
            "institution": promoted.institution_code,
            "amount_krw": promoted.amount,
            "number": row.number,
            "result_version": version,
        },
        reason=row.remedy_note,
    )
    notices.allocation_changed(allocation, "reinstated", row.remedy_note)
    db.session.commit()
    request_delivery()
    return row


def _allocate(round_: Round, application: Application, promoted: selection.Allocation) -> Allocation:
    institution = next(b.institution for b in round_.budgets if b.institution.code == promoted.institution_code)
    published_at = drawn(round_).published_at
    assert published_at is not None  # checked by _reinstatable
    moment = round_service.now()
    application.status, application.waitlist_position = ApplicationStatus.SELECTED, None
    allocation = Allocation(
        round_id=round_.id,
        application_id=application.id,
        institution_id=institution.id,
        amount_krw=promoted.amount,
        rank=promoted.rank,
        via_waitlist=True,
        valid_from=seoul_date(moment),
        valid_until=allocation_valid_until(round_, seoul_date(published_at)),
    )
    db.session.add(allocation)
    db.session.flush()
    return allocation


def _latest_version(round_id: int) -> int:
    latest = db.session.scalar(select(func.max(Objection.result_version)).where(Objection.round_id == round_id))
    return latest or 1


def result_changes(round_id: int) -> list[ResultChange]:
    """The changes remedies made to the drawn result, by result version."""
    rows = db.session.execute(
        select(Objection, Allocation, Institution.code)
        .join(Allocation, Allocation.id == Objection.allocation_id)
        .join(Institution, Institution.id == Allocation.institution_id)
        .where(Objection.round_id == round_id, Objection.result_version.is_not(None))
        .order_by(Objection.result_version)
    ).all()
    return [
        ResultChange(
            o.result_version or 1, o.number, o.remedy_kind or "", a.application_id, code, a.amount_krw, o.remedied_at
        )
        for o, a, code in rows
    ]


def current_version(round_id: int) -> int:
    return _latest_version(round_id)


def versioned_result_json(round_: Round, version: int | None = None) -> str | None:
    """The published result as of a result version (None: the latest): the draw's result exactly as drawn
    (so the checker re-runs it) with `result_version` and the `result_changes` made up to that version, a
    new draw's change with its manifest's SHA-256, seed event, seed and result (which the checker re-runs
    from the new draw's own manifest). None for a version that does not exist."""
    draw = round_.draw
    if draw is None or draw.result_json is None:
        return None
    changes = _all_changes(round_.id)
    latest = changes[-1][0] if changes else 1
    version = latest if version is None else version
    if not 1 <= version <= latest:
        return None
    data = json.loads(draw.result_json)
    data["result_version"] = version
    data["result_changes"] = [c for v, c in changes if v <= version]
    return canonical_json(data)


def _all_changes(round_id: int) -> list[tuple[int, dict]]:
    """Every change to the drawn result as its result version lists it, by version: reinstatements and
    new draws of a track."""
    changes = [(c.version, _change_json(c)) for c in result_changes(round_id)]
    drawn_again = [r for r in redraw_results.redraws_of(round_id) if r.result_version is not None]
    changes += [(r.result_version or 1, redraw_results.change_json(r)) for r in drawn_again]
    return sorted(changes, key=lambda change: change[0])


def _change_json(change: ResultChange) -> dict:
    return {
        "version": change.version,
        "objection": change.objection,
        "remedy": change.kind,
        "application": change.application_id,
        "institution": change.institution_code,
        "amount": change.amount_krw,
        "at": seoul_iso(change.at),
    }
