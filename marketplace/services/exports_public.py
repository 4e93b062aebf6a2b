"""Exports of the public lists: every result of a catalogue search, a published round's result."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import aliased

from ..domain.catalogue import CatalogueQuery
from ..domain.eligibility import is_first_timer, is_startup
from ..domain.errors import N_, NotFound
from ..domain.states import ApplicationStatus, RoundStatus
from ..extensions import db
from ..models import Allocation, Application, Company, Institution, Product
from . import catalogue, public_rounds
from .tables import Column, Table, chunks, streamed

CATALOGUE_COLUMNS = (
    Column(N_("Product ID"), "int"),
    Column(N_("Product"), "name"),
    Column(N_("Supplier"), "name"),
    Column(N_("Unit price"), "krw"),
    Column(N_("Unit")),
    Column(N_("Certificate types"), "names"),
    Column(N_("Startup"), "bool"),
    Column(N_("First-timer"), "bool"),
)


def catalogue_table(query: CatalogueQuery, today: date) -> Table:
    """Every publicly listed product the search finds (all pages, not only the first 1,000 results), in
    the search's order, with what its card shows."""
    return Table("catalogue", CATALOGUE_COLUMNS, _catalogue_rows(query, today))


def _catalogue_rows(query: CatalogueQuery, today: date) -> Iterator[tuple]:
    """The rows of a batch of results come from one query (catalogue.CARD_ROWS, the cards' own), as plain
    tuples: an export of every product must not build a card object per product."""
    for ids in chunks(catalogue.result_ids(query, today)):
        found: dict[int, tuple] = {}
        for (
            pid,
            p_ko,
            p_en,
            price,
            unit,
            _cid,
            c_ko,
            c_en,
            founded_on,
            supply_count,
            _tid,
            t_ko,
            t_en,
        ) in db.session.connection().execute(catalogue.CARD_ROWS, {"ids": ids, "today": today}):
            row = found.get(pid)
            if row is None:
                startup, first_timer = is_startup(founded_on, today), is_first_timer(supply_count)
                row = found[pid] = (pid, (p_ko, p_en), (c_ko, c_en), price, unit, [], startup, first_timer)
            if t_ko is not None:
                row[5].append((t_ko, t_en))
        yield from (found[pid] for pid in ids if pid in found)


ROUND_COLUMNS = (
    Column(N_("Rank"), "int"),
    Column(N_("Waitlist position"), "int"),
    Column(N_("Application ID"), "int"),
    Column(N_("Company"), "name"),
    Column(N_("Product"), "name"),
    Column(N_("Institution"), "name"),
    Column(N_("Amount"), "krw"),
    Column(N_("Status"), "status"),
)


def round_result_table(code: str) -> Table:
    """A published round's selected applications by rank, then its waitlist in draw order, as its page
    lists them; raises NotFound for a round the public does not see or whose result is not published."""
    round_ = public_rounds.public_round(code)
    if round_.status != RoundStatus.PUBLISHED:
        raise NotFound(N_("The result of round %(code)s is not published yet."), code=code)
    return Table(f"round-{round_.code}-result", ROUND_COLUMNS, _round_rows(round_.id))


def _round_rows(round_id: int) -> Iterator[tuple]:
    applicant = aliased(Company)
    selected = (
        select(
            Allocation.rank,
            Allocation.application_id,
            applicant.name_ko,
            applicant.name_en,
            Product.name_ko,
            Product.name_en,
            Institution.name_ko,
            Institution.name_en,
            Allocation.amount_krw,
            Allocation.status,
        )
        .join(Application, Application.id == Allocation.application_id)
        .join(applicant, applicant.id == Application.company_id)
        .join(Product, Product.id == Application.product_id)
        .join(Institution, Institution.id == Allocation.institution_id)
        .where(Allocation.round_id == round_id)
        .order_by(Allocation.rank, Allocation.id)
    )
    for rank, app_id, c_ko, c_en, p_ko, p_en, i_ko, i_en, amount, status in streamed(selected):
        yield rank, None, app_id, (c_ko, c_en), (p_ko, p_en), (i_ko, i_en), amount, status
    waitlisted = (
        select(Application.waitlist_position, Application.id, applicant.name_ko, applicant.name_en)
        .add_columns(Product.name_ko, Product.name_en, Application.amount_krw, Application.status)
        .join(applicant, applicant.id == Application.company_id)
        .join(Product, Product.id == Application.product_id)
        .where(Application.round_id == round_id, Application.status == ApplicationStatus.WAITLISTED)
        .order_by(Application.waitlist_position, Application.id)
    )
    for index, (position, app_id, c_ko, c_en, p_ko, p_en, amount, status) in enumerate(streamed(waitlisted), 1):
        yield None, position or index, app_id, (c_ko, c_en), (p_ko, p_en), None, amount, status
