"""flask draw verify: re-run a round's draw from its stored manifest and seed, then hold the stored result
and the database's allocations, statuses and waitlist against the re-run (DESIGN.md section 4, step 6).

Each new draw of a track (the remedy of an upheld objection) is re-run from its own manifest and seed and
held against its stored result; its manifest must be the track's part of the round's (domain/redraws.py);
the replay of the changes after publication splices it in where it was drawn."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace

from sqlalchemy import select

from ..domain import redraws, selection
from ..domain import rounds as rules
from ..domain.errors import N_
from ..domain.states import AllocationChangeKind, AllocationStatus, ApplicationStatus, ObjectionRemedyKind
from ..extensions import db
from ..models import Allocation, AuditEvent, Draw, Round, TrackRedraw
from . import redraw_results
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
    redrawn = [r for r in redraw_results.redraws_of(round_.id) if r.seed is not None]
    details = _result_differences(round_, draw, manifest, rerun) + _redraw_differences(manifest, redrawn)
    details = details or _database_differences(round_, manifest, rerun, redrawn)
    if details:
        return Verification(False, details)
    return Verification(
        True,
        [
            f"manifest SHA-256 {rerun.manifest_sha256}",
            f"seed {draw.seed!r}",
            f"{len(rerun.selected)} selected, {len(rerun.waitlist)} waitlisted: same as the stored result",
            *(
                f"new draw of track {r.track or '(whole pool)'} for objection {r.objection.number}: manifest "
                f"SHA-256 {r.manifest_sha256}, seed {r.seed!r}, same as its stored result"
                for r in redrawn
            ),
            "allocations, statuses and waitlist positions in the database: as the re-run gives them",
        ],
    )


def _redraw_differences(manifest: selection.Manifest, redrawn: list[TrackRedraw]) -> list[str]:
    """Each new draw re-run from its manifest and seed against its stored result, and its manifest against
    the track's part of the manifest the result rested on when it was frozen."""
    found = []
    for redraw in redrawn:
        own = selection.manifest_from_json(redraw.manifest_json)
        rerun = redraw_results.redraw_result(redraw)
        where = f"new draw for objection {redraw.objection.number}"
        if rerun.manifest_sha256 != redraw.manifest_sha256 or selection.manifest_json(own) != redraw.manifest_json:
            found.append(f"{where}: manifest SHA-256 {rerun.manifest_sha256} differs from the published one")
        expected, stored = json.loads(selection.result_json(rerun)), _load(redraw.result_json or "{}")
        found += [
            f"{where}: {key} of the stored result differs from the re-run"
            for key in RESULT_PARTS
            if expected.get(key) != stored.get(key)
        ]
        found += [
            f"{where}: {d}"
            for d in redraws.manifest_differences(manifest, redraw.track, own, redraw.added_application_id)
        ]
        added = redraw_results.added_application(redraw)
        manifest = redraws.with_application(manifest, added, redraw.track)
    return found


def _result_differences(round_: Round, draw: Draw, manifest, rerun: selection.DrawResult) -> list[str]:
    found = []
    digest = rerun.manifest_sha256
    if digest != draw.manifest_sha256 or selection.manifest_json(manifest) != draw.manifest_json:
        found.append(f"manifest SHA-256 {digest} differs from the published {draw.manifest_sha256}")
    expected, stored = json.loads(selection.result_json(rerun)), _load(draw.result_json or "{}")
    found += [
        f"{key}: the stored result differs from the re-run"
        for key in RESULT_PARTS
        if expected.get(key) != stored.get(key)
    ]
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


_REPLAYED = (
    "application.withdrawn",
    "allocation.moved",
    "allocation.refilled_from_waitlist",
    "objection.reinstated",
    "objection.redrawn",
)


def _changes(round_: Round, ids: set[int], redraw_ids: list[int]) -> list[tuple[str, int | None, dict]]:
    """What changed the result after the draw, in the audit trail's order: withdrawals of pool
    applications that were selected or waitlisted then, the ministry's moves (application id and new
    institution), the ministry's refills (those with an actor: a supplier's withdrawal refills by itself) and
    the reinstatements of upheld objections (application id)."""
    allocation_ids = select(Allocation.id).where(Allocation.round_id == round_.id)
    events = db.session.execute(
        select(AuditEvent.action, AuditEvent.object_id, AuditEvent.before, AuditEvent.after, AuditEvent.actor_id)
        .where(
            AuditEvent.action.in_(_REPLAYED),
            ((AuditEvent.object_type == "Application") & AuditEvent.object_id.in_(ids))
            | ((AuditEvent.object_type == "Allocation") & AuditEvent.object_id.in_(allocation_ids))
            | ((AuditEvent.object_type == "TrackRedraw") & AuditEvent.object_id.in_(redraw_ids)),
        )
        .order_by(AuditEvent.seq)
    ).all()
    moved_apps = dict(
        db.session.execute(
            select(Allocation.id, Allocation.application_id).where(Allocation.round_id == round_.id)
        ).all()
    )
    found = (_change(event, moved_apps) for event in events)
    return [change for change in found if change is not None]


