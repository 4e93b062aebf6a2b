"""Ministry pages for running a round: create, open, close, score, freeze, draw, publish."""

from __future__ import annotations

from datetime import datetime

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain import rounds as rules
from ..domain.clock import SEOUL
from ..domain.errors import DomainError, NotFound
from ..domain.seed_events import SeedEventError
from ..domain.states import JobState, RoundStatus, WindowState
from ..forms import attach_error, filled, rerender
from ..i18n import domain_message
from ..routing import page_argument, page_request
from ..services import allocations as allocation_service
from ..services import committee, draw_estimates, draws, round_lists, seed_events
from ..services import rounds as round_service
from ..services.clock import seoul_today
from .round_forms import AnnounceSeedEventForm, DrawForm, RoundForm, ScoreForm, SeedEventFields, round_form
from .views import bp

ESTIMATE_REFRESH_SECONDS = 3


@bp.get("/rounds")
def rounds():
    """All rounds, drafts included."""
    round_service.close_due_rounds()
    page = round_lists.rounds_page(public_only=False, **page_request())
    counts = round_lists.application_counts([r.id for r in page.items])
    return render_template("ministry/rounds/list.html", rounds=page, counts=counts)


@bp.route("/rounds/new", methods=["GET", "POST"])
def new_round():
    """Create a draft round: code, title, window (KST), cap, pass mark, weights, budgets."""
    form = _round_form()
    if not form.validate_on_submit():
        return rerender("ministry/rounds/new.html", 400 if form.is_submitted() else 200, form=form)
    try:
        settings = _settings(form)
        round_ = round_service.create_round(current_user, settings)
    except DomainError as error:
        attach_error(form, None, error)
        return rerender("ministry/rounds/new.html", form=form)
    flash(_("Round %(code)s was created as a draft.", code=round_.code), "success")
    return redirect(url_for("ministry.round", round_code=round_.code))


@bp.route("/rounds/<round_code>/edit", methods=["GET", "POST"])
def edit_round(round_code):
    """Change a draft round before it opens: everything but its code."""
    round_ = _load(round_code)
    if round_.status != RoundStatus.DRAFT:
        flash(_(rules.DRAFT_ONLY), "error")
        return redirect(url_for("ministry.round", round_code=round_.code))
    form = _round_form(round_, data=None if request.method == "POST" else _form_data(round_))
    form.code.data = round_.code  # the code names the round everywhere; it is shown, not changed
    page = {"form": form, "round": round_}
    if not form.validate_on_submit():
        return rerender("ministry/rounds/new.html", 400 if form.is_submitted() else 200, **page)
    try:
        round_service.update_draft_round(current_user, round_.code, _settings(form))
    except DomainError as error:
        attach_error(form, None, error)
        return rerender("ministry/rounds/new.html", **page)
    flash(_("Draft round %(code)s was saved.", code=round_.code), "success")
    return redirect(url_for("ministry.round", round_code=round_.code))


def _form_data(round_) -> dict:
    """A round's settings as the form shows them: Seoul dates and times, amounts with separators."""
    opens, closes = round_.opens_at.astimezone(SEOUL), round_.closes_at.astimezone(SEOUL)
    event = round_.seed_event_at.astimezone(SEOUL) if round_.seed_event_at else None
    return {
        "seed_event_ko": round_.seed_event_ko,
        "seed_event_en": round_.seed_event_en,
        "seed_event_on": event.date() if event else None,
        "seed_event_time": event.time().replace(second=0, microsecond=0) if event else None,
        "code": round_.code,
        "title_ko": round_.title_ko,
        "title_en": round_.title_en,
        "opens_on": opens.date(),
        "opens_time": opens.time().replace(second=0, microsecond=0),
        "closes_on": closes.date(),
        "closes_time": closes.time().replace(second=0, microsecond=0),
        "cap": f"{round_.cap_krw:,}",
        "pass_mark": round_.pass_mark,
        "weight_first_timer": round_.weight_first_timer,
        "weight_startup": round_.weight_startup,
        "weight_general": round_.weight_general,
        "small_record": f"{round_.small_record_limit_krw:,}",
        "categories": round_.categories,
        **{f"budget_{b.institution_id}": f"{b.budget_krw:,}" for b in round_.budgets},
    }


