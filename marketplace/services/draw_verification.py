"""flask draw verify: re-run a round's draw from its stored manifest and seed, then hold the stored result
and the database's allocations, statuses and waitlist against the re-run (DESIGN.md section 4, step 6)."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from sqlalchemy import select

from ..domain import rounds as rules
from ..domain import selection
from ..domain.errors import N_
from ..extensions import db
from ..models import Allocation, AuditEvent, Draw, Round
from . import rounds as round_service
from .seed_events import result_timeline

RESULT_PARTS = ("round", "rule", "seed", "manifest_sha256", "order", "selected", "waitlist", "remaining")


@dataclass(frozen=True)
class Verification:
    """The outcome of re-running a draw: whether everything matches, and what was found (first difference
    of each kind first)."""

    matches: bool
    details: list[str]


def verify_draw(code: str) -> Verification:
    """Re-run the draw of a round from the stored manifest and seed; compare the stored result and the
    database's allocations with it. Raises RoundError when the round has not been drawn."""
    round_ = round_service.get_round(code)
    draw = round_.draw
    if draw is None or draw.seed is None or draw.result_json is None:
        raise rules.RoundError(N_("Round %(code)s has not been drawn yet."), code=code)
    manifest = selection.manifest_from_json(draw.manifest_json)
    rerun = selection.run_draw(manifest, draw.seed)
    details = _result_differences(round_, draw, manifest, rerun) + _database_differences(round_, manifest, rerun)
    if details:
        return Verification(False, details)
    return Verification(True, [
        f"manifest SHA-256 {rerun.manifest_sha256}",
        f"seed {draw.seed!r}",
        f"{len(rerun.selected)} selected, {len(rerun.waitlist)} waitlisted: same as the stored result",
        "allocations, statuses and waitlist positions in the database: as the re-run gives them",
    ])


def _result_differences(round_: Round, draw: Draw, manifest, rerun: selection.DrawResult) -> list[str]:
    found = []
    digest = rerun.manifest_sha256
    if digest != draw.manifest_sha256 or selection.manifest_json(manifest) != draw.manifest_json:
        found.append(f"manifest SHA-256 {digest} differs from the published {draw.manifest_sha256}")
    expected, stored = json.loads(selection.result_json(rerun)), _load(draw.result_json)
    found += [f"{key}: the stored result differs from the re-run" for key in RESULT_PARTS
              if expected.get(key) != stored.get(key)]
    # Results drawn before rounds named their seed event state no timeline.
    if "timeline" in stored and stored["timeline"] != result_timeline(round_, draw):
        found.append("timeline: the stored result differs from the round's rule, freeze, seed event and draw times")
    return found


def _load(text: str) -> dict:
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _withdrawals(round_: Round, ids: set[int]) -> list[int]:
    """Pool applications withdrawn after the draw (selected or waitlisted then), in the audit trail's order."""
    events = db.session.execute(
        select(AuditEvent.object_id, AuditEvent.before)
        .where(AuditEvent.action == "application.withdrawn", AuditEvent.object_type == "Application",
               AuditEvent.object_id.in_(ids))
        .order_by(AuditEvent.seq)
    ).all()
    return [app_id for app_id, before in events if (before or {}).get("status") in ("selected", "waitlisted")]


def _expected_rows(round_: Round, manifest, rerun: selection.DrawResult):
    """What the database must hold: per application, its allocation (institution, amount, rank, status,
    from the waitlist) or None, and its status with its waitlist position.

    Withdrawals after publication are replayed in order: each frees its budget for the first waitlisted
    application that fits (selection.refill_after_withdrawal), as the withdrawal itself did.
    """
    state, promoted, allocations = rerun, set(), {}
    for app_id in _withdrawals(round_, {a.id for a in manifest.applications}):
        held = next((a for a in state.selected if a.app_id == app_id), None)
        if held is not None:
            allocations[app_id] = (held.institution_code, held.amount, held.rank, "withdrawn", app_id in promoted)
            state, new = selection.refill_after_withdrawal(manifest, state, app_id)
            promoted |= {new.app_id} if new else set()
        elif app_id in state.waitlist:
            state = replace(state, waitlist=tuple(a for a in state.waitlist if a != app_id))
    for a in state.selected:
        allocations[a.app_id] = (a.institution_code, a.amount, a.rank, "active", a.app_id in promoted)
    position = {app_id: n for n, app_id in enumerate(rerun.waitlist, start=1)}
    statuses = {a.id: ("withdrawn", None) for a in manifest.applications}
    statuses |= {app_id: ("waitlisted", position[app_id]) for app_id in state.waitlist}
    statuses |= {a.app_id: ("selected", None) for a in state.selected}
    return allocations, statuses


def _database_differences(round_: Round, manifest, rerun: selection.DrawResult) -> list[str]:
    """The first difference between the database's allocations and statuses and the re-run, if any."""
    allocations, statuses = _expected_rows(round_, manifest, rerun)
    codes = {b.institution_id: b.institution.code for b in round_.budgets}
    stored = {}
    for row in db.session.scalars(select(Allocation).where(Allocation.round_id == round_.id).order_by(Allocation.id)):
        if row.application_id in stored:
            return [f"application {row.application_id} has more than one allocation in the database"]
        stored[row.application_id] = (codes.get(row.institution_id, f"#{row.institution_id}"), row.amount_krw,
                                      row.rank, row.status, row.via_waitlist)
    for app_id in sorted(allocations.keys() | stored.keys()):
        if allocations.get(app_id) != stored.get(app_id):
            return [f"allocation of application {app_id}: the database has {_row(stored.get(app_id))}, "
                    f"the re-run gives {_row(allocations.get(app_id))}"]
    for application in sorted(round_.applications, key=lambda a: a.id):
        expected = statuses.get(application.id)
        actual = (application.status, application.waitlist_position)
        if expected is None and application.status in ("selected", "waitlisted"):
            return [f"application {application.id} is {application.status} in the database but not in the pool"]
        if expected is not None and actual != expected:
            return [f"application {application.id}: the database says {_status(actual)}, "
                    f"the re-run gives {_status(expected)}"]
    return []


def _row(row) -> str:
    if row is None:
        return "no allocation"
    code, amount, rank, status, via_waitlist = row
    waitlist = ", from the waitlist" if via_waitlist else ""
    return f"institution {code}, amount {amount:,}, rank {rank}, {status}{waitlist}"


def _status(pair) -> str:
    status, position = pair
    return f"{status} (waitlist position {position})" if position is not None else status
