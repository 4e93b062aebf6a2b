"""Reading exports back in tests: a CSV with the csv module, a workbook with openpyxl, a list page's rows."""

from __future__ import annotations

import codecs
import csv
import html
import io
import re

import openpyxl

BOM = codecs.BOM_UTF8


def csv_rows(response) -> list[list]:
    """The CSV's rows, headings first; the file must start with a UTF-8 byte-order mark.

    A workbook response is read as a workbook instead, so a test can loop over both formats."""
    assert response.status_code == 200, response.status_code
    if response.mimetype.endswith("spreadsheetml.sheet"):
        return xlsx_rows(response)
    assert response.mimetype == "text/csv"
    data = response.get_data()
    assert data.startswith(BOM)
    return list(csv.reader(io.StringIO(data[len(BOM) :].decode("utf-8"), newline="")))


def workbook_sheet(response):
    """The workbook's only worksheet."""
    assert response.status_code == 200, response.status_code
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return openpyxl.load_workbook(io.BytesIO(response.get_data())).active


def xlsx_rows(response) -> list[list]:
    return [list(row) for row in workbook_sheet(response).iter_rows(values_only=True)]


def won(text: str) -> int:
    """'1,500,000원', 'KRW 1,500,000' or '-500,000원' as an int."""
    figure = re.sub(r"[^\d-]", "", html.unescape(text))
    return int(figure)


def texts(pattern: str, page: str) -> list:
    """Every match of `pattern` in the page, unescaped (tuples for several groups)."""
    found = re.findall(pattern, page, re.S)
    return [
        tuple(html.unescape(g).strip() for g in m) if isinstance(m, tuple) else html.unescape(m).strip() for m in found
    ]


def table_rows(page: str) -> list[list[str]]:
    """The cells of every body row of the page's first table, as plain text."""
    body = re.search(r"<tbody>(.*?)</tbody>", page, re.S).group(1)
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        rows.append([" ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in cells])
    return rows


def headings(page: str) -> list[str]:
    head = re.search(r"<thead>(.*?)</thead>", page, re.S).group(1)
    return [html.unescape(re.sub(r"<[^>]+>", "", h)).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)]
