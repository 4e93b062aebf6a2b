import pytest

from marketplace.domain.brn import InvalidBusinessNumber, brn_checksum_ok, format_brn, normalise_brn
from tests.factories import valid_brn


@pytest.mark.parametrize("raw", ["220-81-62517", "2208162517", " 220 81 62517 ", "124-81-00998"])
def test_real_registration_numbers_pass_with_or_without_hyphens(raw):
    assert len(normalise_brn(raw)) == 10


@pytest.mark.parametrize("raw", ["220-81-62518", "1234567890", "2208162516"])
def test_a_wrong_check_digit_is_refused(raw):
    with pytest.raises(InvalidBusinessNumber, match="official check"):
        normalise_brn(raw)


@pytest.mark.parametrize("raw", ["", "12345", "22081625170", "22O8162517", "220/81/62517", "２２０８１６２５１７"])
def test_anything_but_ten_digits_is_refused_with_a_format_hint(raw):
    with pytest.raises(InvalidBusinessNumber, match="10 digits"):
        normalise_brn(raw)


def test_every_nine_digit_prefix_has_exactly_one_valid_check_digit():
    for prefix in (100000000, 123456789, 999999999, 220816251):
        digits = f"{prefix:09d}"
        assert sum(brn_checksum_ok(digits + str(d)) for d in range(10)) == 1
        assert brn_checksum_ok(valid_brn(prefix))


def test_numbers_are_displayed_with_hyphens():
    assert format_brn("2208162517") == "220-81-62517"


def test_every_example_number_the_pages_give_passes_the_check():
    """An example a person copies must be accepted (123-45-67890 was not)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    texts = [p.read_text(encoding="utf-8") for p in (root / "templates").rglob("*.html")]
    texts += [p.read_text(encoding="utf-8") for p in (root / "marketplace").rglob("*.py")]
    texts += [p.read_text(encoding="utf-8") for p in (root / "marketplace" / "translations").rglob("parts/*.po")]
    examples = {m for text in texts for m in re.findall(r"\b\d{3}-\d{2}-\d{5}\b", text)}
    assert "123-45-67891" in examples
    assert [e for e in examples if not brn_checksum_ok(e.replace("-", ""))] == []
