"""Catalogue rules without a database: words, bigrams, startup age, query parsing."""

from datetime import date

from marketplace.domain.catalogue import bigrams, parse_catalogue_query, text_bigrams, words
from marketplace.domain.eligibility import is_first_timer, is_startup, startup_founded_after

VOCAB = dict(categories={"electronics", "water"}, regions={"seoul"}, cert_types={"EPC"}, max_page=50)


def test_a_two_syllable_korean_word_is_one_bigram():
    assert bigrams("센서") == {"센서"}
    assert bigrams("온도센서") == {"온도", "도센", "센서"}


def test_bigrams_do_not_cross_word_boundaries_and_ignore_case():
    assert text_bigrams("Smart 센서") == {"sm", "ma", "ar", "rt", "센서"}


def test_words_are_lower_cased_and_deduplicated():
    assert words("Sensor, 센서  sensor!") == ["sensor", "센서"]


def test_a_company_founded_exactly_seven_years_ago_is_still_a_startup():
    today = date(2025, 6, 1)
    assert is_startup(date(2018, 6, 1), today)
    assert not is_startup(date(2018, 5, 31), today)


def test_the_startup_cut_off_handles_29_february():
    assert startup_founded_after(date(2024, 2, 29)) == date(2017, 2, 28)


def test_a_first_timer_has_no_public_supply_contract():
    assert is_first_timer(0) and not is_first_timer(1)


def test_unknown_filter_values_are_ignored_and_the_page_is_clamped():
    args = {
        "q": "  센서   모듈 ",
        "category": "nope",
        "region": "seoul",
        "sort": "evil",
        "page": "9999",
        "startup": "1",
        "cert_type": "EPC",
    }
    query = parse_catalogue_query(args, **VOCAB)
    assert query.q == "센서 모듈" and query.category == "" and query.region == "seoul"
    assert query.sort == "relevance" and query.page == 50 and query.startup and query.cert_type == "EPC"


def test_a_page_that_is_not_a_number_means_the_first_page():
    assert parse_catalogue_query({"page": "abc"}, **VOCAB).page == 1
    assert parse_catalogue_query({"page": "-3"}, **VOCAB).page == 1


def _cert(status, start, end, code="EPC"):
    from marketplace.domain.catalogue import ListingCertificate

    return ListingCertificate(status, date(2024, *start), date(2024, *end), code)


def test_the_listing_window_spans_the_verified_certificates_and_names_their_types():
    from marketplace.domain.catalogue import listing_window

    window = listing_window(
        "listed",
        "approved",
        [
            _cert("verified", (1, 1), (6, 30)),
            _cert("verified", (7, 1), (12, 31), "NEP"),
            _cert("revoked", (1, 1), (12, 31), "GS"),
        ],
    )
    assert (window.listed_from, window.listed_until, window.exact) == (date(2024, 1, 1), date(2024, 12, 31), True)
    assert window.cert_codes == "|EPC|NEP|"


def test_a_gap_between_certificates_makes_the_window_inexact():
    from marketplace.domain.catalogue import listing_window

    window = listing_window(
        "listed", "approved", [_cert("verified", (1, 1), (3, 31)), _cert("verified", (5, 1), (12, 31))]
    )
    assert not window.exact


def test_drafts_unapproved_companies_and_unverified_certificates_have_no_window():
    from marketplace.domain.catalogue import listing_window

    verified = [_cert("verified", (1, 1), (12, 31))]
    assert listing_window("draft", "approved", verified).listed_from is None
    assert listing_window("listed", "pending", verified).listed_from is None
    assert listing_window("listed", "approved", [_cert("pending", (1, 1), (12, 31))]).listed_from is None
