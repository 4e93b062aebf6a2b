"""The certificate's rules, without a database: versions, verification codes, the commitment on a day."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from marketplace.domain.relief import (
    CODE_ALPHABET,
    CertificateRefused,
    LedgerLine,
    check_issuable,
    code_matches,
    commitment_on,
    may_issue,
    new_code,
    normalize_code,
    versioned_serial,
)

DAY_ENDS = datetime(2018, 10, 5, 15, 0, tzinfo=UTC)  # midnight after 2018-10-05 in Seoul


def test_a_code_is_twelve_unambiguous_symbols_in_three_groups():
    code = new_code(random.Random(7).choice)
    groups = code.split("-")
    assert [len(g) for g in groups] == [4, 4, 4]
    assert set("".join(groups)) <= set(CODE_ALPHABET)
    assert not set("01IO") & set(CODE_ALPHABET)


def test_a_code_matches_whatever_its_case_spaces_and_dashes():
    assert code_matches("K7QM-2XHD-9RTB", "k7qm 2xhd 9rtb")
    assert code_matches("K7QM-2XHD-9RTB", "K7QM2XHD9RTB")
    assert not code_matches("K7QM-2XHD-9RTB", "K7QM-2XHD-9RTC")
    assert not code_matches("K7QM-2XHD-9RTB", "")
    assert not code_matches("K7QM-2XHD-9RTB", None)


def test_what_no_one_types_for_a_code_reads_as_nothing():
    assert normalize_code("K7QM-2XHD-9RTB" * 10) == ""
    assert normalize_code("２２２２-ＡＡＡＡ") == ""  # full-width digits and letters are not the code's symbols


def test_later_versions_add_their_number_to_the_serial():
    assert versioned_serial("PP-2018-000123", 1) == "PP-2018-000123"
    assert versioned_serial("PP-2018-000123", 3) == "PP-2018-000123-3"


@pytest.mark.parametrize(
    ("status", "declared", "attested", "allowed"),
    [
        ("placed", True, None, True),
        ("placed", True, "placed", False),
        ("delivered", True, "placed", True),
        ("evaluated", True, "inspected", True),
        ("cancelled", True, None, False),
        ("cancelled", True, "delivered", False),
        ("placed", False, None, False),
    ],
)
def test_a_version_is_issued_once_per_state_of_the_order(status, declared, attested, allowed):
    assert may_issue(status, declared, attested) is allowed
    if not allowed:
        with pytest.raises(CertificateRefused):
            check_issuable(status, declared, attested)


def line(kind, amount, hour_utc, seq, day=5):
    return LedgerLine(kind, amount, datetime(2018, 10, day, hour_utc, 0, tzinfo=UTC), seq)


def test_the_commitment_counts_amendments_recorded_by_the_end_of_the_contract_day_in_seoul():
    lines = [line("commit", 100, 0, 1, day=1), line("amendment", 20, 14, 2), line("amendment", 50, 15, 3)]
    assert commitment_on(lines, DAY_ENDS, order_seq=None) == 120


def test_the_commitment_never_counts_an_amendment_recorded_after_the_order():
    lines = [line("commit", 100, 0, 1, day=1), line("amendment", 20, 3, 2), line("amendment", -30, 9, 5)]
    assert commitment_on(lines, DAY_ENDS, order_seq=4) == 120


def test_the_signed_commitment_counts_whenever_it_was_recorded():
    assert commitment_on([line("commit", 100, 0, 9, day=20)], DAY_ENDS, order_seq=4) == 100
