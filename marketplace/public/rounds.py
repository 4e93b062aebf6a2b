"""Public round pages: rules and window, the frozen manifest, the published result, how the draw works."""

from __future__ import annotations

from flask import Response, abort, jsonify, render_template
from flask_babel import gettext as _

from ..domain import rounds as rules
from ..domain.errors import NotFound
from ..domain.states import RoundStatus
from ..services import allocations as allocation_service
from ..services import draws
from ..services import rounds as round_service
from .views import bp


@bp.app_context_processor
def _round_vocabularies() -> dict:
    return {"ROUND_REASONS": rules.REASONS, "TIER_LABELS": rules.TIER_LABELS}


def _round_or_404(code: str):
    round_ = round_service.get_round(code)
    if round_.status == RoundStatus.DRAFT:
        abort(404)
    round_service.close_if_due(round_)
    return round_


@bp.get("/rounds")
def rounds():
    """Every round that has been opened, newest first."""
    round_service.close_due_rounds()
    return render_template("public/rounds/list.html", rounds=round_service.list_rounds(public_only=True))


@bp.get("/rounds/<round_code>")
def round(round_code):
    """A round's rules, window and countdown, frozen pool, and (once published) its result."""
    round_ = _round_or_404(round_code)
    moment = round_service.now()
    published = round_.status == RoundStatus.PUBLISHED
    return render_template(
        "public/rounds/round.html",
        round=round_,
        window=rules.window_state(round_.opens_at, round_.closes_at, moment),
        countdown=rules.countdown(moment, round_.closes_at),
        until_open=rules.countdown(moment, round_.opens_at - rules.CLOSING_GRACE),
        tiers=draws.tier_table(round_) if published else [],
        selected=allocation_service.allocations_of(round_.id) if published else [],
        changes=allocation_service.changes_of(round_.id) if published else [],
        waitlisted=round_service.waitlist(round_.id) if published else [],
    )


def _json_download(text: str, filename: str) -> Response:
    return Response(
        text.encode("utf-8"),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/rounds/<round_code>/manifest.json")
def round_manifest(round_code):
    """The frozen pool manifest, exactly as hashed (canonical JSON)."""
    try:
        draw = round_service.get_round(round_code).draw
    except NotFound:
        draw = None
    if draw is None:
        return jsonify(error="not found", message=_("This round's pool has not been frozen yet.")), 404
    return _json_download(draw.manifest_json, f"{round_code}-manifest.json")


@bp.get("/rounds/<round_code>/result.json")
def round_result(round_code):
    """The published draw result (order, keys, allocation, waitlist) with its seed."""
    try:
        round_ = round_service.get_round(round_code)
    except NotFound:
        round_ = None
    if round_ is None or round_.status != RoundStatus.PUBLISHED:
        return jsonify(error="not found", message=_("This round's result has not been published yet.")), 404
    return _json_download(round_.draw.result_json, f"{round_code}-result.json")


@bp.get("/how-the-draw-works")
def draw_method():
    """The draw explained in plain words, with the exact construction."""
    return render_template("public/rounds/method.html")
