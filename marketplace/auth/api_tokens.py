"""The account's API tokens: list them with their last use, make one (its secret shown once), revoke one."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain.errors import DomainError
from ..forms import attach_error, rerender
from ..services import api_tokens
from .forms import ApiTokenForm
from .views import bp


def _page(status: int = 200, form: ApiTokenForm | None = None, secret: str | None = None):
    return rerender(
        "auth/api_tokens.html",
        status,
        form=form or ApiTokenForm(formdata=None),
        tokens=api_tokens.tokens_of(current_user.id),
        secret=secret,
    )


@bp.get("/account/api-tokens", endpoint="api_tokens")
def api_tokens_page():
    """The user's API tokens (for their institution's systems) and the form to make one."""
    return _page()


@bp.post("/account/api-tokens")
def create_api_token():
    """Make a token; the page shows its secret this once (only its hash is kept)."""
    form = ApiTokenForm()
    if not form.validate_on_submit():
        return _page(400, form)
    try:
        made = api_tokens.create_token(
            current_user, form.name.data or "", form.scope.data or "", int(form.days.data or 0)
        )
    except DomainError as error:
        attach_error(form, "name", error)
        return _page(400, form)
    flash(_("Token %(name)s made. Copy its secret now: it is not shown again.", name=made.token.name), "success")
    return _page(200, secret=made.secret)


@bp.post("/account/api-tokens/<int:token_id>/revoke")
def revoke_api_token(token_id: int):
    """Revoke a token at once: every request with it is refused from now on."""
    token = api_tokens.revoke_token(current_user, token_id)  # NotFound for another's token: the 404 page
    flash(_("Token %(name)s revoked.", name=token.name), "success")
    return redirect(url_for("auth.api_tokens"))