def _round_form(round_=None, **kwargs):
    """The round form with a budget input for each active institution (and each already in the draft)."""
    also = {b.institution_id for b in round_.budgets} if round_ is not None else set()
    return round_form(round_service.budget_institutions(seoul_today(), also), **kwargs)


def _settings(form: RoundForm) -> round_service.RoundSettings:
    return round_service.RoundSettings(
        code=filled(form.code.data),
        title_ko=filled(form.title_ko.data),
        title_en=form.title_en.data or "",
        opens_at=rules.kst_minute(filled(form.opens_on.data), filled(form.opens_time.data)),
        closes_at=rules.kst_minute(filled(form.closes_on.data), filled(form.closes_time.data)),
        cap_krw=form.cap.krw,
        pass_mark=filled(form.pass_mark.data),
        budgets=form.budgets(),
        weight_first_timer=filled(form.weight_first_timer.data),
        weight_startup=filled(form.weight_startup.data),
        weight_general=filled(form.weight_general.data),
        small_record_limit_krw=form.small_record.krw,
        categories=tuple(form.categories.data or ()),
        seed_event_ko=form.seed_event_ko.data or "",
        seed_event_en=form.seed_event_en.data or "",
        seed_event_at=_event_moment(form),
    )


def _event_moment(form: SeedEventFields) -> datetime | None:
    day, moment = form.seed_event_on.data, form.seed_event_time.data
    return rules.kst_minute(day, moment) if day and moment else None


def _load(code: str):
    round_ = round_service.get_round(code)
    round_service.close_if_due(round_)
    return round_


@bp.get("/rounds/<round_code>")
def round(round_code):
    """Manage one round: its state, applications with eligibility and scores, the draw."""
    return _page(_load(round_code))


def _page(
    round_, error: str | None = None, draw_form: DrawForm | None = None, event_form: AnnounceSeedEventForm | None = None
):
    estimate = draw_estimates.estimate_job(round_)
    body, status = rerender(
        "ministry/rounds/round.html",
        400 if error or (event_form and event_form.errors) else 200,
        round=round_,
        estimate=estimate,
        error=error,
        draw_form=draw_form or DrawForm(),
        event_form=event_form or AnnounceSeedEventForm(formdata=None),
        event_passed=round_.seed_event_at is not None and round_service.now() >= round_.seed_event_at,
        closable=rules.window_state(round_.opens_at, round_.closes_at, round_service.now()) == WindowState.AFTER,
        applications=round_lists.round_applications(round_.id, **page_request()),
        tiers=draws.tier_table(round_),
        pool_ids={a.id for a in draws.pool_of(round_)},
        has_committee=committee.has_committee(round_.id),
        **_allocation_lists(round_),
    )
    # while the draw's estimate is being counted, the browser asks for the page again (no script needed)
    waiting = estimate is not None and estimate.state in (JobState.QUEUED, JobState.RUNNING)
    return body, status, {"Refresh": str(ESTIMATE_REFRESH_SECONDS)} if waiting else {}


def _allocation_lists(round_) -> dict:
    """A published round's allocations, the changes to them and the applications they changed; none before."""
    if round_.status != RoundStatus.PUBLISHED:
        return {"allocations": [], "changes": [], "changed": set()}
    return {
        "allocations": allocation_service.allocations_of(round_.id),
        "changes": allocation_service.changes_of(round_.id),
        "changed": allocation_service.changed_from(round_.id),
    }


def _step(round_code: str, action, done: str):
    """Run one guarded transition; flash its refusal or its success, back to the round page."""
    try:
        action()
    except DomainError as error:
        flash(domain_message(error), "error")
    else:
        flash(done, "success")
    return redirect(url_for("ministry.round", round_code=round_code))


