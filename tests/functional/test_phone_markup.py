"""Markup that makes pages work on a phone: the verification answer first, one header landmark with a menu
button, tables in named scrolling regions. The browser test (tests/e2e/test_every_page_fits.py) checks the
rendered result; these check the markup cheaply."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from marketplace.extensions import db
from marketplace.models import User
from marketplace.services import orders, relief_certificates
from tests.builders_orders import OrderBuilders
from tests.builders_reports import ReportBuilders

EN = {"Accept-Language": "en"}
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.fixture
def issued(app, make):
    order = ReportBuilders(make).purchase(buyer=make.user("buyer"))
    return relief_certificates.issue(db.session.get(User, order.buyer_id), order.id, "en")


def main_of(response) -> str:
    html = response.get_data(as_text=True)
    return html[html.index("<main") : html.index("</main>")]


def first_heading_and_what_follows(main: str) -> tuple[str, str]:
    """The text of the first heading in <main> and the text between it and the first fact list."""
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", main, re.S)
    assert h1 is not None and not re.search(r"<h[2-6]|<dl|<form", main[: h1.start()])
    after = main[h1.end() : main.index("<dl")]
    return h1.group(1).strip(), re.sub(r"<[^>]+>", " ", after)


def test_the_verify_page_opens_with_the_answer_valid_and_its_issue_date(client, issued):
    main = main_of(client.get(f"/verify/{issued.serial}", headers=EN))
    heading, then = first_heading_and_what_follows(main)
    assert heading == "This audit-relief certificate is valid."
    assert "Issued on " in then and issued.serial in then


def test_the_verify_page_opens_with_revoked_and_the_date_it_was_revoked(client, issued):
    relief_certificates.revoke_for_order(issued.order, datetime(2018, 11, 2, 1, 30, tzinfo=UTC))
    db.session.commit()
    heading, then = first_heading_and_what_follows(main_of(client.get(f"/verify/{issued.serial}", headers=EN)))
    assert heading == "This audit-relief certificate was revoked."
    assert "Revoked on 2018-11-02 10:30 KST" in then


def test_the_verify_page_opens_with_superseded_and_links_the_new_version(client, make, today):
    ob = OrderBuilders(make)
    buyer, mou, allocation = ob.setup()
    order = ob.order(buyer, allocation, mou)
    first = relief_certificates.issue(buyer, order.id)
    orders.deliver(buyer, order.id, today)
    second = relief_certificates.issue(buyer, order.id)
    main = main_of(client.get(f"/verify/{first.serial}", headers=EN))
    heading, then = first_heading_and_what_follows(main)
    assert heading == "This audit-relief certificate was superseded by a newer version."
    assert "Superseded on" in then and second.serial in then


def test_the_verify_answer_is_korean_in_korean(client, issued):
    heading, _ = first_heading_and_what_follows(main_of(client.get(f"/verify/{issued.serial}?lang=ko")))
    assert heading == "유효한 감사 면책 확인서입니다."


def test_the_skip_link_and_masthead_are_inside_the_header_landmark(client):
    html = client.get("/").get_data(as_text=True)
    body = html[html.index("<body") :]
    assert body.index("<header") < body.index('class="skip-link"') < body.index('id="krds-masthead"')
    assert body.index('id="krds-header"') < body.index("</header>") < body.index("<main")


def test_narrow_screens_get_a_menu_button_with_the_same_links_that_works_without_javascript(client):
    html = client.get("/").get_data(as_text=True)
    header = html[html.index("<header") : html.index("</header>")]
    menu = re.search(r'<details class="app-menu[^"]*">\s*<summary[^>]*>(.*?)</summary>(.*?)</details>', header, re.S)
    assert menu is not None and menu.group(1).strip() == "메뉴"
    wide = re.search(r'<nav class="app-nav app-wide-only".*?</nav>', header, re.S).group(0)
    links = re.compile(r'<li><a href="([^"]+)"')
    assert links.findall(menu.group(2)) == links.findall(wide) != []


def test_every_table_of_a_page_scrolls_inside_a_named_focusable_region():
    for template in TEMPLATES.rglob("*.html"):
        if "reports" in template.parts:
            continue  # PDFs do not scroll
        source = template.read_text(encoding="utf-8")
        tables = source.count("<table")
        regions = len(
            re.findall(r"\{% call scroll_region\(_\(\"[^\"]+\"\)\) %\}|\{% call scroll_region\(label\) %\}", source)
        )
        assert tables == regions, f"{template.relative_to(TEMPLATES)}: {tables} tables, {regions} scroll regions"
    lists = (TEMPLATES / "macros" / "lists.html").read_text(encoding="utf-8")
    assert 'role="region" tabindex="0" aria-label="{{ label }}"' in lists


def test_a_catalogue_filtered_by_a_folded_option_shows_the_options_unfolded(client):
    assert "data-open-wide>" in client.get("/products").get_data(as_text=True)
    assert "data-open-wide open>" in client.get("/products?region=seoul").get_data(as_text=True)
