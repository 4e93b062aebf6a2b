"""Pages for developers only, registered with the debugger or DEV_PAGES and never in production: the mails
kept in MAIL_DIR when no MAIL_URL is set, so `make run` needs no mail server."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from .domain.errors import N_, NotFound
from .mail_files import kept_mail, kept_mails

bp = Blueprint("dev", __name__, url_prefix="/dev")

# the message's own HTML, shown as a document that can run nothing and reach nothing
SANDBOX = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"


@bp.get("/mail")
def mails():
    """The newest mails kept by the development backend."""
    return render_template("dev/mails.html", mails=kept_mails(current_app.config["MAIL_DIR"]))


@bp.get("/mail/<key>")
def mail(key: str):
    """One kept mail: its headers and text part, and a link to its HTML part."""
    found = kept_mail(current_app.config["MAIL_DIR"], key)
    if found is None:
        raise NotFound(N_("No kept mail has this key."))
    return render_template("dev/mail.html", mail=found)


@bp.get("/mail/<key>/html")
def mail_html(key: str):
    """The HTML part of a kept mail, sandboxed."""
    found = kept_mail(current_app.config["MAIL_DIR"], key)
    if found is None:
        raise NotFound(N_("No kept mail has this key."))
    return found.part("html"), 200, {"Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": SANDBOX}
