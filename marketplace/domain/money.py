"""Whole-won amounts: parsing what people type, and plain formatting."""

from .errors import N_, DomainError
from .numbers import read_whole_number

MAX_KRW = 10**15  # a thousand trillion won: far above any real quota, far below BigInteger's limit


class InvalidAmount(DomainError):
    """The amount is not a whole number of won in the accepted range."""


def parse_krw(raw: str | int, *, minimum: int = 1, maximum: int = MAX_KRW) -> int:
    """Parse '1,234,000', '1234000원' or an int into whole won within [minimum, maximum].

    Raises InvalidAmount with a message a person understands.
    """
    if isinstance(raw, bool):
        raise InvalidAmount(N_("Enter an amount in whole won."))
    if isinstance(raw, int):
        value = raw
    else:
        text = str(raw or "").strip().replace(",", "").replace("원", "").replace("KRW", "").strip()
        number = read_whole_number(text)
        if number is None:
            raise InvalidAmount(N_("Enter an amount in whole won, using digits only."))
        value = number
    if value < minimum:
        raise InvalidAmount(N_("Enter an amount of %(minimum)s won or more."), minimum=f"{minimum:,}")
    if value > maximum:
        raise InvalidAmount(N_("Enter an amount of at most %(maximum)s won."), maximum=f"{maximum:,}")
    return value
