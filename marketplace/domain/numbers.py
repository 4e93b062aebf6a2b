"""Whole numbers as people type them: ASCII digits with at most one leading minus, of a sane length."""

from __future__ import annotations

MAX_DIGITS = 20  # more than any number we accept has (money stops at 16 digits, ids at 19)
BEYOND = 10**MAX_DIGITS  # what a longer number reads as: outside every range we accept
PAGE_DIGITS = 6  # a page number of at most six digits makes an offset every database takes


def read_whole_number(text: str) -> int | None:
    """'1234' or '-5' -> the number; None when it is not one ('--5', '+-5', '+5', '1.5', '５', '').

    Callers strip thousands separators first and check the range after. A number with more than
    MAX_DIGITS significant digits reads as BEYOND (or -BEYOND), so the caller's range check refuses it
    with its usual message: Python's int() refuses strings of more than 4,300 digits outright.
    """
    negative = text.startswith("-")
    digits = text[1:] if negative else text
    if not digits or not digits.isascii() or not digits.isdigit():
        return None
    significant = digits.lstrip("0")
    value = BEYOND if len(significant) > MAX_DIGITS else int(significant or "0")
    return -value if negative else value


def read_page_number(text: str | None) -> int | None:
    """A page number from an address: '3' -> 3, '0' -> 1; None unless it is 1 to PAGE_DIGITS ASCII digits
    ('-1', '1e3', '٣', '', a 5,000-digit number)."""
    if not text or len(text) > PAGE_DIGITS or not text.isascii() or not text.isdigit():
        return None
    return max(int(text), 1)


def is_whole(value: object, minimum: int) -> bool:
    """An int (not a bool) of at least `minimum`: what a count, an id or an amount given in code must be."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum
