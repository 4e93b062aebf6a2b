"""The pager's arithmetic: which page numbers it offers, and which page a URL's ?page= means."""

from __future__ import annotations

import pytest

from marketplace.domain.numbers import read_page_number
from marketplace.services.pages import Page


def page(number: int, total: int | None, per_page: int = 10, has_next: bool | None = None) -> Page:
    shown = 0 if total is None else max(0, min(per_page, total - (number - 1) * per_page))
    more = (number * per_page < total) if has_next is None and total is not None else bool(has_next)
    return Page(list(range(shown)), number, per_page, total, has_next=more)


@pytest.mark.parametrize(
    ("number", "total", "numbers"),
    [
        (1, 0, [1]),
        (1, 10, [1]),
        (1, 30, [1, 2, 3]),
        (1, 200, [1, 2, 3, None, 20]),
        (10, 200, [1, None, 8, 9, 10, 11, 12, None, 20]),
        (4, 200, [1, 2, 3, 4, 5, 6, None, 20]),
        (20, 200, [1, None, 18, 19, 20]),
    ],
)
def test_the_pager_offers_the_first_and_last_pages_and_two_on_each_side(number, total, numbers):
    assert page(number, total).numbers() == numbers


def test_an_uncounted_list_offers_the_pages_seen_and_the_next_one():
    assert page(5, None, has_next=True).numbers() == [1, None, 3, 4, 5, 6]
    assert page(2, None, has_next=False).numbers() == [1, 2]
    assert page(5, None, has_next=True).pages is None


def test_a_page_knows_its_rows_place_in_the_list():
    third = page(3, 25)
    assert (third.first_number, third.last_number, third.pages) == (21, 25, 3)
    assert third.has_prev and not third.has_next
    assert Page.empty(20).pages == 1 and not Page.empty(20).has_prev


@pytest.mark.parametrize(
    ("text", "number"),
    [("1", 1), ("0", 1), ("000", 1), ("42", 42), ("999999", 999_999), ("1000000", None), ("9" * 5000, None)]
    + [(bad, None) for bad in (None, "", "-1", "+1", " 1", "1e3", "1.0", "1_0", "٣", "３", "abc")],
)
def test_a_page_number_is_one_to_six_ascii_digits(text, number):
    assert read_page_number(text) == number
