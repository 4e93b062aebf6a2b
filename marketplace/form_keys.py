"""One-time form keys: a form posted twice changes things once, and the repeat gets the first answer.

Every state-changing form the app renders carries a random key (OneTimeForm in forms.py, or the
csrf() macro for button forms). When a post carries one:

- before the view runs, a key already claimed is answered at once: the first outcome (a 303 to the
  page the first answer led to), a short wait while the first is still in flight, or a 400 when
  another account claimed it;
- the use case claims the key with the first write of its write transaction (begin_write() calls
  claim()); a key claimed meanwhile by a concurrent post makes the insert do nothing, the use case
  stops with FormAlreadySubmitted before any write, and that post is answered like a repeat. Writes
  that do not go through begin_write() claim the key at their first flush;
- the claim commits or rolls back with the use case. A refusal (4xx) frees the key even when the
  use case committed something of its own (a failed-login counter), so the corrected form can be
  sent again with the same key; a redirect records its location as the outcome for later repeats.

Posts without a key (API clients, tests posting raw data) are served as before: the key is optional,
and enforced when present. Claimed keys are kept FORM_KEY_DAYS days: `flask purge-form-keys`.
"""

from __future__ import annotations

import re
import secrets
import time
from datetime import datetime, timedelta
from typing import Any, cast
from urllib.parse import urlsplit

from flask import Flask, current_app, flash, g, has_request_context, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import CursorResult, Delete, Update, delete, event, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .extensions import db
from .models import FormSubmission
from .models.types import utcnow

FIELD = "form_key"
_VALID = re.compile(r"[A-Za-z0-9_-]{16,64}")
_POLL_SECONDS = 0.1


class FormAlreadySubmitted(Exception):
    """The request's form key was claimed by another request (its first submission)."""


def new_key() -> str:
    return secrets.token_urlsafe(16)


def hidden_field() -> Markup:
    """The hidden input for forms written by hand in templates (the csrf() macro, the sign-out button)."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(FIELD, new_key())


def _pending_key() -> str | None:
    """The request's key while this request has not claimed it (None outside requests)."""
    if not has_request_context() or g.get("form_key_claim") is not None:
        return None
    return g.get("form_key")


def _user_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def claim(*, rollback: bool = True) -> None:
    """Claim the request's form key in the current transaction; FormAlreadySubmitted if it is taken.

    Called by begin_write() right after it opens the write transaction. ON CONFLICT DO NOTHING
    rather than a caught unique violation: PostgreSQL would abort the transaction, and a concurrent
    claim of the same key waits for the first one's commit or rollback either way. RETURNING tells
    whether the row went in (psycopg reports no rowcount here).
    """
    key = _pending_key()
    if key is None:
        return
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(FormSubmission.__table__)
        .values(
            key=key,
            user_id=g.get("form_key_user_id"),
            endpoint=(request.endpoint or "")[:80],
            fingerprint=g.get("form_key_fingerprint"),  # an API Idempotency-Key's request body (api/idempotency.py)
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(FormSubmission.__table__.c.key)
    )
    g.form_key_claim = "pending"
    if db.session.execute(statement).first() is None:  # rowcount: -1 on psycopg
        g.form_key_claim = None
        if rollback:  # a session cannot roll back in the middle of a flush: the error handler does
            db.session.rollback()
        raise FormAlreadySubmitted(key)


@event.listens_for(Session, "before_flush")
def _claim_on_first_flush(session, _context, _instances) -> None:
    if _pending_key() is not None and session is db.session():
        claim(rollback=False)


@event.listens_for(Session, "after_commit")
def _claim_committed(session) -> None:
    if has_request_context() and g.get("form_key_claim") == "pending":
        g.form_key_claim = "committed"


@event.listens_for(Session, "after_rollback")
def _claim_rolled_back(session) -> None:
    if has_request_context() and g.get("form_key_claim") == "pending":
        g.form_key_claim = None  # the use case failed: the key is free for the corrected form


