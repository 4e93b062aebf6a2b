"""Ministry staff pages: approvals, institutions, rounds, reports, audit trail."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("ministry", __name__, url_prefix="/ministry")


@bp.get("/")
def dashboard():
    """What waits for a decision, and the program at a glance."""
    from ..services.approvals import pending_counts

    return render_template("ministry/dashboard.html", pending=pending_counts())
