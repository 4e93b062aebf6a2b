"""The small-value track page: its rules, the batch open now, and whether the company qualifies for it."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from ..domain import small_track
from ..services import small_track as service
from .views import bp


@bp.get("/small-value-track")
def small_track_page():
    """The small-value track: apply at any time into the batch open this month."""
    return render_template(
        "supplier/small_track.html",
        page=service.track_page(current_user.company),
        record_limit=small_track.RECORD_LIMIT_KRW,
        order_cap=small_track.ORDER_CAP_KRW,
    )
