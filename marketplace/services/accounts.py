"""Accounts: creating users, signing in with a lockout kept in the database, passwords."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from ..database import begin_write
from ..domain.errors import N_, DomainError
from ..domain.passwords import check_password_policy
from ..extensions import db
from ..models import ROLES, User
from ..models.types import utcnow
from .audit import record_event


class LoginRefused(DomainError):
    """The e-mail or password is wrong, or the account is locked."""


class EmailTaken(DomainError):
    """An account with this e-mail address already exists."""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def new_user(*, email: str, name: str, role: str, password: str | None, **links) -> User:
    """Build (not commit) a user after checking the role, e-mail uniqueness and password policy."""
    if role not in ROLES:
        raise DomainError(N_("Unknown role %(role)s."), role=role)
    if find_user_by_email(email) is not None:
        raise EmailTaken(N_("An account with this e-mail address already exists."))
    user = User(email=normalise_email(email), name=name.strip(), role=role, **links)
    if password is not None:
        check_password_policy(password, email=user.email)
        user.password_hash = generate_password_hash(password)
    db.session.add(user)
    return user


def create_user(*, email: str, name: str, role: str, password: str, actor: User | None = None,
                **links) -> User:
    """Create and commit a user (CLI and staff use)."""
    begin_write()
    user = new_user(email=email, name=name, role=role, password=password, **links)
    record_event(actor, "user.created", user, after={"email": user.email, "role": role})
    db.session.commit()
    return user


def authenticate(email: str, password: str, *, max_failures: int, lock_minutes: int) -> User:
    """Return the user for a correct e-mail and password, or raise LoginRefused.

    Failures are counted on the user row, so the lockout holds across workers and hosts. After
    max_failures failures in a row the account is locked for lock_minutes; the message does not
    tell whether the e-mail exists.
    """
    begin_write()  # a login always writes (counter or last_login_at): take SQLite's lock up front
    user = find_user_by_email(email)
    now = utcnow()
    if user is None or not user.active or user.password_hash is None:
        generate_password_hash(password)  # spend the same time as a real check
        raise LoginRefused(N_("The e-mail address or password is not correct."))
    if user.locked_until and user.locked_until > now:
        raise LoginRefused(N_("Too many failed attempts. Try again after %(minutes)d minutes."),
                           minutes=lock_minutes)
    if not check_password_hash(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= max_failures:
            user.locked_until = now + timedelta(minutes=lock_minutes)
            user.failed_logins = 0
            record_event(user, "user.locked", user, reason="repeated failed logins")
        db.session.commit()
        raise LoginRefused(N_("The e-mail address or password is not correct."))
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    record_event(user, "user.login", user)
    db.session.commit()
    return user


def end_all_sessions(user: User) -> None:
    """Invalidate every session cookie of this user (logout, password change)."""
    user_id = user.id
    begin_write()
    db.session.execute(update(User).where(User.id == user_id)
                       .values(session_version=User.session_version + 1)
                       .execution_options(synchronize_session=False))
    db.session.commit()


def change_password(user: User, current: str, new: str) -> None:
    """Replace the password and end every session; DomainError for a wrong current password.

    The slow hashing happens before the write lock; under it the stored hash must still be the one checked.
    """
    checked_hash, email, user_id = user.password_hash, user.email, user.id
    if not checked_hash or not check_password_hash(checked_hash, current):
        raise DomainError(N_("Your current password is not correct."))
    check_password_policy(new, email=email)
    new_hash = generate_password_hash(new)
    begin_write()
    locked = db.session.scalar(select(User).where(User.id == user_id).with_for_update()
                               .execution_options(populate_existing=True))
    if locked.password_hash != checked_hash:  # changed by a concurrent request meanwhile
        db.session.rollback()
        raise DomainError(N_("Your current password is not correct."))
    locked.password_hash = new_hash
    locked.session_version += 1
    record_event(locked, "user.password_changed", locked)
    db.session.commit()
