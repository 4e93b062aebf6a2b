"""The mail outbox: use cases queue mails in their own transaction; delivery sends them afterwards.

A mail exists exactly when the change it tells about committed, and (event key, recipient) is unique,
so a use case run twice mails once. deliver_pending() claims rows under the write lock with a
conditional UPDATE (two runs never send one mail twice), sends outside any transaction, then records
the outcome; a failed send is tried again later, up to MAIL_MAX_ATTEMPTS tries.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import make_msgid

from flask import current_app, render_template
from flask_babel import force_locale
from flask_mailman import EmailMultiAlternatives
from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..database import begin_write, in_write_transaction
from ..domain.mail import gives_up, retry_delay
from ..domain.states import Language, MailStatus
from ..extensions import db, mail
from ..models import OutboxMail, User
from ..models.types import utcnow
from .links import public_url, unsubscribe_token

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Claimed:
    """A mail taken by this delivery run: plain values, read before the transaction ended."""

    id: int
    recipient: str
    subject: str
    text_body: str
    html_body: str
    language: str
    message_id: str
    unsubscribe_url: str | None


def queue_mail(
    user: User | None,
    template: str,
    context: dict,
    event_key: str,
    *,
    address: str | None = None,
    language: str | None = None,
    notification: bool = False,
) -> bool:
    """Render templates/mail/<template>.{subject.txt,txt,html} in the recipient's language and queue it.

    Call it inside the use case's write transaction, before its commit. The recipient is `address` or
    the user's address; a notification (not an account mail) carries one-click unsubscribe and is not
    queued for a user who turned notifications off. Returns whether a mail was queued (False: off, or
    this event was already queued for this recipient).
    """
    if not in_write_transaction():
        raise RuntimeError("queue_mail() belongs inside a use case's write transaction")
    if notification and (user is None or user.notifications_off):
        return False
    recipient, language = _addressing(user, address, language)
    unsubscribe = _unsubscribe_url(user) if notification else None
    with force_locale(language):
        values = {**context, "user": user, "unsubscribe_url": unsubscribe}
        subject = " ".join(render_template(f"mail/{template}.subject.txt", **values).split())
        text = render_template(f"mail/{template}.txt", **values)
        html = render_template(f"mail/{template}.html", **values)
    return _insert(
        event_key=event_key[:200],
        recipient=recipient,
        user_id=user.id if user is not None else None,
        template=template,
        language=language,
        subject=subject[:300],
        text_body=text,
        html_body=html,
        unsubscribe_url=unsubscribe,
        status=MailStatus.PENDING,
        attempts=0,
        next_attempt_at=utcnow(),
        message_id=make_msgid(domain=_sender_domain()),
        created_at=utcnow(),
    )


def _addressing(user: User | None, address: str | None, language: str | None) -> tuple[str, str]:
    """The recipient's address and language: those given, else the user's."""
    if user is None:
        return address or "", language or Language.KO
    return address or user.email, language or user.language


def _unsubscribe_url(user: User | None) -> str | None:
    return public_url("public.unsubscribe", token=unsubscribe_token(user)) if user is not None else None


def _insert(**values) -> bool:
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(OutboxMail.__table__)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["event_key", "recipient"])
        .returning(OutboxMail.__table__.c.id)
    )
    return db.session.execute(statement).first() is not None


def _sender_domain() -> str:
    return current_app.config["MAIL_FROM"].rpartition("@")[2].strip(" >") or "localhost"


def request_delivery() -> None:
    """Ask for the queued mails to be sent, after the commit: by the background worker when one is
    set up (app.extensions["deliver_mail"]), else here and now. Never raises: the change is saved."""
    deliver = current_app.extensions.get("deliver_mail", _deliver_now)
    try:
        deliver()
    except Exception:  # noqa: BLE001 - the mails stay queued; `flask mail deliver` or the next run sends them
        db.session.rollback()
        log.exception("Mail delivery could not be started; the mails stay in the outbox")


def _deliver_now() -> None:
    deliver_pending()


def deliver_pending(limit: int = 100, *, now: datetime | None = None) -> int:
    """Send up to `limit` mails that are due; return how many were sent."""
    at = now or utcnow()
    claim, claimed = _claim(limit, at)
    if not claimed:
        return 0
    outcomes = _send(claimed)
    _record(claim, outcomes, at)
    return sum(1 for error in outcomes.values() if error is None)


def _due(at: datetime):
    stale = at - timedelta(minutes=current_app.config["MAIL_CLAIM_MINUTES"])
    return or_(
        and_(OutboxMail.status == MailStatus.PENDING, OutboxMail.next_attempt_at <= at),
        and_(OutboxMail.status == MailStatus.SENDING, OutboxMail.claimed_at < stale),  # its run died
    )


def _claim(limit: int, at: datetime) -> tuple[str, list[Claimed]]:
    """Take due mails for this run: the UPDATE re-checks that each is still due, so a mail another run
    took meanwhile (PostgreSQL re-reads it after that run commits) is not taken twice."""
    begin_write()
    query = select(OutboxMail.id).where(_due(at)).order_by(OutboxMail.id).limit(limit)
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(query))
    claim = uuid.uuid4().hex
    if ids:
        db.session.execute(
            update(OutboxMail)
            .where(OutboxMail.id.in_(ids), _due(at))
            .values(status=MailStatus.SENDING, claim=claim, claimed_at=at, attempts=OutboxMail.attempts + 1)
            .execution_options(synchronize_session=False)
        )
    rows = db.session.scalars(select(OutboxMail).where(OutboxMail.claim == claim).order_by(OutboxMail.id)).all()
    claimed = [
        Claimed(r.id, r.recipient, r.subject, r.text_body, r.html_body, r.language, r.message_id, r.unsubscribe_url)
        for r in rows
    ]
    db.session.commit()
    return claim, claimed


def _message(row: Claimed, connection) -> EmailMultiAlternatives:
    """Multipart text and HTML; Flask-Mailman encodes a Korean subject as RFC 2047 words."""
    headers = {"Message-ID": row.message_id, "Content-Language": row.language, "Auto-Submitted": "auto-generated"}
    if row.unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{row.unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058
    message = EmailMultiAlternatives(
        row.subject,
        row.text_body,
        current_app.config["MAIL_FROM"],
        [row.recipient],
        headers=headers,
        connection=connection,
    )
    message.attach_alternative(row.html_body, "text/html")
    return message


def _send(claimed: list[Claimed]) -> dict[int, str | None]:
    """Each mail's error, or None when the server took it; one connection for the run."""
    outcomes: dict[int, str | None] = {}
    connection = mail.get_connection()
    try:
        connection.open()
    except Exception as error:  # noqa: BLE001 - the server is away: every mail of the run waits for the next try
        return {row.id: f"{type(error).__name__}: {error}"[:500] for row in claimed}
    try:
        for row in claimed:
            try:
                _message(row, connection).send()
                outcomes[row.id] = None
            except Exception as error:  # noqa: BLE001 - one refused recipient must not stop the others
                outcomes[row.id] = f"{type(error).__name__}: {error}"[:500]
    finally:
        with contextlib.suppress(Exception):  # the mails are sent; a failed QUIT changes nothing
            connection.close()
    return outcomes


def _record(claim: str, outcomes: dict[int, str | None], at: datetime) -> None:
    """Mark sent mails SENT (their bodies cleared: they may hold a one-time link) and failed ones for a
    later try, or FAILED after the last one."""
    begin_write()
    rows = db.session.scalars(select(OutboxMail).where(OutboxMail.claim == claim, OutboxMail.id.in_(outcomes)))
    maximum = current_app.config["MAIL_MAX_ATTEMPTS"]
    for row in rows:
        error = outcomes[row.id]
        row.claim = None
        if error is None:
            row.status, row.sent_at, row.text_body, row.html_body, row.last_error = MailStatus.SENT, at, "", "", None
            continue
        row.last_error = error
        if gives_up(row.attempts, maximum):
            row.status = MailStatus.FAILED
            log.error("Gave up mail %s to %s after %d tries: %s", row.id, row.recipient, row.attempts, error)
        else:
            row.status, row.next_attempt_at = MailStatus.PENDING, at + retry_delay(row.attempts)
    db.session.commit()
