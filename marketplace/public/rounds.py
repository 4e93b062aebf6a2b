"""Public round pages: rules and window, the frozen manifest, the published result, how the draw works."""

from __future__ import annotations

from flask import Response, jsonify, render_template
from flask_babel import gettext as _
from flask_login import current_user

from ..domain import rounds as rules
from ..domain.states import RoundStatus, UserRole
from ..question_forms import QuestionForm
from ..routing import page_request
from ..services import public_rounds, questions
from ..services import rounds as round_service
from .views import bp


@bp.get("/rounds")
def rounds():
    """Every round that has been opened, newest first."""
    return render_template("public/rounds/list.html", rounds=public_rounds.public_rounds(**page_request()))


@bp.get("/rounds/<round_code>")
def round(round_code):
    """A round's rules, window and countdown, frozen pool, and (once published) its result."""
    round_ = public_rounds.public_round(round_code)
    moment = round_service.now()
    result = public_rounds.published_result(round_)
    return render_template(
        "public/rounds/round.html",
        round=round_,
        window=rules.window_state(round_.opens_at, round_.closes_at, moment),
        countdown=rules.countdown(moment, round_.closes_at),
        until_open=rules.countdown(moment, round_.opens_at - rules.CLOSING_GRACE),
        tiers=result.tiers,
        selected=result.selected,
        changes=result.changes,
        waitlisted=result.waitlisted,
        result_version=result.version,
        result_changes=result.result_changes,
        redraws=result.redraws,
        decisions=result.decisions,
        **_questions(round_, moment),
    )


def _questions(round_, moment) -> dict:
    """The questions part of the round page: published answers, the deadline, the supplier's form."""
    deadline = questions.deadline_of(round_)
    supplier = current_user.is_authenticated and current_user.role == UserRole.SUPPLIER
    can_ask = supplier and deadline is not None and round_.status == RoundStatus.OPEN
    can_ask = can_ask and round_.opens_at <= moment <= deadline
    return {
        "published": questions.published_questions(round_.id),
        "deadline": deadline,
        "ask_form": QuestionForm(formdata=None) if can_ask else None,
        "own": questions.own_questions(current_user, round_.id) if supplier else [],
    }


def _json_download(text: str, filename: str) -> Response:
    return Response(
        text.encode("utf-8"),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/rounds/<round_code>/manifest.json")
def round_manifest(round_code):
    """The frozen pool manifest, exactly as hashed (canonical JSON)."""
    manifest = public_rounds.frozen_manifest(round_code)
    if manifest is None:
        return jsonify(error="not found", message=_("This round's pool has not been frozen yet.")), 404
    return _json_download(manifest, f"{round_code}-manifest.json")


@bp.get("/rounds/<round_code>/result.json")
def round_result(round_code):
    """The published draw result (order, keys, allocation, waitlist) with its seed, its result version and the
    changes made since the draw by the remedies of upheld objections."""
    result = public_rounds.result_json(round_code)
    if result is None:
        return jsonify(error="not found", message=_("This round's result has not been published yet.")), 404
    return _json_download(result, f"{round_code}-result.json")


@bp.get("/rounds/<round_code>/result-v<int:version>.json")
def round_result_version(round_code, version):
    """An earlier (or the latest) version of the published result: the draw, and the changes made by the
    remedies of upheld objections up to that version."""
    result = public_rounds.result_json(round_code, version)
    if result is None:
        return jsonify(error="not found", message=_("This round has no such result version.")), 404
    return _json_download(result, f"{round_code}-result-v{version}.json")


@bp.get("/rounds/<round_code>/redraws/<int:number>/manifest.json")
def redraw_manifest(round_code, number):
    """The manifest of the new draw of a track made for objection `number`, frozen and published before its
    seed event."""
    manifest = public_rounds.redraw_file(round_code, number, "manifest")
    if manifest is None:
        return jsonify(error="not found", message=_("This round has no such new draw.")), 404
    return _json_download(manifest, f"{round_code}-redraw-{number}-manifest.json")


@bp.get("/rounds/<round_code>/redraws/<int:number>/result.json")
def redraw_result(round_code, number):
    """The result of that new draw once run: the checker re-runs it from its manifest and seed."""
    result = public_rounds.redraw_file(round_code, number, "result")
    if result is None:
        return jsonify(error="not found", message=_("This new draw has not run yet.")), 404
    return _json_download(result, f"{round_code}-redraw-{number}-result.json")


@bp.get("/how-the-draw-works")
def draw_method():
    """The draw explained in plain words, with the exact construction."""
    return render_template("public/rounds/method.html")
