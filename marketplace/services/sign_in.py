"""Signing in: the password, then a second factor for ministry staff, evaluators and enrolled users, throttled.

A wrong password or code slows down whoever sent it, never locks the account:
- per account and client: after a few failures that client waits, longer after each further failure;
  a stranger delays only their own client;
- per account from any client: after more failures every client waits a short while, except a client
  that has signed in to this account before (it shows a signed cookie), so the real user gets in.
The state is kept in the database, so it holds across workers and hosts.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from sqlalchemy import delete, select
from werkzeug.security import check_password_hash

from ..database import begin_write
from ..domain.errors import N_, DomainError
from ..domain.states import UserRole
from ..domain.throttle import ThrottlePolicy, delay_after, seconds_left
from ..extensions import db
from ..models import LoginFailure, RecoveryCode, User
from ..models.types import utcnow
from .audit import record_event
from .passwords import hash_password

STEP_SECONDS = 30  # TOTP time step (RFC 6238 default, what authenticator apps use)
FORGET_FAILURES_AFTER = timedelta(days=1)


class LoginRefused(DomainError):
    """The e-mail, password or code is wrong, or the sign-in has to start again."""


class SignInExpired(LoginRefused):
    """The half-done sign-in no longer holds (account changed or disabled): start again."""


class EmailNotConfirmed(LoginRefused):
    """The password is right but the account's address has not been confirmed yet."""


class TryLater(LoginRefused):
    """Too many failures in a row: wait before the next try (seconds says how long)."""

    def __init__(self, seconds: int):
        super().__init__(N_("Too many failed attempts. Try again in %(seconds)d seconds."), seconds=seconds)
        self.seconds = seconds


def now() -> datetime:
    """The clock of sign-in throttling and codes (tests replace it)."""
    return utcnow()


@dataclass(frozen=True)
class SignInPolicy:
    client: ThrottlePolicy
    account: ThrottlePolicy

    @classmethod
    def from_config(cls, config: Mapping) -> SignInPolicy:
        return cls(
            ThrottlePolicy(
                config["LOGIN_CLIENT_FREE_FAILURES"],
                timedelta(seconds=config["LOGIN_CLIENT_FIRST_DELAY"]),
                timedelta(seconds=config["LOGIN_CLIENT_MAX_DELAY"]),
            ),
            ThrottlePolicy(
                config["LOGIN_ACCOUNT_FREE_FAILURES"],
                timedelta(seconds=config["LOGIN_ACCOUNT_FIRST_DELAY"]),
                timedelta(seconds=config["LOGIN_ACCOUNT_MAX_DELAY"]),
            ),
        )


@dataclass(frozen=True)
class Attempt:
    """Who is trying: the client's address, and the account this client signed in to before (if any)."""

    client: str
    known_user_id: int | None = None

    def key_for(self, user: User) -> str:
        # a known client gets its own count, so a stranger behind the same address cannot slow it down
        prefix = "known:" if self.known_user_id == user.id else ""
        return (prefix + self.client)[:64]


# Roles that always sign in with a code, enrolling at their first sign-in: ministry staff, and evaluators, whose
# scores decide which products public money buys.
SECOND_FACTOR_ROLES = frozenset({UserRole.MINISTRY, UserRole.EVALUATOR})


def needs_second_factor(user: User) -> bool:
    """Ministry staff and evaluators always sign in with a code; other users once they enrolled."""
    return user.role in SECOND_FACTOR_ROLES or bool(user.totp_secret)


def _failures(user: User, attempt: Attempt) -> LoginFailure | None:
    return db.session.scalar(
        select(LoginFailure).where(LoginFailure.user_id == user.id, LoginFailure.client == attempt.key_for(user))
    )


def check_not_throttled(user: User, attempt: Attempt, at: datetime) -> None:
    """Raise TryLater while this client, or (for a client new to the account) the account, must wait."""
    row = _failures(user, attempt)
    wait = seconds_left(row.retry_at if row else None, at)
    if attempt.known_user_id != user.id:
        wait = max(wait, seconds_left(user.login_retry_at, at))
    if wait:
        raise TryLater(wait)


def record_failure(user: User, attempt: Attempt, policy: SignInPolicy, at: datetime) -> None:
    """Count a wrong password or code against this client and the account (the caller commits)."""
    row = _failures(user, attempt)
    if row is None:
        row = LoginFailure(user_id=user.id, client=attempt.key_for(user), failures=0)
        db.session.add(row)
    row.failures += 1
    row.updated_at = at
    client_delay = delay_after(row.failures, policy.client)
    row.retry_at = at + client_delay if client_delay else None
    user.failed_logins += 1
    account_delay = delay_after(user.failed_logins, policy.account)
    user.login_retry_at = at + account_delay if account_delay else None
    if row.failures == policy.client.free_failures:
        record_event(user, "user.login_throttled", user, reason=f"failed attempts from {attempt.client}")


