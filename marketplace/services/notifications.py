"""Notifications: tell a user about an event in their inbox and, if they want it, by mail; the inbox's use cases.

notify() runs inside the use case's own write transaction, so a notification exists exactly when the
change it tells about committed. (recipient, event key) is unique in the inbox and in the outbox: a
retried use case or a periodic task run again tells each user once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..database import begin_write, in_write_transaction
from ..domain import notifications as rules
from ..domain.errors import N_, NotFound
from ..domain.states import UserRole
from ..extensions import db
from ..models import Notification, NotificationPreference, User
from ..models.types import utcnow
from . import outbox
from .links import public_url
from .pages import Page, paginate

MAIL_TEMPLATE = "inbox_notice"

# (in the inbox, by mail) for a kind the user has not chosen for
DEFAULT_CHOICE = (True, True)


def link_path(endpoint: str, **values) -> str:
    """The site-relative path of an endpoint, built outside any request (workers): stored as the link."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def choices_of(user_ids: Iterable[int], kind: str) -> dict[int, tuple[bool, bool]]:
    """(in the inbox, by mail) per user for `kind`, for the users who chose; the others take DEFAULT_CHOICE."""
    ids = list(user_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(NotificationPreference.user_id, NotificationPreference.in_app, NotificationPreference.mail).where(
            NotificationPreference.kind == kind, NotificationPreference.user_id.in_(ids)
        )
    )
    return {user_id: (in_app, mail) for user_id, in_app, mail in rows}


def notify(recipient: User, kind: str, event_key: str, params: Mapping, link: str = "") -> bool:
    """Put the event in the recipient's inbox and queue its mail, as the recipient chose for `kind`.

    Call it inside the use case's write transaction, before its commit. Returns whether anything new
    was written (False: the user wants neither, gets no such kind, or was told already).
    """
    return notify_all([recipient], kind, event_key, params, link) > 0


def notify_all(users: Iterable[User], kind: str, event_key: str, params: Mapping, link: str = "") -> int:
    """notify() each of `users`: their choices read in one query, their inbox rows written in one INSERT
    (ON CONFLICT DO NOTHING); a mail is queued for each one newly told who wants mail. Returns how many
    were newly told."""
    if not in_write_transaction():
        raise RuntimeError("notify() belongs inside a use case's write transaction")
    users, wanted = _choices(users, kind)
    key, values = event_key[:200], dict(params)
    in_inbox = [user_id for user_id, (in_app, _mail) in wanted.items() if in_app]
    inserted = _insert_inbox(in_inbox, kind, key, values, link[:300])
    mail_to = [u for u in users if _mail_wanted(wanted[u.id], u.id in inserted)]
    return len(inserted) + _queue_mails(mail_to, wanted, key, _mail_context(kind, values, link))


def _queue_mails(users: list[User], wanted: dict[int, tuple[bool, bool]], key: str, context: dict) -> int:
    """Queue the notification mail to each of `users`; returns how many were told by mail only (newly)."""
    queued = [u for u in users if outbox.queue_mail(u, MAIL_TEMPLATE, context, key, notification=True)]
    return sum(1 for u in queued if not wanted[u.id][0])


def _choices(users: Iterable[User], kind: str) -> tuple[list[User], dict[int, tuple[bool, bool]]]:
    """The active users whose role gets `kind`, and (in the inbox, by mail) for each."""
    users = [u for u in users if u.active and kind in rules.kinds_for(u.role)]
    choices = choices_of((u.id for u in users), kind)
    return users, {u.id: choices.get(u.id, DEFAULT_CHOICE) for u in users}


def _mail_wanted(choice: tuple[bool, bool], newly_in_inbox: bool) -> bool:
    """Whether to queue the mail: wanted, and not told already (an inbox row that existed had its mail)."""
    in_app, by_mail = choice
    return by_mail and (newly_in_inbox or not in_app)


def _mail_context(kind: str, params: dict, link: str) -> dict:
    return {
        "kind": kind,
        "params": params,
        "link": _absolute(link),
        "link_to_settings": public_url("auth.notification_settings"),
    }


