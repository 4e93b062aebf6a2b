"""The export renderer: formula injection neutralised, RFC 4180 quoting, byte-order mark, typed workbook cells."""

from __future__ import annotations

import codecs
import csv
import io
from datetime import UTC, date, datetime

import openpyxl
import pytest

from marketplace.exports import csv_chunks, neutralised, send_table, write_xlsx
from marketplace.services.tables import Column, Table


@pytest.mark.parametrize(
    "text,written",
    [
        ("=1+2", "'=1+2"),
        ("+cmd", "'+cmd"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tlead", "'\tlead"),
        ("\rlead", "'\rlead"),
        ("-500", "-500"),
        ("+1.5", "+1.5"),
        ("-1e3", "-1e3"),
        ("a=b", "a=b"),
        ("", ""),
        ("센서", "센서"),
    ],
)
def test_text_a_spreadsheet_would_run_is_prefixed_unless_it_is_a_number(text, written):
    assert neutralised(text) == written


TABLE_COLUMNS = (
    Column("Product"),
    Column("Amount", "krw"),
    Column("Contract date", "date"),
    Column("Recorded at", "moment"),
    Column("Supplier", "name"),
    Column("Startup", "bool"),
)
TRICKY = 'a,"b"\nc'
ROWS = [
    (TRICKY, -1_500_000, date(2018, 9, 14), datetime(2018, 9, 14, 15, 30, tzinfo=UTC), ("공급사", "Supplier"), True),
    ("=2*3", 0, None, None, ("공급사", ""), False),
]


def table() -> Table:
    return Table("sample", TABLE_COLUMNS, iter(ROWS))


def test_a_csv_file_starts_with_a_bom_and_quotes_as_rfc_4180_says(app):
    with app.test_request_context("/?lang=en"):
        data = b"".join(csv_chunks(table()))
    assert data.startswith(codecs.BOM_UTF8)
    text = data.decode("utf-8-sig")
    assert '"a,""b""\nc"' in text and "\r\n" in text
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["Product", "Amount (KRW)", "Contract date", "Recorded at (Asia/Seoul)", "Supplier", "Startup"]
    assert rows[1] == [TRICKY, "-1500000", "2018-09-14", "2018-09-15 00:30:00", "Supplier", "Yes"]
    assert rows[2] == ["'=2*3", "0", "", "", "공급사", "No"]  # no English name: the Korean one


def test_a_workbook_has_typed_cells_a_frozen_header_and_a_filter(app, tmp_path):
    path = tmp_path / "sample.xlsx"
    with app.test_request_context("/?lang=ko"), path.open("wb") as handle:
        write_xlsx(table(), handle)
    sheet = openpyxl.load_workbook(path).active
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:F3"
    assert [c.value for c in sheet[1]][1] == "금액 (원)"
    amount, day, moment = sheet["B2"], sheet["C2"], sheet["D2"]
    assert amount.value == -1_500_000 and amount.number_format == "#,##0"
    assert day.value == datetime(2018, 9, 14) and day.is_date
    assert moment.value == datetime(2018, 9, 15, 0, 30) and moment.is_date  # Seoul time
    assert sheet["A3"].value == "=2*3" and sheet["A3"].data_type == "s"  # a string, never a formula
    assert sheet["A2"].value == TRICKY
    assert sheet["F2"].value is True and sheet["F3"].value is False  # booleans, worded by the spreadsheet


def test_a_csv_answer_streams_and_a_workbook_answer_sends_its_file(app, today):
    with app.test_request_context("/"):
        streamed = send_table(table(), "csv", today)
        assert streamed.is_streamed and streamed.mimetype == "text/csv"
        b"".join(streamed.response)
        workbook = send_table(table(), "xlsx", today)
        assert workbook.is_streamed
        data = b"".join(workbook.response)
    assert data.startswith(b"PK")  # a zip: the workbook
    assert workbook.headers["Content-Disposition"].endswith(f"sample-{today.isoformat()}.xlsx")
