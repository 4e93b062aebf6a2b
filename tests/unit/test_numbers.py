"""Whole numbers as typed: one minus at most, ASCII digits, and a length int() can always take."""

import pytest

from marketplace.domain.money import InvalidAmount, parse_krw
from marketplace.domain.numbers import BEYOND, read_whole_number


@pytest.mark.parametrize(
    "text,value",
    [
        ("0", 0),
        ("1234", 1234),
        ("-5", -5),
        ("007", 7),
        ("0" * 5000 + "5", 5),
        ("9" * 5000, BEYOND),
        ("-" + "9" * 5000, -BEYOND),
    ],
)
def test_whole_numbers_are_read(text, value):
    assert read_whole_number(text) == value


@pytest.mark.parametrize("text", ["", "-", "--5", "+-5", "-+5", "+5", "1.5", "1e3", "1_000", "５", "٥", " 5", "5 "])
def test_anything_else_is_not_a_whole_number(text):
    assert read_whole_number(text) is None


@pytest.mark.parametrize(
    "text,message",
    [("9" * 5000, "at most"), ("-" + "9" * 5000, "or more"), ("--5", "digits only"), ("1" * 4301, "at most")],
)
def test_parse_krw_refuses_malformed_and_huge_amounts_with_a_message(text, message):
    with pytest.raises(InvalidAmount) as refused:
        parse_krw(text)
    assert message in str(refused.value)
