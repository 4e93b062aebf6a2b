"""What the public round pages show: every round but drafts, a published round's result, its JSON files."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from ..domain.errors import N_, NotFound
from ..domain.states import RoundStatus
from ..extensions import db
from ..models import Allocation, AllocationChange, Application, Round
from . import allocations, draws, objection_remedies, objections, redraw_results, round_lists, rounds
from .draws import TierRow
from .pages import Page


@dataclass(frozen=True)
class PublishedResult:
    """A published round's result as its public page prints it (all empty before it is published)."""

    tiers: list[TierRow] = field(default_factory=list)
    selected: list[Allocation] = field(default_factory=list)
    changes: list[AllocationChange] = field(default_factory=list)
    waitlisted: list[Application] = field(default_factory=list)
    version: int = 1
    result_changes: list[objection_remedies.ResultChange] = field(default_factory=list)
    redraws: list[redraw_results.RedrawFacts] = field(default_factory=list)
    decisions: list[objections.PublishedDecision] = field(default_factory=list)


def public_rounds(*, page: int, per_page: int) -> Page[Round]:
    """A page of every round but drafts, newest first; an open round whose window has passed is closed first."""
    rounds.close_due_rounds()
    return round_lists.rounds_page(public_only=True, page=page, per_page=per_page)


def public_round(code: str) -> Round:
    """The round with this code, closed first if its window has passed; raises NotFound for an unknown
    code and for a draft, which the public does not see."""
    round_ = rounds.get_round(code)
    if round_.status == RoundStatus.DRAFT:
        raise NotFound(N_("There is no round with code %(code)s."), code=code)
    rounds.close_if_due(round_)
    return round_


def published_result(round_: Round) -> PublishedResult:
    """The weight tiers, the selected allocations, the changes to them and the waitlist in draw order."""
    if round_.status != RoundStatus.PUBLISHED:
        return PublishedResult()
    waitlisted = rounds.waitlist(round_.id)  # with companies and products: the page names them
    return PublishedResult(
        tiers=draws.tier_table(round_),
        selected=allocations.allocations_of(round_.id),
        changes=allocations.changes_of(round_.id),
        waitlisted=list(waitlisted),
        version=objection_remedies.current_version(round_.id),
        result_changes=objection_remedies.result_changes(round_.id),
        redraws=redraw_results.redraw_facts(round_.id),
        decisions=objections.published_decisions(round_.id),
    )


def frozen_manifest(code: str) -> str | None:
    """The frozen pool manifest exactly as hashed (canonical JSON); None for an unknown round or a pool
    not frozen yet."""
    round_ = db.session.scalar(select(Round).where(Round.code == code))
    draw = round_.draw if round_ is not None else None
    return draw.manifest_json if draw is not None else None


def result_json(code: str, version: int | None = None) -> str | None:
    """The published draw result (order, keys, allocation, waitlist) with its seed, as of a result version
    (None: the latest) with the changes remedies of objections made; None for an unknown round, one not
    published yet or a version it does not have."""
    round_ = db.session.scalar(select(Round).where(Round.code == code))
    if round_ is None or round_.status != RoundStatus.PUBLISHED:
        return None
    return objection_remedies.versioned_result_json(round_, version)


def redraw_file(code: str, number: int, part: str) -> str | None:
    """A published round's new draw made for objection `number`: its manifest (published from its freeze) or
    its result (once drawn), exactly as stored; None otherwise."""
    round_ = db.session.scalar(select(Round).where(Round.code == code))
    if round_ is None or round_.status != RoundStatus.PUBLISHED:
        return None
    redraw = redraw_results.by_number(round_, number)
    if redraw is None:
        return None
    return redraw.manifest_json if part == "manifest" else redraw.result_json
