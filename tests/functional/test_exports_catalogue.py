"""The catalogue's CSV and Excel files hold every result of the search, on all its pages, as the pages show them."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

import pytest

from marketplace.services import catalogue, tables
from tests.builders_catalogue import searchable_product
from tests.export_reading import csv_rows, texts, won, workbook_sheet, xlsx_rows

WORD = "내보내기"
PRICES = [3_300_000, 1_234_567, 9_999_999, 500_000, 7_000_001]
CARD = (
    r'<h[23]><a href="/products/\d+">(.*?)</a></h[23]>\s*<p class="app-muted"><a [^>]*>(.*?)</a></p>\s*'
    r'<p class="app-price">(.*?) <span'
)


@pytest.fixture
def products(app, make):
    """Five listed products found by WORD, two of them by their description only (relevance ranks them last)."""
    app.config["CATALOGUE_PAGE_SIZE"] = 2
    company = make.company(name_ko="시험 공급사", name_en="Trial Supplier")
    certificate = make.certificate(company)
    made = []
    for i, price in enumerate(PRICES):
        in_name = i < 3
        made.append(
            searchable_product(
                make,
                company,
                name_ko=f"{WORD} 제품 {i}" if in_name else f"다른 제품 {i}",
                name_en=f"Export product {i}" if in_name else f"Other product {i}",
                description=f"{WORD} 설명",
                unit_price_krw=price,
                certificates=[certificate],
            )
        )
    searchable_product(make, company, name_ko="찾지 않는 제품", description="무관")
    return made


def page_cards(client, query: str) -> list[tuple[str, str, int]]:
    """(product, supplier, price) of every card on every page of the search, following the pager."""
    cards, number = [], 1
    while True:
        page = client.get(f"/products?{query}&page={number}").get_data(as_text=True)
        cards += [(name, supplier, won(price)) for name, supplier, price in texts(CARD, page)]
        if 'rel="next"' not in page:
            return cards
        number += 1


def export_cards(rows) -> list[tuple[str, str, int]]:
    return [(str(r[1]), str(r[2]), int(r[3])) for r in rows[1:]]


@pytest.mark.parametrize(
    "sort,language", [("relevance", "ko"), ("relevance", "en"), ("price_desc", "en"), ("name", "ko"), ("newest", "en")]
)
def test_the_catalogue_files_hold_every_page_of_the_search_in_its_order(client, products, monkeypatch, sort, language):
    monkeypatch.setattr(tables, "BATCH", 2)  # several batches, crossing the pages
    client.get(f"/?lang={language}")
    query = f"q={quote(WORD)}&sort={sort}"
    shown = page_cards(client, query)
    assert len(shown) == len(PRICES)
    for fmt, read in (("csv", csv_rows), ("xlsx", xlsx_rows)):
        rows = read(client.get(f"/products/export.{fmt}?{query}&page=2"))
        assert export_cards(rows) == shown, fmt


def test_the_catalogue_file_goes_beyond_the_last_page_the_catalogue_offers(client, products, monkeypatch):
    monkeypatch.setattr(catalogue, "COUNT_LIMIT", 4)  # the pages stop after four results
    query = f"q={quote(WORD)}&sort=price_desc"
    assert len(page_cards(client, query)) == 4
    rows = csv_rows(client.get(f"/products/export.csv?{query}"))
    assert [int(r[3]) for r in rows[1:]] == sorted(PRICES, reverse=True)


def test_the_catalogue_headings_follow_the_language_and_state_the_unit(client, products):
    client.get("/?lang=ko")
    assert csv_rows(client.get("/products/export.csv"))[0][:4] == ["제품 ID", "제품", "공급기업", "단가 (원)"]
    client.get("/?lang=en")
    rows = xlsx_rows(client.get("/products/export.xlsx"))
    assert rows[0][:4] == ["Product ID", "Product", "Supplier", "Unit price (KRW)"]


def test_a_catalogue_workbook_has_numbers_a_frozen_header_and_a_filter(client, products):
    sheet = workbook_sheet(client.get(f"/products/export.xlsx?q={quote(WORD)}&sort=price_asc"))
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:H6"
    price = sheet["D2"]
    assert price.value == min(PRICES) and isinstance(price.value, int) and price.number_format == "#,##0"
    assert sheet["G2"].value in (True, False)  # startup: a boolean, worded by the spreadsheet


def test_the_catalogue_links_carry_the_search_but_not_the_page(client, products):
    page = client.get(f"/products?q={quote(WORD)}&category=electronics&page=2").get_data(as_text=True)
    links = texts(r'href="(/products/export\.(?:csv|xlsx)[^"]*)"', page)
    assert len(links) == 2
    for link in links:
        assert "q=" in link and "category=electronics" in link and "page=" not in link


@pytest.mark.parametrize(
    "query", ["category=nothing", "sort=cheapest", "region=mars", "startup=perhaps", "cert_type=XYZ"]
)
def test_a_filter_value_the_catalogue_does_not_offer_is_refused_with_400(client, query):
    response = client.get(f"/products/export.csv?{query}")
    assert response.status_code == 400
    assert "필터" in response.get_data(as_text=True)


def test_another_format_is_not_an_address(client):
    assert client.get("/products/export.pdf").status_code == 404


def test_the_file_is_named_by_the_list_and_the_day_and_kept_by_no_cache(client, products, today: date):
    response = client.get("/products/export.csv")
    assert response.headers["Content-Disposition"].startswith(
        f'attachment; filename="catalogue-{today.isoformat()}.csv"'
    )
    assert response.headers["Cache-Control"] == "private, no-store"
