"""Order lists as CSV and Excel: what the pages show, to the won, in both languages, only to whom the page shows."""

from __future__ import annotations

from datetime import datetime

import pytest

from marketplace.services import orders as order_service
from tests.builders_orders import OrderBuilders
from tests.export_reading import csv_rows, headings, table_rows, won, xlsx_rows

QUANTITIES = [1, 3, 2]


class Orders:
    """Two institutions' buyers: A with three orders (one cancelled), B with one."""

    def __init__(self, make):
        builders = OrderBuilders(make)
        self.buyer, mou, allocation = builders.setup()
        self.numbers = [builders.order(self.buyer, allocation, mou, quantity=q).number for q in QUANTITIES]
        first = order_service.orders_for_institution(self.buyer.institution_id)[-1]
        order_service.cancel(self.buyer, first.id, "시험 취소")
        self.other, other_mou, other_allocation = builders.setup()
        self.other_number = builders.order(self.other, other_allocation, other_mou, quantity=4).number
        self.staff = make.user("ministry")


@pytest.fixture
def world(app, make):
    app.config["LIST_PAGE_SIZE"] = 2
    return Orders(make)


def page_rows(client, url: str) -> list[list[str]]:
    rows, number = [], 1
    while True:
        page = client.get(f"{url}{'&' if '?' in url else '?'}page={number}").get_data(as_text=True)
        rows += table_rows(page)
        if 'rel="next"' not in page:
            return rows
        number += 1


def plain(heading: str) -> str:
    """An export heading without the unit or zone it states."""
    return heading.split(" (")[0]


@pytest.mark.parametrize("language", ["ko", "en"])
def test_a_buyers_order_files_show_what_the_order_pages_show_to_the_won(client, auth, world, language):
    auth.login(world.buyer, language=language)
    page = client.get("/buyer/orders").get_data(as_text=True)
    shown = page_rows(client, "/buyer/orders")
    assert len(shown) == len(QUANTITIES)
    for fmt, read in (("csv", csv_rows), ("xlsx", xlsx_rows)):
        rows = read(client.get(f"/buyer/orders/export.{fmt}"))
        titles = [plain(h) for h in rows[0]]
        assert set(headings(page)) <= set(titles), fmt
        for row, seen in zip(rows[1:], shown, strict=True):
            cell = dict(zip(titles, row, strict=True))
            number, contract, recorded, product, supplier, quantity, amount, status = seen
            assert cell[titles[0]] == number
            assert str(cell[titles[1]])[:10] == contract
            at = cell[titles[2]]
            assert (at.strftime("%Y-%m-%d %H:%M") if isinstance(at, datetime) else at[:16]) == recorded[:16]
            assert (cell[titles[4]], cell[titles[5]]) == (product, supplier)
            assert int(cell[titles[6]]) == int(quantity)
            assert int(cell[titles[8]]) == won(amount)
            assert status.startswith(str(cell[titles[9]]))


def test_a_workbook_keeps_money_as_whole_won_and_dates_as_dates(client, auth, world):
    auth.login(world.buyer, language="en")
    rows = xlsx_rows(client.get("/buyer/orders/export.xlsx"))
    assert rows[0][2] == "Recorded at (Asia/Seoul)" and rows[0][8] == "Amount (KRW)"
    assert all(isinstance(r[8], int) and isinstance(r[1], datetime) and isinstance(r[2], datetime) for r in rows[1:])
    assert sorted(r[8] for r in rows[1:]) == sorted(q * 1_000_000 for q in QUANTITIES)


def test_a_buyer_gets_only_their_own_institutions_orders(client, auth, world):
    auth.login(world.other)
    numbers = [r[0] for r in csv_rows(client.get("/buyer/orders/export.csv"))[1:]]
    assert numbers == [world.other_number]
    assert client.get("/ministry/orders/export.csv").status_code == 403


def test_the_status_filter_of_the_page_carries_into_its_files(client, auth, world):
    auth.login(world.buyer)
    page = client.get("/buyer/orders?status=cancelled").get_data(as_text=True)
    assert 'href="/buyer/orders/export.csv?status=cancelled"' in page
    rows = csv_rows(client.get("/buyer/orders/export.csv?status=cancelled"))
    assert [r[0] for r in rows[1:]] == [world.numbers[0]]
    assert client.get("/buyer/orders/export.csv?status=lost").status_code == 400


def test_the_ministry_gets_every_order_or_one_institutions(client, auth, world):
    auth.login(world.staff)
    every = {r[0] for r in csv_rows(client.get("/ministry/orders/export.csv"))[1:]}
    assert every == {*world.numbers, world.other_number}
    one = csv_rows(client.get(f"/ministry/orders/export.xlsx?institution={world.other.institution_id}"))[1:]
    assert [r[0] for r in one] == [world.other_number]
    page = client.get(f"/ministry/institutions/{world.buyer.institution_id}").get_data(as_text=True)
    assert f"/ministry/orders/export.csv?institution={world.buyer.institution_id}" in page


@pytest.mark.parametrize("query", ["institution=abc", "institution=-1", "institution=0", "status=lost", "status=%00"])
def test_a_bad_order_filter_is_refused_with_400(client, auth, make, query):
    auth.login(make.user("ministry"))
    assert client.get(f"/ministry/orders/export.csv?{query}").status_code == 400


def test_an_unknown_institution_has_no_orders_to_export(client, auth, make):
    auth.login(make.user("ministry"))
    assert client.get("/ministry/orders/export.csv?institution=999999").status_code == 404
