"""CSV and XLSX files of a services.tables.Table, streamed: the one place that writes either format.

CSV: UTF-8 with a byte-order mark (Excel then reads Korean correctly), RFC 4180 quoting and CRLF, and
text that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return) is
prefixed with an apostrophe unless it is a plain number. XLSX (XlsxWriter in constant-memory mode, written
to a temporary file that is then streamed): won as whole numbers formatted #,##0, dates and Seoul times
as spreadsheet dates, yes/no as spreadsheet booleans (the spreadsheet words them in its own language),
the header row frozen and filtered. Headings and words are in the requester's language.
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
from xlsxwriter.worksheet import Worksheet

from .audit_display import audit_fields, role_name
from .domain.clock import SEOUL
from .i18n import current_language, gettext
from .navigation import status_label
from .services.tables import Column, Table

RISKY_START = frozenset("=+-@\t\r")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
FLUSH_ROWS = 500  # CSV rows written to the response at a time
READ_BYTES = 64 * 1024
MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Worksheet.write_string & co. without their decorator, which first tries to read the row as "A1" notation:
# a third of XlsxWriter's time per cell on a large export. Our rows and columns are always numbers.
STRING_AT = getattr(Worksheet.write_string, "__wrapped__", Worksheet.write_string)
NUMBER_AT = getattr(Worksheet.write_number, "__wrapped__", Worksheet.write_number)
DATETIME_AT = getattr(Worksheet.write_datetime, "__wrapped__", Worksheet.write_datetime)
BOOLEAN_AT = getattr(Worksheet.write_boolean, "__wrapped__", Worksheet.write_boolean)
WIDTHS = {"text": 24, "name": 28, "names": 30, "fields": 40, "moment": 19, "date": 11, "krw": 16}


def neutralised(text: str) -> str:
    """`text` as a cell no spreadsheet runs as a formula: a leading apostrophe before a risky first
    character, unless the whole text is a number (a negative amount stays a number)."""
    if text[:1] in RISKY_START and not NUMBER.fullmatch(text):
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


def _memo(function: Callable[[Any], str]) -> Callable[[Any], str]:
    """`function` remembered per value for one export (a state's label, say, looked up once)."""
    seen: dict[Any, str] = {}

    def remembered(value: Any) -> str:
        if value not in seen:
            seen[value] = function(value)
        return seen[value]

    return remembered


def _fields(values) -> str:
    return "; ".join(f"{line.label}: {line.text}" if line.label else line.text for line in audit_fields(values))


def _label_words(column: Column, english: bool) -> Callable[[Any], str]:
    words = {code: gettext(message) for code, message in (column.vocabulary or {}).items()}
    return lambda code: words.get(code, str(code))


def _yes_no(column: Column, english: bool) -> Callable[[Any], str]:
    yes, no = gettext("Yes"), gettext("No")
    return lambda value: yes if value else no


_WORDS: dict[str, Callable[[Column, bool], Callable[[Any], str]]] = {
    "name": lambda column, english: lambda pair: pair[1] if english and pair[1] else pair[0],
    "names": lambda column, english: lambda pairs: ", ".join(p[1] if english and p[1] else p[0] for p in pairs),
    "label": _label_words,
    "bool": _yes_no,
    "status": lambda column, english: _memo(status_label),
    "role": lambda column, english: _memo(role_name),
    "fields": lambda column, english: _fields,
}


def text_of(column: Column, english: bool) -> Callable[[Any], str]:
    """How the column's values read as text, in the requester's language (words resolved once per export)."""
    make = _WORDS.get(column.shows)
    return make(column, english) if make is not None else str


def seoul_time(moment: datetime) -> datetime:
    """The moment as a Seoul wall-clock time without a zone (spreadsheets know no zones)."""
    return moment.astimezone(SEOUL).replace(tzinfo=None)


def csv_text(column: Column, english: bool) -> Callable[[Any], str]:
    """How the column's (non-None) values are written in a CSV cell."""
    if column.shows in ("krw", "int"):
        return lambda value: str(int(value))
    if column.shows == "date":
        return lambda day: day.isoformat()
    if column.shows == "moment":
        return lambda moment: seoul_time(moment).strftime("%Y-%m-%d %H:%M:%S")
    words = text_of(column, english)
    return lambda value: neutralised(words(value))


def csv_chunks(table: Table) -> Iterator[bytes]:
    """The table as CSV, a few hundred rows per chunk, starting with the byte-order mark and the headings."""
    english = current_language() == "en"
    cells = [csv_text(c, english) for c in table.columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # the excel dialect: RFC 4180 quoting, CRLF line ends
    buffer.write("\ufeff")
    writer.writerow([neutralised(heading(c)) for c in table.columns])
    for number, row in enumerate(table.rows, 1):
        writer.writerow(["" if value is None else cell(value) for cell, value in zip(cells, row, strict=True)])
        if number % FLUSH_ROWS == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data


class _Sheet:
    """Writes typed cells on a constant-memory worksheet, row by row, one writer per column."""

    def __init__(self, workbook, table: Table) -> None:
        self.sheet = sheet = workbook.add_worksheet()
        self.columns = table.columns
        english = current_language() == "en"
        self.bold = workbook.add_format({"bold": True})
        money = workbook.add_format({"num_format": "#,##0"})
        day = workbook.add_format({"num_format": "yyyy-mm-dd"})
        moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        typed: dict[str, Callable[[int, int, Any], Any]] = {
            "krw": lambda r, c, value: NUMBER_AT(sheet, r, c, int(value), money),
            "int": lambda r, c, value: NUMBER_AT(sheet, r, c, int(value)),
            "date": lambda r, c, value: DATETIME_AT(sheet, r, c, value, day),
            "moment": lambda r, c, value: DATETIME_AT(sheet, r, c, seoul_time(value), moment),
            "bool": lambda r, c, value: BOOLEAN_AT(sheet, r, c, bool(value)),
        }
        self.writers = [typed.get(c.shows) or self._string_writer(text_of(c, english)) for c in self.columns]
        for index, column in enumerate(self.columns):
            sheet.set_column(index, index, WIDTHS.get(column.shows, 12))

    def _string_writer(self, words: Callable[[Any], str]) -> Callable[[int, int, Any], Any]:
        """A string cell: never read as a formula, so no apostrophe is needed."""
        sheet = self.sheet
        return lambda r, c, value: STRING_AT(sheet, r, c, words(value))

    def write_headings(self) -> None:
        for index, column in enumerate(self.columns):
            self.sheet.write_string(0, index, heading(column), self.bold)
        self.sheet.freeze_panes(1, 0)

    def write_row(self, number: int, row: tuple) -> None:
        for index, (write, value) in enumerate(zip(self.writers, row, strict=True)):
            if value is not None:
                write(number, index, value)

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