def _absolute(link: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + link if link else ""


def _insert_inbox(recipient_ids: list[int], kind: str, event_key: str, params: dict, link: str) -> set[int]:
    """One INSERT of the inbox rows; returns the recipients whose row is new (the others had it)."""
    if not recipient_ids:
        return set()
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    moment = utcnow()
    rows = [
        {
            "recipient_id": rid,
            "kind": kind,
            "event_key": event_key,
            "params": params,
            "link": link,
            "created_at": moment,
        }
        for rid in recipient_ids
    ]
    statement = (
        dialect.insert(Notification.__table__)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["recipient_id", "event_key"])
        .returning(Notification.__table__.c.recipient_id)
    )
    return set(db.session.scalars(statement))


def ministry_staff() -> list[User]:
    """The active ministry users: every one of them is told what waits for review."""
    return list(db.session.scalars(select(User).where(User.role == UserRole.MINISTRY, User.active.is_(True))))


def company_users(company_id: int) -> list[User]:
    """The active users of a company (a supplier's notifications go to each of them)."""
    return list(db.session.scalars(select(User).where(User.company_id == company_id, User.active.is_(True))))


def institution_buyers(institution_id: int) -> list[User]:
    """The active buyers of an institution."""
    return list(
        db.session.scalars(
            select(User).where(
                User.institution_id == institution_id, User.role == UserRole.BUYER, User.active.is_(True)
            )
        )
    )


# --- the inbox


def inbox(user: User, *, page: int, per_page: int) -> Page[Notification]:
    """The user's notifications, newest first."""
    statement = (
        select(Notification)
        .where(Notification.recipient_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    return paginate(statement, page=page, per_page=per_page)


def unread_count(user_id: int) -> int:
    """How many of the user's notifications are unread: one COUNT on the (recipient, read_at) index."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.recipient_id == user_id, Notification.read_at.is_(None))
        )
        or 0
    )


def mark_read(user: User, notification_id: int, *, now: datetime | None = None) -> Notification:
    """Mark one of the user's notifications read (again: no change). Raises NotFound for another's."""
    begin_write()
    notification = db.session.scalar(
        select(Notification).where(Notification.id == notification_id, Notification.recipient_id == user.id)
    )
    if notification is None:
        db.session.rollback()
        raise NotFound(N_("There is no such notification."))
    if notification.read_at is None:
        notification.read_at = now or utcnow()
    db.session.commit()
    return notification


def mark_all_read(user: User, *, now: datetime | None = None) -> int:
    """Mark every unread notification of the user read; returns how many were unread."""
    begin_write()
    result = db.session.execute(
        update(Notification)
        .where(Notification.recipient_id == user.id, Notification.read_at.is_(None))
        .values(read_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return int(getattr(result, "rowcount", 0) or 0)


# --- choices


def choices_for(user: User) -> dict[str, tuple[bool, bool]]:
    """(in the inbox, by mail) for every kind the user's role gets, defaults filled in."""
    kinds = rules.kinds_for(user.role)
    rows = db.session.scalars(select(NotificationPreference).where(NotificationPreference.user_id == user.id))
    chosen = {row.kind: (row.in_app, row.mail) for row in rows}
    return {kind: chosen.get(kind, DEFAULT_CHOICE) for kind in kinds}


def set_choices(user_id: int, choices: Mapping[str, tuple[bool, bool]]) -> None:
    """Save the user's choices for the kinds of their role (others are ignored); saving again changes nothing."""
    begin_write()
    user = db.session.get(User, user_id)
    if user is None:
        db.session.rollback()
        raise NotFound(N_("There is no such account."))
    rows = {
        row.kind: row
        for row in db.session.scalars(select(NotificationPreference).where(NotificationPreference.user_id == user_id))
    }
    for kind in rules.kinds_for(user.role):
        in_app, mail = choices.get(kind, DEFAULT_CHOICE)
        row = rows.get(kind) or NotificationPreference(user_id=user_id, kind=kind)
        row.in_app, row.mail = bool(in_app), bool(mail)
        db.session.add(row)
    db.session.commit()