@bp.post("/rounds/<round_code>/delete")
def delete_round(round_code):
    """Delete a draft round: it was never public; the deletion and its settings are audited."""
    try:
        round_service.delete_draft_round(current_user, round_code)
    except NotFound:
        raise  # the app's handler answers 404
    except DomainError as error:
        flash(domain_message(error), "error")
        return redirect(url_for("ministry.round", round_code=round_code))
    flash(_("The draft round was deleted."), "success")
    return redirect(url_for("ministry.rounds"))


@bp.post("/rounds/<round_code>/open")
def open_round(round_code):
    """Open a draft round: its rules become public."""
    return _step(round_code, lambda: round_service.open_round(current_user, round_code), _("The round is open."))


@bp.post("/rounds/<round_code>/close")
def close_round(round_code):
    """Close the round after its window and check every application's eligibility."""
    return _step(
        round_code,
        lambda: round_service.close_round(current_user, round_code),
        _("The round is closed and every application was checked."),
    )


@bp.post("/rounds/<round_code>/applications/<int:application_id>/score")
def score_application(round_code, application_id):
    """Record the committee's three scores for one eligible application."""
    form = ScoreForm()
    if not form.validate_on_submit():
        return _page(_load(round_code), error=_("Enter all three scores as whole numbers."))
    try:
        draws.score_application(
            current_user,
            round_code,
            application_id,
            filled(form.innovation.data),
            filled(form.capability.data),
            filled(form.need.data),
        )
    except rules.ScoreError as error:
        return _page(_load(round_code), error=domain_message(error))
    except DomainError as error:
        flash(domain_message(error), "error")
    else:
        flash(_("The scores were saved."), "success")
    page = request.values.get("page", type=page_argument)  # the page of the applications it was posted from
    return redirect(url_for("ministry.round", round_code=round_code, page=page))


@bp.post("/rounds/<round_code>/freeze")
def freeze_pool(round_code):
    """Freeze the pool: its manifest and SHA-256 go public before the seed is fixed."""
    return _step(
        round_code,
        lambda: draws.freeze_pool(current_user, round_code),
        _("The pool is frozen and its manifest is published."),
    )


@bp.post("/rounds/<round_code>/seed-event")
def announce_seed_event(round_code):
    """Announce a later public event as the seed event, with a published reason."""
    form = AnnounceSeedEventForm()
    if not form.validate_on_submit():
        return _page(_load(round_code), event_form=form)
    try:
        seed_events.announce_seed_event(
            current_user,
            round_code,
            filled(form.seed_event_ko.data),
            filled(form.seed_event_en.data),
            filled(_event_moment(form)),
            filled(form.reason.data),
        )
    except rules.RoundError as error:
        return _page(_load(round_code), error=domain_message(error), event_form=form)
    except DomainError as error:
        flash(domain_message(error), "error")
    else:
        flash(_("The new seed event is announced and published on the round page."), "success")
    return redirect(url_for("ministry.round", round_code=round_code))


@bp.post("/rounds/<round_code>/draw")
def run_draw(round_code):
    """Run the draw with the seed typed from the seed event's outcome."""
    form = DrawForm()
    if not form.validate_on_submit():
        return _page(_load(round_code), error=_("The seed may be at most 200 characters."), draw_form=form)
    try:
        draws.run_round_draw(current_user, round_code, form.seed.data or "")
    except (rules.SeedError, SeedEventError) as error:
        return _page(_load(round_code), error=domain_message(error), draw_form=form)
    except DomainError as error:
        flash(domain_message(error), "error")
    else:
        flash(_("The draw has been run. Check it, then publish the result."), "success")
    return redirect(url_for("ministry.round", round_code=round_code))


@bp.post("/rounds/<round_code>/publish")
def publish_round(round_code):
    """Publish the seed and result beside the manifest; applicants see their outcome."""
    return _step(round_code, lambda: draws.publish_round(current_user, round_code), _("The result is published."))