def _change(event, moved_apps: dict[int, int]) -> tuple[str, int | None, dict] | None:
    """The change one audit event made to the result, or None when it made none to replay."""
    action, object_id, before, after, actor_id = event
    if action == "application.withdrawn" and (before or {}).get("status") in (
        ApplicationStatus.SELECTED,
        ApplicationStatus.WAITLISTED,
    ):
        return ApplicationStatus.WITHDRAWN, object_id, {}
    if action == "allocation.moved":
        return AllocationChangeKind.MOVED, moved_apps.get(object_id), after or {}
    if action == "allocation.refilled_from_waitlist" and actor_id is not None:
        return AllocationChangeKind.REFILLED, None, {}
    return _remedy_change(action, object_id, after)


def _remedy_change(action: str, object_id: int, after: dict | None) -> tuple[str, int | None, dict] | None:
    """A remedy's change: the reinstated application's id, or the id of the new draw of a track."""
    if action == "objection.reinstated":
        return ObjectionRemedyKind.REINSTATED, (after or {}).get("application_id"), {}
    if action == "objection.redrawn":
        return ObjectionRemedyKind.REDRAWN, object_id, {}
    return None


def _expected_rows(round_: Round, manifest, rerun: selection.DrawResult, redrawn: list[TrackRedraw]):
    """What the database must hold: per application, its allocation rows in the order they were made
    (institution, amount, rank, status, from the waitlist), and its status with its waitlist position.

    The changes after publication are replayed in order with the draw's own rules: a withdrawal frees its
    budget for the first waitlisted application that fits (selection.refill_after_withdrawal), a move
    leaves a 'moved' row and an active one at the new institution (selection.move_allocation), and a
    ministry refill promotes the first waitlisted application that fits (selection.promote_from_waitlist),
    and the reinstatement of an upheld objection allocates that application (selection.reinstate_from_waitlist);
    a new draw of a track ends the track's allocations ('superseded') and puts its own result in the track's
    place (domain/redraws.py), after the withdrawals since its freeze. Waitlist positions follow the draw's
    waitlist with the new draws spliced in.
    """
    final_manifest, base = redraw_results.effective(round_, manifest)
    replay = _Replay(manifest, rerun, redraws={r.id: r for r in redrawn})
    ids = {a.id for a in final_manifest.applications}
    for kind, app_id, after in _changes(round_, ids, [r.id for r in redrawn]):
        replay.apply(kind, app_id, after)
    return replay.rows_after(), _statuses(final_manifest, base, replay.state)


@dataclass
class _Replay:
    """The result as the changes after publication leave it, and the allocation rows they closed."""

    manifest: selection.Manifest
    state: selection.DrawResult
    promoted: set[int] = field(default_factory=set)
    rows: dict[int, list[tuple]] = field(default_factory=dict)
    redraws: dict[int, TrackRedraw] = field(default_factory=dict)
    withdrawn: set[int] = field(default_factory=set)

    def apply(self, kind: str, app_id: int | None, after: dict) -> None:
        held = next((a for a in self.state.selected if a.app_id == app_id), None)
        if kind == ApplicationStatus.WITHDRAWN:
            self._withdrawn(app_id, held)
        elif (
            kind == AllocationChangeKind.MOVED and held is not None and after.get("institution") in self.state.remaining
        ):
            self._record(held, AllocationStatus.MOVED)
            self.state = selection.move_allocation(self.manifest, self.state, held.app_id, after["institution"])
        elif kind == AllocationChangeKind.REFILLED:
            self.state, new = selection.promote_from_waitlist(self.manifest, self.state)
            self._promote(new)
        else:
            self._remedy(kind, app_id)

    def _remedy(self, kind: str, object_id: int | None) -> None:
        """A reinstatement (of application `object_id`) or a new draw of a track (new draw `object_id`)."""
        if kind == ObjectionRemedyKind.REINSTATED and object_id in self.state.waitlist:
            self.state, new = selection.reinstate_from_waitlist(self.manifest, self.state, object_id)
            self._promote(new)
        elif kind == ObjectionRemedyKind.REDRAWN and object_id in self.redraws:
            self._redrawn(self.redraws[object_id])

    def _redrawn(self, redraw: TrackRedraw) -> None:
        """The track's allocations end; the new draw, less those that withdrew since, takes its place."""
        added = redraw_results.added_application(redraw)
        ids = redraw_results.track_ids(self.manifest, redraw.track, added)
        for held in self.state.selected:
            if held.app_id in ids:
                self._record(held, AllocationStatus.SUPERSEDED)
        own = selection.manifest_from_json(redraw.manifest_json)
        settled, promoted = redraws.settle_withdrawals(own, redraw_results.redraw_result(redraw), self.withdrawn & ids)
        self.promoted = (self.promoted - ids) | {a.app_id for a in promoted}
        self.manifest = redraws.with_application(self.manifest, added, redraw.track)
        self.state = redraws.spliced(self.manifest, self.state, ids, settled)

    def _withdrawn(self, app_id: int | None, held: selection.Allocation | None) -> None:
        if app_id is not None:
            self.withdrawn.add(app_id)
        if held is not None:
            self._record(held, AllocationStatus.WITHDRAWN)
            self.state, new = selection.refill_after_withdrawal(self.manifest, self.state, held.app_id)
            self._promote(new)
        elif app_id in self.state.waitlist:
            self.state = replace(self.state, waitlist=tuple(a for a in self.state.waitlist if a != app_id))

    def _promote(self, new: selection.Allocation | None) -> None:
        if new is not None:
            self.promoted.add(new.app_id)

    def _record(self, held: selection.Allocation, status: str) -> None:
        self.rows.setdefault(held.app_id, []).append(
            (held.institution_code, held.amount, held.rank, status, held.app_id in self.promoted)
        )

    def rows_after(self) -> dict[int, list[tuple]]:
        """The closed rows, then each selected application's active row."""
        for held in self.state.selected:
            self._record(held, AllocationStatus.ACTIVE)
        return self.rows


