"""Idempotency-Key for placing orders: the same key again answers with the first outcome, placing one order.

It rides on the one-time form keys (form_keys.py): the key, scoped to the token's user, is claimed in
form_submissions by the order's own write transaction, under the write lock, with the SHA-256 of the request
body; the first success records the new order's address as its outcome. A repeat gets that order again
(201, header Idempotent-Replayed: true); one sent while the first is in flight waits for it (FORM_KEY_WAIT_SECONDS),
then gets a 409; the same key with another body gets a 422. A refused order frees its key, as a refused form
does, so the corrected request may use it again.
"""

from __future__ import annotations

import hashlib
import json
import time

from flask import current_app, g
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import FormSubmission, User
from .problems import ApiProblem

POLL_SECONDS = 0.1


def fingerprint(body: dict) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def storage_key(user_id: int, key: str) -> str:
    """The form_submissions key: one namespace per user, never a form's (those have no colon)."""
    return "api:" + hashlib.sha256(f"{user_id}\0{key}".encode()).hexdigest()[:56]


def arm(user: User, key: str, body_fingerprint: str) -> None:
    """Make the coming write transaction claim this key (begin_write() calls form_keys.claim())."""
    g.form_key = storage_key(user.id, key)
    g.form_key_user_id = user.id
    g.form_key_fingerprint = body_fingerprint


def first_outcome(user: User, key: str, body_fingerprint: str, *, wait: bool) -> int | None:
    """The id of the order the key placed first; None when the key is free. With `wait`, a first request
    still in flight is waited for; without, or past the wait, a 409 problem. 422 for another body."""
    stored = storage_key(user.id, key)
    deadline = time.monotonic() + (current_app.config["FORM_KEY_WAIT_SECONDS"] if wait else 0)
    while True:
        row = db.session.execute(
            select(FormSubmission.fingerprint, FormSubmission.outcome).where(FormSubmission.key == stored)
        ).first()
        db.session.rollback()  # end the read: the next look must see what the first request commits
        if row is None:
            return None
        if row.fingerprint != body_fingerprint:
            raise ApiProblem(
                422,
                title=_("Idempotency-Key reused"),
                detail=_("This Idempotency-Key was already used with another request body."),
                kind="idempotency-key-reused",
            )
        if row.outcome:
            order_id = row.outcome.rsplit("/", 1)[-1]
            if order_id.isdigit() and len(order_id) < 19:
                return int(order_id)
        if time.monotonic() >= deadline:
            raise ApiProblem(409, kind="idempotency-key-in-flight")
        time.sleep(POLL_SECONDS)
