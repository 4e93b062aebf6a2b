"""The reports page's round outcomes and their CSV/Excel files: the same rows, to the won, in both languages."""

from __future__ import annotations

import pytest

from tests.builders_allocations import build
from tests.builders_outcomes import FOLLOW_ON_KRW, build_outcomes
from tests.export_reading import csv_rows, headings, table_rows, won, xlsx_rows

URL = "/ministry/reports/round-outcomes"


@pytest.fixture
def done(app, make):
    return build_outcomes(make)


def section(page: str) -> str:
    return page[page.index('id="round-outcomes"') :]


def plain(heading: str) -> str:
    return heading.split(" (")[0]


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_files_show_what_the_reports_page_shows(client, auth, done, make, language):
    auth.login(done.world.staff, language=language)
    page = section(client.get("/ministry/reports").get_data(as_text=True))
    shown, titles_shown = table_rows(page), headings(page)
    assert f'href="{URL}.csv"' in page and f'href="{URL}.xlsx"' in page
    ((code, title, digest, filed, upheld, remedied, dismissed, count, amount, opened, resolved),) = shown
    round_ = done.world.round
    assert (code, digest) == (round_.code, done.digest)
    assert title == (round_.title_en if language == "en" and round_.title_en else round_.title_ko)
    assert [filed, upheld, remedied, dismissed, count, opened, resolved] == ["0", "0", "1", "0", "1", "1", "0"]
    assert won(amount) == FOLLOW_ON_KRW
    for fmt, read in (("csv", csv_rows), ("xlsx", xlsx_rows)):
        rows = read(client.get(f"{URL}.{fmt}"))
        assert [plain(h) for h in rows[0]] == titles_shown, fmt
        (row,) = rows[1:]
        assert [str(cell) for cell in row[:3]] == [code, title, digest], fmt
        assert [int(cell) for cell in row[3:]] == [0, 0, 1, 0, 1, FOLLOW_ON_KRW, 1, 0], fmt


def test_a_round_without_a_committee_shows_a_dash_and_an_empty_cell(client, auth, make):
    world = build(make)
    auth.login(world.staff, language="en")
    ((_code, _title, digest, *_rest),) = table_rows(section(client.get("/ministry/reports").get_data(as_text=True)))
    assert digest == "-"
    (row,) = csv_rows(client.get(f"{URL}.csv"))[1:]
    assert row[2] == ""


def test_only_the_ministry_gets_the_file(client, auth, make):
    auth.login(make.user("buyer"))
    assert client.get(f"{URL}.csv").status_code == 403