def _statuses(manifest, rerun: selection.DrawResult, state: selection.DrawResult) -> dict[int, tuple[str, int | None]]:
    """Per pool application: selected, waitlisted at its place in the draw's waitlist, or withdrawn."""
    position = {app_id: n for n, app_id in enumerate(rerun.waitlist, start=1)}
    statuses: dict[int, tuple[str, int | None]] = {
        a.id: (ApplicationStatus.WITHDRAWN, None) for a in manifest.applications
    }
    statuses |= {app_id: (ApplicationStatus.WAITLISTED, position[app_id]) for app_id in state.waitlist}
    statuses |= {a.app_id: (ApplicationStatus.SELECTED, None) for a in state.selected}
    return statuses


def _database_differences(
    round_: Round, manifest, rerun: selection.DrawResult, redrawn: list[TrackRedraw]
) -> list[str]:
    """The first difference between the database's allocations and statuses and the re-run, if any."""
    allocations, statuses = _expected_rows(round_, manifest, rerun, redrawn)
    return _allocation_difference(_stored_rows(round_), allocations) or _status_difference(round_, statuses)


def _stored_rows(round_: Round) -> dict[int, list[tuple]]:
    """Per application, the database's allocation rows in the order they were made."""
    codes = {b.institution_id: b.institution.code for b in round_.budgets}
    stored: dict[int, list[tuple]] = {}
    for row in db.session.scalars(select(Allocation).where(Allocation.round_id == round_.id).order_by(Allocation.id)):
        stored.setdefault(row.application_id, []).append(
            (
                codes.get(row.institution_id, f"#{row.institution_id}"),
                row.amount_krw,
                row.rank,
                row.status,
                row.via_waitlist,
            )
        )
    return stored


def _allocation_difference(stored: dict[int, list[tuple]], expected: dict[int, list[tuple]]) -> list[str]:
    for app_id in sorted(expected.keys() | stored.keys()):
        mine, theirs = stored.get(app_id, []), expected.get(app_id, [])
        for n in range(max(len(mine), len(theirs))):
            have, want = _nth(mine, n), _nth(theirs, n)
            if have != want:
                return [
                    f"allocation of application {app_id}: the database has {_row(have)}, the re-run gives {_row(want)}"
                ]
    return []


def _status_difference(round_: Round, statuses: dict[int, tuple[str, int | None]]) -> list[str]:
    for application in sorted(round_.applications, key=lambda a: a.id):
        expected = statuses.get(application.id)
        actual = (application.status, application.waitlist_position)
        if expected is None and application.status in (ApplicationStatus.SELECTED, ApplicationStatus.WAITLISTED):
            return [f"application {application.id} is {application.status} in the database but not in the pool"]
        if expected is not None and actual != expected:
            return [
                f"application {application.id}: the database says {_status(actual)}, "
                f"the re-run gives {_status(expected)}"
            ]
    return []


def _nth(rows: list[tuple], n: int) -> tuple | None:
    return rows[n] if n < len(rows) else None


def _row(row) -> str:
    if row is None:
        return "no allocation"
    code, amount, rank, status, via_waitlist = row
    waitlist = ", from the waitlist" if via_waitlist else ""
    return f"institution {code}, amount {amount:,}, rank {rank}, {status}{waitlist}"


def _status(pair) -> str:
    status, position = pair
    return f"{status} (waitlist position {position})" if position is not None else status
