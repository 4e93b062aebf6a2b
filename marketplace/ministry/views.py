"""Ministry staff pages: approvals, institutions, rounds, reports, audit trail."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..services import approvals, quota

bp = Blueprint("ministry", __name__, url_prefix="/ministry")


@bp.get("/")
def dashboard():
    """What waits for a decision, and the program at a glance."""
    return render_template(
        "ministry/dashboard.html", pending=approvals.pending_counts(), overview=quota.program_overview()
    )
