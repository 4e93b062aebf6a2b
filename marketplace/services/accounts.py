"""Accounts: creating users and changing passwords (signing in is services/sign_in.py)."""

from __future__ import annotations

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..database import begin_write
from ..domain.errors import N_, DomainError
from ..extensions import db
from ..models import ROLES, User
from .audit import record_event
from .passwords import check_password
from .sign_in import Attempt, SignInPolicy, check_not_throttled, now, record_failure


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
        check_password(password, email=user.email)
        user.password_hash = generate_password_hash(password)
    db.session.add(user)
    return user


def create_user(*, email: str, name: str, role: str, password: str, actor: User | None = None,
                **links) -> User:
    """Create and commit a user (CLI and staff use)."""
    user = new_user(email=email, name=name, role=role, password=password, **links)
    record_event(actor, "user.created", user, after={"email": user.email, "role": role})
    db.session.commit()
    return user


def end_all_sessions(user: User) -> None:
    """Invalidate every session cookie of this user (logout, password change)."""
    user.session_version += 1
    db.session.commit()


def change_password(user: User, current: str, new: str, attempt: Attempt, policy: SignInPolicy) -> None:
    """Set a new password; a wrong current one counts as a failed sign-in (raises DomainError, TryLater)."""
    begin_write()
    at = now()
    check_not_throttled(user, attempt, at)
    if not user.password_hash or not check_password_hash(user.password_hash, current):
        record_failure(user, attempt, policy, at)
        db.session.commit()
        raise DomainError(N_("Your current password is not correct."))
    check_password(new, email=user.email)
    user.password_hash = generate_password_hash(new)
    user.session_version += 1
    record_event(user, "user.password_changed", user)
    db.session.commit()
