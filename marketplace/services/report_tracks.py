"""The purchase report's per-track loaders: each round's tracks with their applications, selections, budgets and
allocations (a round without tracks as its single pool), and the track of each order line.

Three grouped queries and one load of the rounds, whatever the number of rounds; reports/track_figures.py adds
them up per track kind with the report's order lines.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from ..domain.states import AllocationStatus, RoundStatus
from ..extensions import db
from ..models import Allocation, Application, Institution, Need, Round, RoundInstitution, RoundTrack
from ..reports.track_figures import NEED_POOL, SINGLE_POOL, TrackFacts, TrackRow, rows_by_round
from .tracks import manifest_tracks

Key = tuple[int, str]  # a round's id and a track kind


class TrackKinds:
    """The track kind of an application of the rounds `round_ids` (ids or a subquery of ids): its track's kind;
    without one, NEED_POOL in a round made for an institution's need, else the round's SINGLE_POOL."""

    def __init__(self, round_ids):
        rows = db.session.execute(select(RoundTrack.id, RoundTrack.kind).where(RoundTrack.round_id.in_(round_ids)))
        self.kinds: dict[int, str] = {track_id: kind for track_id, kind in rows}
        self.need_rounds = set(db.session.scalars(select(Need.round_id).where(Need.round_id.in_(round_ids))))

    def pool(self, round_id: int) -> str:
        return NEED_POOL if round_id in self.need_rounds else SINGLE_POOL

    def of(self, round_id: int, track_id: int | None) -> str:
        return self.kinds[track_id] if track_id in self.kinds else self.pool(round_id)


def track_kinds(round_ids) -> TrackKinds:
    return TrackKinds(round_ids)


def track_facts(codes: Sequence[str], institution_id: int | None) -> list[TrackFacts]:
    """Each track of the rounds `codes` (a round without tracks: its single pool), with the applications it
    received, and the selections, budget and allocations of the institution (None: of every institution).

    Allocated is what the active allocations hold, plus what was ordered on one that was moved or withdrawn."""
    rounds = db.session.scalars(
        select(Round)
        .where(Round.code.in_(list(codes)))
        .options(selectinload(Round.tracks), selectinload(Round.budgets).joinedload(RoundInstitution.institution))
        .order_by(Round.opens_at, Round.id)
    ).all()
    ids = [round_.id for round_ in rounds]
    kinds = track_kinds(ids)
    received = _applications(ids, kinds)
    selected, allocated = _allocations(ids, kinds, institution_id)
    code = (
        db.session.scalar(select(Institution.code).where(Institution.id == institution_id)) if institution_id else None
    )
    facts = []
    for round_ in rounds:
        for kind, budget in _budgets(round_, code, kinds.pool(round_.id)).items():
            key = (round_.id, kind)
            facts.append(
                TrackFacts(round_.code, kind, received.get(key, 0), selected.get(key, 0), budget, allocated.get(key, 0))
            )
    return facts


def _budgets(round_: Round, institution_code: str | None, pool: str) -> dict[str, int]:
    """Each track's budget (the pool's of a round without tracks: the round's), of one institution or of all."""

    def counts(code: str) -> bool:
        return institution_code is None or code == institution_code

    if not round_.tracks:
        return {pool: sum(b.budget_krw for b in round_.budgets if counts(b.institution.code))}
    return {
        track.track: sum(part.budget for part in track.institutions if counts(part.code))
        for track in manifest_tracks(round_)
    }


def _applications(ids: list[int], kinds: TrackKinds) -> dict[Key, int]:
    rows = db.session.execute(
        select(Application.round_id, Application.track_id, func.count())
        .where(Application.round_id.in_(ids))
        .group_by(Application.round_id, Application.track_id)
    )
    found: dict[Key, int] = {}
    for round_id, track_id, count in rows:
        key = (round_id, kinds.of(round_id, track_id))
        found[key] = found.get(key, 0) + int(count)
    return found


def _allocations(ids: list[int], kinds: TrackKinds, institution_id: int | None) -> tuple[dict, dict]:
    held = case((Allocation.status == AllocationStatus.ACTIVE, Allocation.amount_krw), else_=Allocation.ordered_krw)
    query = (
        select(Allocation.round_id, Application.track_id)
        .add_columns(func.count(func.distinct(Allocation.application_id)), func.coalesce(func.sum(held), 0))
        .join(Application, Application.id == Allocation.application_id)
        .where(Allocation.round_id.in_(ids))
        .group_by(Allocation.round_id, Application.track_id)
    )
    if institution_id is not None:
        query = query.where(Allocation.institution_id == institution_id)
    selected: dict[Key, int] = {}
    allocated: dict[Key, int] = {}
    for round_id, track_id, count, amount in db.session.execute(query):
        key = (round_id, kinds.of(round_id, track_id))
        selected[key] = selected.get(key, 0) + int(count)
        allocated[key] = allocated.get(key, 0) + int(amount)
    return selected, allocated


def round_track_figures() -> list[tuple[Round, TrackRow]]:
    """Every round that has opened, newest first, with each of its tracks' figures (a round without tracks:
    its single pool); the amount ordered is what the orders not cancelled charged to the allocations."""
    rounds = db.session.scalars(
        select(Round).where(Round.status != RoundStatus.DRAFT).order_by(Round.opens_at.desc(), Round.id.desc())
    ).all()
    by_code = {round_.code: round_ for round_ in rounds}
    facts = track_facts(list(by_code), None)
    order = {code: n for n, code in enumerate(by_code)}
    facts.sort(key=lambda fact: order[fact.round_code])
    kinds = track_kinds([round_.id for round_ in rounds])
    ordered: dict[tuple[str, str], int] = {}
    codes = {round_.id: round_.code for round_ in rounds}
    rows = db.session.execute(
        select(Allocation.round_id, Application.track_id, func.coalesce(func.sum(Allocation.ordered_krw), 0))
        .join(Application, Application.id == Allocation.application_id)
        .where(Allocation.round_id.in_(list(codes)))
        .group_by(Allocation.round_id, Application.track_id)
    )
    for round_id, track_id, amount in rows:
        key = (codes[round_id], kinds.of(round_id, track_id))
        ordered[key] = ordered.get(key, 0) + int(amount)
    return [(by_code[code], row) for code, row in rows_by_round(facts, ordered)]
