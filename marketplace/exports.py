"""CSV and XLSX files of a services.tables.Table, streamed: the one place that writes either format.

CSV: UTF-8 with a byte-order mark (Excel then reads Korean correctly), RFC 4180 quoting and CRLF, and
text that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return) is
prefixed with an apostrophe unless it is a plain number. XLSX (XlsxWriter in constant-memory mode, written
to a temporary file that is then streamed): won as whole numbers formatted #,##0, dates and Seoul times
as spreadsheet dates, the header row frozen and filtered. Headings and words are in the requester's language.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import IO, Any
from urllib.parse import quote

import xlsxwriter
from flask import Response, stream_with_context

from .audit_display import audit_fields, role_name
from .domain.clock import SEOUL
from .i18n import current_language, gettext
from .navigation import status_label
from .services.tables import Column, Table

FORMATS = ("csv", "xlsx")
RISKY_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
FLUSH_ROWS = 500  # CSV rows written to the response at a time
READ_BYTES = 64 * 1024
MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
WIDTHS = {"text": 24, "name": 28, "names": 30, "fields": 40, "moment": 19, "date": 11, "krw": 16}


def neutralised(text: str) -> str:
    """`text` as a cell no spreadsheet runs as a formula: a leading apostrophe before a risky first
    character, unless the whole text is a number (a negative amount stays a number)."""
    if text.startswith(RISKY_START) and not NUMBER.fullmatch(text):
        return "'" + text
    return text


def heading(column: Column) -> str:
    """The column's heading in the requester's language; the unit or the time zone stated."""
    text = gettext(column.heading)
    if column.shows == "moment":
        return gettext("%(heading)s (Asia/Seoul)", heading=text)
    if column.shows == "krw":
        return gettext("%(heading)s (KRW)", heading=text)
    return text


def _name(pair: tuple[str, str] | None, english: bool) -> str:
    if pair is None:
        return ""
    return pair[1] if english and pair[1] else pair[0]


def _fields(values) -> str:
    return "; ".join(f"{line.label}: {line.text}" if line.label else line.text for line in audit_fields(values))


def words(column: Column, value: Any, english: bool) -> str:
    """A text cell's words (kinds shown as text in both formats); "" for None."""
    if value is None:
        return ""
    shows = column.shows
    if shows == "name":
        return _name(value, english)
    if shows == "names":
        return ", ".join(_name(pair, english) for pair in value)
    if shows == "label":
        vocabulary = column.vocabulary or {}
        return gettext(vocabulary[value]) if value in vocabulary else str(value)
    return _TEXT_KINDS[shows](value)


_TEXT_KINDS: dict[str, Callable[[Any], str]] = {
    "text": str,
    "status": status_label,
    "role": role_name,
    "bool": lambda value: gettext("Yes") if value else gettext("No"),
    "fields": _fields,
}


def seoul_time(moment: datetime) -> datetime:
    """The moment as a Seoul wall-clock time without a zone (spreadsheets know no zones)."""
    return moment.astimezone(SEOUL).replace(tzinfo=None)


def csv_cell(column: Column, value: Any, english: bool) -> str:
    if value is None:
        return ""
    if column.shows in ("krw", "int"):
        return str(int(value))
    if column.shows == "date":
        return value.isoformat()
    if column.shows == "moment":
        return seoul_time(value).strftime("%Y-%m-%d %H:%M:%S")
    return neutralised(words(column, value, english))


def csv_chunks(table: Table) -> Iterator[bytes]:
    """The table as CSV, a few hundred rows per chunk, starting with the byte-order mark and the headings."""
    english = current_language() == "en"
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # the excel dialect: RFC 4180 quoting, CRLF line ends
    buffer.write("\ufeff")
    writer.writerow([neutralised(heading(c)) for c in table.columns])
    for number, row in enumerate(table.rows, 1):
        writer.writerow([csv_cell(c, v, english) for c, v in zip(table.columns, row, strict=True)])
        if number % FLUSH_ROWS == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data


class _Sheet:
    """Writes typed cells on a constant-memory worksheet, row by row."""

    def __init__(self, workbook, table: Table) -> None:
        self.sheet = workbook.add_worksheet()
        self.columns = table.columns
        self.english = current_language() == "en"
        self.formats = {
            "krw": workbook.add_format({"num_format": "#,##0"}),
            "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
            "moment": workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
            "heading": workbook.add_format({"bold": True}),
        }
        for index, column in enumerate(self.columns):
            self.sheet.set_column(index, index, WIDTHS.get(column.shows, 12))

    def write_headings(self) -> None:
        for index, column in enumerate(self.columns):
            self.sheet.write_string(0, index, heading(column), self.formats["heading"])
        self.sheet.freeze_panes(1, 0)

    def write_row(self, number: int, row: tuple) -> None:
        for index, (column, value) in enumerate(zip(self.columns, row, strict=True)):
            if value is None:
                continue
            shows = column.shows
            if shows in ("krw", "int"):
                self.sheet.write_number(number, index, int(value), self.formats.get(shows))
            elif shows == "date":
                self.sheet.write_datetime(number, index, value, self.formats["date"])
            elif shows == "moment":
                self.sheet.write_datetime(number, index, seoul_time(value), self.formats["moment"])
            else:  # write_string: never read as a formula, so no apostrophe is needed
                self.sheet.write_string(number, index, words(column, value, self.english))

    def finish(self, rows: int) -> None:
        self.sheet.autofilter(0, 0, max(rows, 1), len(self.columns) - 1)


def write_xlsx(table: Table, handle: IO[bytes]) -> None:
    """The table as one worksheet written to `handle`, one row in memory at a time."""
    workbook = xlsxwriter.Workbook(handle, {"constant_memory": True, "strings_to_numbers": False})
    sheet = _Sheet(workbook, table)
    sheet.write_headings()
    rows = 0
    for rows, row in enumerate(table.rows, 1):
        sheet.write_row(rows, row)
    sheet.finish(rows)
    workbook.close()


def _file_chunks(handle: IO[bytes]) -> Iterator[bytes]:
    try:
        while chunk := handle.read(READ_BYTES):
            yield chunk
    finally:
        handle.close()


def _disposition(filename: str) -> str:
    """RFC 6266: an ASCII name, and the UTF-8 one for browsers that read filename*."""
    ascii_name = "".join(ch if ch.isascii() and ch.isprintable() and ch not in '"\\/;' else "_" for ch in filename)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def send_table(table: Table, fmt: str, today: date) -> Response:
    """The table as a streamed attachment named <table.name>-<today>.<fmt>, kept by no shared cache."""
    if fmt == "xlsx":
        handle = tempfile.TemporaryFile()  # noqa: SIM115 - closed by _file_chunks once sent
        try:
            write_xlsx(table, handle)
        except BaseException:
            handle.close()
            raise
        handle.seek(0)
        body = _file_chunks(handle)
    else:
        body = stream_with_context(csv_chunks(table))
    response = Response(body, mimetype=MIMETYPES[fmt])
    response.headers["Content-Disposition"] = _disposition(f"{table.name}-{today.isoformat()}.{fmt}")
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
