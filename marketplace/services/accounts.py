"""Accounts: creating users and changing passwords (signing in is services/sign_in.py)."""

from __future__ import annotations

from sqlalchemy import func, select, update
from werkzeug.security import check_password_hash

from ..database import begin_write
from ..domain.errors import N_, DomainError
from ..domain.states import TokenPurpose
from ..extensions import db
from ..models import ROLES, User
from ..models.types import utcnow
from .audit import record_event
from .passwords import check_password, hash_password
from .sign_in import Attempt, SignInPolicy, check_not_throttled, now, record_failure
from .tokens import revoke_tokens


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
        user.password_hash = hash_password(password)
    db.session.add(user)
    return user


def create_user(*, email: str, name: str, role: str, password: str, actor: User | None = None, **links) -> User:
    """Create and commit a user (CLI and staff use)."""
    begin_write()
    user = new_user(email=email, name=name, role=role, password=password, **links)
    user.email_confirmed_at = utcnow()  # made by staff or on the server: the address is theirs to vouch for
    record_event(actor, "user.created", user, after={"email": user.email, "role": role})
    db.session.commit()
    return user


def end_all_sessions(user: User) -> None:
    """Invalidate every session cookie of this user (logout, password change)."""
    user_id = user.id
    begin_write()
    db.session.execute(
        update(User)
        .where(User.id == user_id)
        .values(session_version=User.session_version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def change_password(user: User, current: str, new: str, attempt: Attempt, policy: SignInPolicy) -> None:
    """Set a new password and end every other session; a wrong current one counts as a failed sign-in.

    The slow hashing happens before the write lock; under it the throttle is checked and the stored hash
    must still be the one checked. Raises DomainError, WeakPassword or TryLater.
    """
    checked_hash, email, user_id = user.password_hash, user.email, user.id
    correct = check_password_hash(checked_hash, current) if checked_hash else False
    new_hash = None
    if correct:
        check_password(new, email=email)
        new_hash = hash_password(new)
    begin_write()
    at = now()
    locked = db.session.scalars(
        select(User).where(User.id == user_id).with_for_update().execution_options(populate_existing=True)
    ).one()
    check_not_throttled(locked, attempt, at)
    if not correct or locked.password_hash != checked_hash:  # wrong, or changed by a concurrent request
        record_failure(locked, attempt, policy, at)
        db.session.commit()
        raise DomainError(N_("Your current password is not correct."))
    locked.password_hash = new_hash
    locked.session_version += 1
    revoke_tokens(locked.id, TokenPurpose.RESET_PASSWORD, at)  # a reset link asked for earlier stops working
    record_event(locked, "user.password_changed", locked)
    db.session.commit()
