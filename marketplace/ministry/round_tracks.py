"""Ministry page for a draft round's tracks: each track's budget share, cap per application and weights."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain import rounds as rules
from ..domain.eligibility import WeightTiers
from ..domain.errors import DomainError
from ..domain.states import RoundStatus, TrackKind
from ..domain.tracks import TrackRules
from ..forms import attach_error, filled, rerender
from ..services import rounds as round_service
from ..services import tracks as track_service
from .round_forms import TracksForm
from .views import bp

TEMPLATE = "ministry/rounds/tracks.html"


def _form_data(round_) -> dict:
    data: dict = {}
    for track in round_.tracks:
        kind = track.kind
        data |= {
            f"{kind}_share": track.share_percent,
            f"{kind}_cap": f"{track.cap_krw:,}",
            f"{kind}_weight_first_timer": track.weight_first_timer,
            f"{kind}_weight_startup": track.weight_startup,
            f"{kind}_weight_general": track.weight_general,
        }
        if track.record_limit_krw is not None:
            data["general_record_limit"] = f"{track.record_limit_krw:,}"
    return data


def _tracks(form: TracksForm) -> list[TrackRules]:
    """The tracks the form names: those with a budget share. WeightTiers refuses weights out of order."""
    found = []
    for kind in TrackKind:
        share = getattr(form, f"{kind}_share").data
        if share is None:
            continue
        tiers = WeightTiers(
            filled(getattr(form, f"{kind}_weight_first_timer").data),
            filled(getattr(form, f"{kind}_weight_startup").data),
            filled(getattr(form, f"{kind}_weight_general").data),
        )
        limit = form.general_record_limit.krw if kind == TrackKind.GENERAL else None
        found.append(TrackRules(kind, share, getattr(form, f"{kind}_cap").krw, tiers, limit))
    return found


@bp.route("/rounds/<round_code>/tracks", methods=["GET", "POST"])
def round_tracks(round_code):
    """Set a draft round's tracks before it opens; leave every share empty for a round without tracks."""
    round_ = round_service.get_round(round_code)
    if round_.status != RoundStatus.DRAFT:
        flash(_(rules.DRAFT_ONLY), "error")
        return redirect(url_for("ministry.round", round_code=round_.code))
    form = TracksForm(data=None if request.method == "POST" else _form_data(round_))
    page: dict[str, object] = {"form": form, "round": round_}
    if not form.validate_on_submit():
        return rerender(TEMPLATE, 400 if form.is_submitted() else 200, **page)
    try:
        track_service.set_tracks(current_user, round_.code, _tracks(form))
    except DomainError as error:
        attach_error(form, None, error)
        return rerender(TEMPLATE, 400, **page)
    flash(_("The tracks of draft round %(code)s were saved.", code=round_.code), "success")
    return redirect(url_for("ministry.round", round_code=round_.code))