def answer_repeat():
    """The answer to a post whose key was claimed before: None when the key is (again) free.

    While the first submission has no outcome yet, look again for up to FORM_KEY_WAIT_SECONDS.
    """
    key = g.form_key
    deadline = time.monotonic() + current_app.config["FORM_KEY_WAIT_SECONDS"]
    while True:
        row = db.session.execute(
            select(FormSubmission.user_id, FormSubmission.outcome).where(FormSubmission.key == key)
        ).first()
        db.session.rollback()  # end the read: the next look must see what the first request commits
        if row is None:
            return None
        if row.user_id is not None and row.user_id != _user_id():
            return _refusal(400, _("This form was opened by another account. Reload the page and send it again."))
        if row.outcome:
            flash(_("This form was already submitted; here is the result."), "info")
            return redirect(row.outcome, 303)
        if time.monotonic() >= deadline:
            return _refusal(
                409,
                _(
                    "This form was already submitted and is still being processed; nothing "
                    "was done twice. Check the result in a moment before sending it again."
                ),
            )
        time.sleep(_POLL_SECONDS)


def _refusal(code: int, text: str):
    title = _("Already submitted") if code == 409 else _("Bad request")
    return render_template("errors/error.html", code=code, title=title, text=text), code


def _read_key():
    """before_request: note the posted key and answer a repeat before the view runs."""
    if request.method != "POST" or FIELD not in request.form:
        return None
    key = request.form[FIELD]
    if not _VALID.fullmatch(key):
        return _refusal(400, _("The form expired or was sent from another page. Reload the page and try again."))
    g.form_key = key
    # noted now: under the write lock, reading current_user would load the row again (the lock's
    # transaction starts by committing the request's reads, which expires it)
    g.form_key_user_id = _user_id()
    return answer_repeat()


def _already_submitted(_error: FormAlreadySubmitted):
    db.session.rollback()
    return answer_repeat() or _refusal(
        409, _("This form was sent twice at once; the first one was not accepted. Check the page and send it again.")
    )


def _settle(response):
    """after_request: record where the first answer led, or free the key of a refused post."""
    if g.get("form_key_claim") != "committed":
        return response
    key = g.form_key
    statement: Delete | Update
    if 400 <= response.status_code < 500:
        statement = delete(FormSubmission).where(FormSubmission.key == key, FormSubmission.outcome.is_(None))
    elif response.status_code < 400:
        statement = update(FormSubmission).where(FormSubmission.key == key).values(outcome=_outcome(response))
    else:
        return response  # a server error: what was saved is unknown, so a repeat is told to check
    from .database import begin_write

    try:
        begin_write()
        db.session.execute(statement)
        db.session.commit()
    except Exception:  # noqa: BLE001 - the answer is already decided; a repeat is then told to check
        db.session.rollback()
        current_app.logger.exception("Could not settle form key of %s", request.path)
    return response


def _outcome(response) -> str:
    """A redirect's location; for a page shown in place, the same-site page the form was on."""
    if response.location:
        return response.location[:500]
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path.startswith("/"):
        return (referrer.path + (f"?{referrer.query}" if referrer.query else ""))[:500]
    return url_for("public.index")


def purge(older_than: datetime) -> int:
    """Delete keys claimed before `older_than`; returns how many."""
    from .database import begin_write

    begin_write()
    # a DELETE without RETURNING gives a CursorResult, which the session's signature cannot promise
    result = cast(
        CursorResult[Any], db.session.execute(delete(FormSubmission).where(FormSubmission.created_at < older_than))
    )
    count = result.rowcount
    db.session.commit()
    return count


def purge_before(days: int) -> datetime:
    return utcnow() - timedelta(days=days)


def init_app(app: Flask) -> None:
    """Register after the access check, so that a refused visitor never learns about keys."""
    app.before_request(_read_key)
    app.after_request(_settle)
    app.register_error_handler(FormAlreadySubmitted, _already_submitted)
    app.add_template_global(hidden_field, "form_key_field")
