"""The notifications inbox and the choice, per kind, of being told in the inbox and by mail."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..forms import OneTimeForm, rerender
from ..routing import page_request
from ..services import notifications
from .views import bp


class NotificationChoicesForm(OneTimeForm):
    """Per kind, two check boxes named in_app-<kind> and mail-<kind> (read from the posted form)."""


def _back_to_inbox():
    page = request.form.get("page", "")
    if page.isascii() and page.isdigit() and len(page) <= 6 and int(page) > 1:
        return redirect(url_for("auth.notifications", page=int(page)))
    return redirect(url_for("auth.notifications"))


@bp.get("/notifications", endpoint="notifications")
def notifications_inbox():
    """The signed-in user's notifications, newest first."""
    page = notifications.inbox(current_user, **page_request())
    return render_template("auth/notifications.html", notifications=page)


@bp.post("/notifications/<int:notification_id>/read")
def mark_notification_read(notification_id: int):
    """Mark one of the user's notifications read; another user's is not found (404, errors.py)."""
    notifications.mark_read(current_user, notification_id)
    return _back_to_inbox()


@bp.post("/notifications/read")
def mark_all_notifications_read():
    """Mark every notification of the user read."""
    notifications.mark_all_read(current_user)
    flash(_("All notifications are marked read."), "success")
    return _back_to_inbox()


@bp.route("/account/notifications", methods=["GET", "POST"])
def notification_settings():
    """Which kinds of notification the user gets in the inbox and by mail."""
    form = NotificationChoicesForm()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        choices = notifications.choices_for(current_user)
        return rerender("auth/notification_settings.html", status, form=form, choices=choices)
    chosen = {
        kind: (f"in_app-{kind}" in request.form, f"mail-{kind}" in request.form)
        for kind in notifications.choices_for(current_user)
    }
    notifications.set_choices(current_user.id, chosen)
    flash(_("Your notification settings are saved."), "success")
    return redirect(url_for("auth.notification_settings"))
