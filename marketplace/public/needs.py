"""Institutions' needs, public: the list and each need's page (the institution is named, the budget public)."""

from __future__ import annotations

from flask import render_template, request

from ..domain.reference import CATEGORIES
from ..routing import page_request
from ..services import needs
from .views import bp


@bp.get("/needs")
def needs_list():
    """Needs posted by institutions, newest first, optionally of one product category."""
    category = request.args.get("category", "")
    category = category if category in CATEGORIES else ""
    page = needs.public_needs(category=category, **page_request())
    return render_template("needs/public_list.html", needs=page, category=category, status_of=needs.status_of)


@bp.get("/needs/<int:need_id>")
def need(need_id: int):
    """A need: the problem, quantity, budget, deadline, and how many proposals it had; its outcome."""
    view = needs.get_need(need_id)
    proposals = needs.proposals_of(need_id)
    return render_template("needs/public_need.html", need=view.need, status=view.status, proposals=proposals)
