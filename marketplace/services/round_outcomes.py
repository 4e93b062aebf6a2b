"""Per round, what became of it after its result: the reports page's table, its CSV/XLSX file and the rows the
purchase report prints (domain/round_outcomes.py counts them). Four grouped queries, whatever the rounds."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence

from sqlalchemy import func, select

from ..domain.errors import N_
from ..domain.round_outcomes import RoundOutcome, corrective_counts, objection_counts
from ..domain.states import FollowOnStatus, RoundStatus
from ..extensions import db
from ..models import Allocation, CorrectiveAction, FollowOnPurchase, Objection, Order, Round
from .tables import Column, Table

COLUMNS = (
    Column(N_("Round")),
    Column(N_("Title"), "name"),
    Column(N_("Minutes SHA-256")),
    Column(N_("Objections awaiting a decision"), "int"),
    Column(N_("Objections upheld, remedy pending"), "int"),
    Column(N_("Objections upheld and remedied"), "int"),
    Column(N_("Objections dismissed"), "int"),
    Column(N_("Follow-on purchases"), "int"),
    Column(N_("Follow-on amount"), "krw"),
    Column(N_("Corrective actions open"), "int"),
    Column(N_("Corrective actions resolved"), "int"),
)


def round_outcomes(codes: Sequence[str] | None = None) -> list[RoundOutcome]:
    """Every round that has opened (or those of `codes`), newest first, with its later facts. Follow-on
    purchases count when not cancelled; corrective actions are those opened on the round's orders."""
    query = select(Round.id, Round.code, Round.title_ko, Round.title_en, Round.minutes_sha256).where(
        Round.status != RoundStatus.DRAFT
    )
    if codes is not None:
        query = query.where(Round.code.in_(list(codes)))
    rounds = db.session.execute(query.order_by(Round.opens_at.desc(), Round.id.desc())).all()
    ids = [row.id for row in rounds]
    objections, follow_ons, actions = _objections(ids), _follow_ons(ids), _corrective(ids)
    outcomes = []
    for row in rounds:
        opened, resolved = corrective_counts(actions[row.id])
        count, amount = follow_ons.get(row.id, (0, 0))
        outcomes.append(
            RoundOutcome(
                row.code,
                row.title_ko,
                row.title_en,
                row.minutes_sha256,
                objection_counts(objections[row.id]),
                count,
                amount,
                opened,
                resolved,
            )
        )
    return outcomes


def _objections(ids: list[int]) -> dict[int, list[tuple[str, int]]]:
    found: dict[int, list[tuple[str, int]]] = defaultdict(list)
    rows = db.session.execute(
        select(Objection.round_id, Objection.state, func.count())
        .where(Objection.round_id.in_(ids))
        .group_by(Objection.round_id, Objection.state)
    )
    for round_id, state, count in rows:
        found[round_id].append((state, count))
    return found


def _follow_ons(ids: list[int]) -> dict[int, tuple[int, int]]:
    rows = db.session.execute(
        select(Allocation.round_id, func.count(), func.coalesce(func.sum(FollowOnPurchase.amount_krw), 0))
        .select_from(FollowOnPurchase)
        .join(Order, Order.id == FollowOnPurchase.order_id)
        .join(Allocation, Allocation.id == Order.allocation_id)
        .where(Allocation.round_id.in_(ids), FollowOnPurchase.status == FollowOnStatus.RECORDED)
        .group_by(Allocation.round_id)
    )
    return {round_id: (int(count), int(amount)) for round_id, count, amount in rows}


def _corrective(ids: list[int]) -> dict[int, list[tuple[str | None, int]]]:
    found: dict[int, list[tuple[str | None, int]]] = defaultdict(list)
    rows = db.session.execute(
        select(Allocation.round_id, CorrectiveAction.state, func.count())
        .select_from(CorrectiveAction)
        .join(Order, Order.id == CorrectiveAction.order_id)
        .join(Allocation, Allocation.id == Order.allocation_id)
        .where(Allocation.round_id.in_(ids))
        .group_by(Allocation.round_id, CorrectiveAction.state)
    )
    for round_id, state, count in rows:
        found[round_id].append((state, count))
    return found


def round_outcomes_table() -> Table:
    """The reports page's round outcomes as a table, row for row."""
    return Table("round-outcomes", COLUMNS, _rows(round_outcomes()))


def _rows(outcomes: list[RoundOutcome]) -> Iterator[tuple]:
    for o in outcomes:
        counts = o.objections
        yield (
            o.code,
            (o.title_ko, o.title_en),
            o.minutes_sha256,
            counts.filed,
            counts.upheld,
            counts.remedied,
            counts.dismissed,
            o.follow_on_count,
            o.follow_on_krw,
            o.corrective_open,
            o.corrective_resolved,
        )