def complete(user: User, attempt: Attempt, at: datetime) -> None:
    """The sign-in succeeded: forget this client's failures and old ones of others."""
    db.session.execute(
        delete(LoginFailure).where(
            LoginFailure.user_id == user.id,
            (LoginFailure.client == attempt.key_for(user)) | (LoginFailure.updated_at < at - FORGET_FAILURES_AFTER),
        )
    )
    user.failed_logins = 0
    user.login_retry_at = None
    user.last_login_at = at
    record_event(user, "user.login", user)


def authenticate(
    email: str, password: str, attempt: Attempt, policy: SignInPolicy, *, at: datetime | None = None
) -> User:
    """Check the password; return the user, signed in unless needs_second_factor(user).

    The password hash is checked before the write lock is taken: it costs tens of milliseconds of CPU
    by design, and every other writer would wait that long. Under the lock the throttle is checked
    again and the stored hash must still be the one checked (else it counts as a failure).
    Raises LoginRefused (the message does not tell whether the e-mail exists) or TryLater.
    """
    from .accounts import find_user_by_email

    at = at or now()
    user = find_user_by_email(email)
    if user is None or not user.active or user.password_hash is None:
        hash_password(password)  # spend the same time as a real check
        raise LoginRefused(N_("The e-mail address or password is not correct."))
    check_not_throttled(user, attempt, at)  # a client that must wait costs no hashing
    user_id, checked_hash = user.id, user.password_hash
    correct = check_password_hash(checked_hash, password)
    begin_write()  # a sign-in always writes (counters or last_login_at)
    user = db.session.scalar(
        select(User).where(User.id == user_id).with_for_update().execution_options(populate_existing=True)
    )
    if user is None or not user.active:
        raise LoginRefused(N_("The e-mail address or password is not correct."))
    check_not_throttled(user, attempt, at)
    if not correct or user.password_hash != checked_hash:  # wrong, or changed by a concurrent request
        record_failure(user, attempt, policy, at)
        db.session.commit()
        raise LoginRefused(N_("The e-mail address or password is not correct."))
    _password_accepted(user, attempt, at)
    db.session.commit()
    return user


def _password_accepted(user: User, attempt: Attempt, at: datetime) -> None:
    """Signed in now, or after the second factor; refused while the address is not confirmed."""
    if user.email_confirmed_at is None:
        _confirm_first(user, at)
    if not needs_second_factor(user):
        complete(user, attempt, at)


def _confirm_first(user: User, at: datetime) -> None:
    """The right password for an address not yet confirmed: mail a new link and refuse (the password
    was right, so this tells the account's owner only)."""
    from .account_mail import send_confirmation
    from .outbox import request_delivery

    send_confirmation(user, user.email, utcnow())  # the links' clock, not the throttle's
    db.session.commit()
    request_delivery()
    raise EmailNotConfirmed(
        N_("Confirm your e-mail address first: we have sent you a new link. Open it, then sign in again.")
    )


def pending_user(user_id: int, session_version: int) -> User:
    """The user whose password was checked and who still owes a code; LoginRefused if that no longer holds."""
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.session_version != session_version:
        raise SignInExpired(N_("Sign in again."))
    return user


def totp_step_matching(secret: str, code: str, at: datetime, *, after_step: int | None = None) -> int | None:
    """The time step whose code equals `code` (one step of clock drift either way), or None.

    A step at or before after_step does not count: a code works once.
    """
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int(at.timestamp()) // STEP_SECONDS
    for step in (current - 1, current, current + 1):
        if after_step is not None and step <= after_step:
            continue
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def recovery_code_hash(code: str) -> str:
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normalised.encode("ascii", "ignore")).hexdigest()


def _use_recovery_code(user: User, code: str, at: datetime) -> bool:
    row = db.session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_sha256 == recovery_code_hash(code),
            RecoveryCode.used_at.is_(None),
        )
    )
    if row is None:
        return False
    row.used_at = at
    record_event(user, "user.recovery_code_used", user)
    return True


def verify_second_factor(
    user_id: int, session_version: int, code: str, attempt: Attempt, policy: SignInPolicy, *, at: datetime | None = None
) -> User:
    """Finish a sign-in with an authenticator code or an unused recovery code; returns the signed-in user.

    Raises LoginRefused for a wrong code (counted like a wrong password) and TryLater while throttled.
    """
    begin_write()
    at = at or now()
    user = pending_user(user_id, session_version)
    if not user.totp_secret:
        raise LoginRefused(N_("Set up two-step sign-in first."))
    check_not_throttled(user, attempt, at)
    step = totp_step_matching(user.totp_secret, code, at, after_step=user.totp_last_step)
    if step is not None:
        user.totp_last_step = step
    elif not _use_recovery_code(user, code, at):
        record_failure(user, attempt, policy, at)
        db.session.commit()
        raise LoginRefused(N_("The code is not correct."))
    complete(user, attempt, at)
    db.session.commit()
    return user
