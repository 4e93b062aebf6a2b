"""Pages anyone can read: home, catalogue, products, suppliers; the language switch."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for

from ..auth.views import _safe_next

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    """Home page: what the program is and where to go next."""
    return render_template("public/index.html")


@bp.post("/language")
def set_language():
    """Remember the chosen language in the session and go back to the page."""
    language = request.form.get("lang", "")
    if language in current_app.config["LANGUAGES"]:
        session["lang"] = language
    return redirect(_safe_next(request.form.get("next")) or url_for("public.index"))
