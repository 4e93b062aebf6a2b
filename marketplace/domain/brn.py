"""Korean business registration numbers (사업자등록번호): normalising and the official checksum."""

from .errors import N_, DomainError

_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)


class InvalidBusinessNumber(DomainError):
    """The number is not ten digits or its check digit is wrong."""


def normalise_brn(raw: str) -> str:
    """Return the ten digits of a number typed with or without hyphens or spaces.

    Raises InvalidBusinessNumber when anything but digits, hyphens and spaces is present,
    when there are not exactly ten digits, or when the check digit does not match.
    """
    cleaned = (raw or "").strip().replace("-", "").replace(" ", "")
    if len(cleaned) != 10 or not cleaned.isascii() or not cleaned.isdigit():
        raise InvalidBusinessNumber(N_("A business registration number has 10 digits, e.g. 123-45-67891."))
    if not brn_checksum_ok(cleaned):
        raise InvalidBusinessNumber(N_("This business registration number does not pass the official check."))
    return cleaned


def brn_checksum_ok(digits: str) -> bool:
    """The National Tax Service check: weights 1,3,7,1,3,7,1,3,5 plus (9th digit x 5) // 10."""
    nums = [int(c) for c in digits]
    total = sum(n * w for n, w in zip(nums[:9], _WEIGHTS, strict=True))
    total += (nums[8] * 5) // 10
    return (10 - total % 10) % 10 == nums[9]


def format_brn(digits: str) -> str:
    """123-45-67891 style, for display."""
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}" if len(digits) == 10 else digits
