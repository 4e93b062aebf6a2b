"""Whole numbers as people type them: ASCII digits with at most one leading minus, of a sane length."""

from __future__ import annotations

MAX_DIGITS = 20  # more than any number we accept has (money stops at 16 digits, ids at 19)
BEYOND = 10**MAX_DIGITS  # what a longer number reads as: outside every range we accept


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


def is_whole(value: object, minimum: int) -> bool:
    """An int (not a bool) of at least `minimum`: what a count, an id or an amount given in code must be."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum
