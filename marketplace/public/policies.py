"""The privacy policy and the terms of use, linked from every page's footer."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import gettext as _

from ..domain.privacy import POLICY_EFFECTIVE, POLICY_VERSION
from ..domain.privacy_notice import PRIVACY_SECTIONS, TERMS_SECTIONS
from .views import bp


def _values() -> dict[str, str]:
    config = current_app.config
    pending = _("to be designated")
    return {
        "version": POLICY_VERSION,
        "effective": POLICY_EFFECTIVE.isoformat(),
        "officer": config.get("PRIVACY_OFFICER") or pending,
        "officer_contact": config.get("PRIVACY_OFFICER_CONTACT") or pending,
        "mail_processor": config.get("MAIL_PROCESSOR") or _("the mail delivery service the program office contracts"),
    }


@bp.get("/privacy")
def privacy():
    """The privacy policy (개인정보처리방침)."""
    return render_template("public/policy.html", title=_("Privacy policy"), sections=PRIVACY_SECTIONS, values=_values())


@bp.get("/terms")
def terms():
    """The terms of use (이용약관)."""
    return render_template("public/policy.html", title=_("Terms of use"), sections=TERMS_SECTIONS, values=_values())
