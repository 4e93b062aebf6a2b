"""Column types shared by the models: UTC timestamps, whole-won money, and CHECKs built from state enums."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, DateTime, Integer
from sqlalchemy.types import TypeDecorator

# SQLite only autoincrements INTEGER PRIMARY KEY; PostgreSQL gets BIGINT.
BigId = BigInteger().with_variant(Integer, "sqlite")
Money = BigInteger


# The moment the app's clock reads inside as_at(); None: the wall clock.
_AS_AT: ContextVar[datetime | None] = ContextVar("as_at", default=None)


def utcnow() -> datetime:
    """The app's clock: the current instant in UTC, or inside as_at() the moment it names."""
    moment = _AS_AT.get()
    return datetime.now(UTC) if moment is None else moment


@contextmanager
def as_at(moment: datetime) -> Iterator[None]:
    """Run code as at an aware `moment`: everything that reads utcnow() (services, audit events, column
    defaults) records that moment. For writing history that happened earlier (the sample data), in order."""
    if moment.tzinfo is None:
        raise ValueError("as_at needs an aware moment")
    token = _AS_AT.set(moment.astimezone(UTC))
    try:
        yield
    finally:
        _AS_AT.reset(token)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always returned timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def check_in(column: str, states: type[StrEnum], name: str | None = None) -> CheckConstraint:
    """CHECK (column IN (the enum's values, in their order)), named ck_<table>_<name, or the column's name>.

    The enum rides along in the constraint's info, for the tests that hold the database to it.
    """
    values = ", ".join(f"'{state.value}'" for state in states)
    return CheckConstraint(f"{column} IN ({values})", name=name or column, info={"states": states})
