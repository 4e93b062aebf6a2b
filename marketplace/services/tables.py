"""A list as an export reads it: its columns (heading and kind of value) and its rows, read in batches.

Services describe a table and hand over a lazy row iterator; marketplace/exports.py words and writes it
(CSV or XLSX) in the requester's language. Rows hold plain values only: the kinds below say how to show them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..extensions import db

BATCH = 1000  # rows fetched per round trip: a server-side cursor on PostgreSQL, a plain cursor on SQLite

# Kinds of value a cell holds:
#   text    a string shown as it is          name    a (Korean, English) pair: the requester's language
#   names   a list of (Korean, English)       label   a code of `vocabulary` (other text shown as it is)
#   status  a state (navigation's labels)     role    a user role (the audit trail's words)
#   krw     whole won                         int     a whole number
#   date    a calendar date                   moment  an aware datetime, shown in Seoul time
#   bool    yes or no                         fields  an audit event's before/after values
KINDS = frozenset(
    {"text", "name", "names", "label", "status", "role", "krw", "int", "date", "moment", "bool", "fields"}
)


@dataclass(frozen=True)
class Column:
    """One column: its heading (a msgid, translated when written) and what its values are (one of KINDS)."""

    heading: str
    shows: str = "text"
    vocabulary: Mapping[Any, str] | None = None

    def __post_init__(self) -> None:
        if self.shows not in KINDS:
            raise ValueError(f"unknown column kind {self.shows!r}")


@dataclass(frozen=True)
class Table:
    """An export: a file name stem (ASCII), its columns and a lazy iterator of rows (one tuple per row)."""

    name: str
    columns: tuple[Column, ...]
    rows: Iterable[tuple[Any, ...]] = field(default_factory=tuple)


def streamed(statement, params: Mapping[str, Any] | None = None) -> Iterator[Any]:
    """The rows of `statement` (a Core SELECT of columns), fetched BATCH at a time on the session's
    connection: never the whole result in memory, and no ORM row processing."""
    # the option on the statement, not the connection: Connection.execution_options() would keep it for
    # every later query of the transaction (a server-side cursor each on PostgreSQL)
    result = db.session.connection().execute(statement.execution_options(yield_per=BATCH), params or {})
    for partition in result.partitions():
        yield from partition


def chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    """`values` in lists of at most BATCH."""
    size, chunk = BATCH, []
    for value in values:
        chunk.append(value)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
