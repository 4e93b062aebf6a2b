import pytest

from marketplace.domain.money import InvalidAmount, parse_krw
from marketplace.domain.passwords import WeakPassword, check_password_policy


@pytest.mark.parametrize("raw,expected", [("1,234,000", 1234000), ("1234000원", 1234000), (" 5 ", 5), (7, 7)])
def test_amounts_are_parsed_as_whole_won(raw, expected):
    assert parse_krw(raw) == expected


@pytest.mark.parametrize("raw", ["0", "-5", "abc", "1.5", "", "1e9", True, "１２３"])
def test_zero_negative_and_non_numeric_amounts_are_refused(raw):
    with pytest.raises(InvalidAmount):
        parse_krw(raw)


def test_an_absurdly_large_amount_is_refused_with_the_limit_in_the_message():
    with pytest.raises(InvalidAmount, match="at most"):
        parse_krw("9" * 30)


def test_amount_messages_carry_parameters_for_translation():
    with pytest.raises(InvalidAmount) as info:
        parse_krw("0", minimum=1000)
    assert info.value.message == "Enter an amount of %(minimum)s won or more."
    assert str(info.value) == "Enter an amount of 1,000 won or more."


@pytest.mark.parametrize("password", ["short", "1234567890", "password123", "aaaaaaaaaaaa"])
def test_short_common_or_trivial_passwords_are_refused(password):
    with pytest.raises(WeakPassword):
        check_password_policy(password)


def test_a_long_uncommon_passphrase_is_accepted():
    check_password_policy("purple-river-stone-42")
