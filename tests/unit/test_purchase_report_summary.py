"""The purchase report's figures, computed from plain lines and ledgers without an app or a database."""

import ast
from datetime import date, timedelta
from pathlib import Path

import pytest

from marketplace.domain.quota import Entry, UsagePoint
from marketplace.reports import summary as s

TODAY = date(2018, 12, 31)
REPORTS = Path(__file__).resolve().parents[2] / "marketplace" / "reports"
PURE = ("summary.py", "track_figures.py")  # the purchase report's figures; summary.py uses track_figures.py


def line(number="PO-2018-000001", **changes) -> s.Line:
    values = dict(
        number=number,
        ordered_on=date(2018, 10, 1),
        institution_code="WATER",
        supplier_ko="가나",
        supplier_en="Gana",
        product_ko="센서",
        product_en="Sensor",
        certificate_type="NEP",
        certificate_number="NEP-1",
        certificate_expires_on=date(2020, 1, 1),
        quantity=1,
        unit_price_krw=1_000,
        amount_krw=1_000,
        status="placed",
        evaluation=None,
        startup=False,
        first_timer=False,
    )
    return s.Line(**(values | changes))


def ledger(mou_id=1, number="MOU-1", institution_id=10, ko="수자원", en="Water", entries=()) -> s.MouLedger:
    return s.MouLedger(mou_id, number, institution_id, ko, en, tuple(entries))


@pytest.mark.parametrize("module", PURE)
def test_the_summary_modules_read_no_database_only_the_standard_library_and_the_domain(module):
    imported = []
    for node in ast.parse((REPORTS / module).read_text(encoding="utf-8")).body:
        if isinstance(node, ast.If):  # the TYPE_CHECKING block: annotations only
            continue
        if isinstance(node, ast.Import):
            imported += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            imported.append("." * node.level + (node.module or ""))
    pure_siblings = {"." + name.removesuffix(".py") for name in PURE}
    assert all(name.startswith("..domain") or name in pure_siblings or not name.startswith(".") for name in imported), (
        imported
    )
    assert not {"flask", "sqlalchemy", "weasyprint"} & {name.split(".")[0] for name in imported}


def test_cancelled_orders_are_listed_but_left_out_of_the_live_lines():
    placed, cancelled = line("A"), line("B", status="cancelled")
    assert s.live_lines([placed, cancelled]) == [placed]
    assert s.cancelled_lines([placed, cancelled]) == [cancelled]


def test_a_tier_share_counts_its_lines_and_amount_as_percentages_of_all_lines():
    lines = [line("A", amount_krw=3_000, startup=True), line("B", amount_krw=1_000), line("C", amount_krw=0)]
    assert s.share(lines, lambda each: each.startup) == s.Share(
        count=1, amount_krw=3_000, count_pct=100.0 / 3, amount_pct=75.0
    )


def test_a_share_of_no_lines_or_of_no_money_is_zero_percent_not_a_division_error():
    assert s.share([], lambda each: True) == s.Share(0, 0, 0.0, 0.0)
    assert s.share([line(amount_krw=0)], lambda each: True) == s.Share(1, 0, 100.0, 0.0)


def test_a_certificate_expiring_within_ninety_days_both_ends_included_is_flagged():
    days = {-1: "yesterday", 0: "today", s.EXPIRY_WARNING_DAYS: "last", s.EXPIRY_WARNING_DAYS + 1: "too far"}
    lines = [line(name, certificate_expires_on=TODAY + timedelta(days=n)) for n, name in days.items()]
    assert [each.number for each in s.expiring_lines(lines, TODAY)] == ["today", "last"]


def test_late_registrations_are_listed_even_when_cancelled_and_unevaluated_orders_are_picked_out():
    lines = [line("A", late_reason="paper form"), line("B", status="cancelled", late_reason="lost"), line("C")]
    lines[2].evaluation = 4
    assert [each.number for each in s.late_lines(lines)] == ["A", "B"]
    assert [each.number for each in s.not_evaluated_lines(lines)] == ["A", "B"]


def test_suppliers_are_counted_once_by_their_korean_and_english_names():
    lines = [line("A"), line("B"), line("C", supplier_en="Gana Ltd")]
    assert s.supplier_count(lines) == 2


def test_a_date_range_report_covers_its_range():
    scope = s.Scope(None, date(2018, 1, 1), date(2018, 6, 30))
    assert s.report_period(scope, None, [line(ordered_on=date(2018, 7, 1))], TODAY) == (
        date(2018, 1, 1),
        date(2018, 6, 30),
    )


def test_a_round_report_runs_from_its_opening_to_today_or_to_a_later_contract_date():
    scope = s.Scope(None, round_code="2018-H2")
    opened = date(2018, 7, 1)
    assert s.report_period(scope, opened, [], TODAY) == (opened, TODAY)
    assert s.report_period(scope, opened, [line(ordered_on=date(2019, 1, 3))], TODAY) == (opened, date(2019, 1, 3))


def test_an_institution_report_has_one_bar_per_mou_labelled_with_its_number():
    ledgers = [
        ledger(1, "MOU-1", entries=[Entry("commit", 100), Entry("charge", -30)]),
        ledger(2, "MOU-2", entries=[Entry("commit", 50), Entry("charge", -10), Entry("release", 10)]),
    ]
    assert s.quota_bars(ledgers, per_mou=True) == [
        s.QuotaBar("MOU-1", "MOU-1", 100, 30),
        s.QuotaBar("MOU-2", "MOU-2", 50, 0),
    ]


def test_the_program_report_sums_each_institutions_mous_into_one_bar_with_the_korean_name_as_fallback():
    ledgers = [
        ledger(1, "MOU-1", 10, entries=[Entry("commit", 100), Entry("charge", -30)]),
        ledger(2, "MOU-2", 10, entries=[Entry("commit", 50), Entry("amendment", -20)]),
        ledger(3, "MOU-3", 20, "전력", "", entries=[Entry("commit", 70)]),
    ]
    bars = s.quota_bars(ledgers, per_mou=False)
    assert bars == [s.QuotaBar("수자원", "Water", 130, 30), s.QuotaBar("전력", "전력", 70, 0)]
    assert [bar.remaining_krw for bar in bars] == [100, 70]


def test_the_usage_series_runs_over_every_entry_of_every_ledger_from_the_first_day_quota_was_used():
    ledgers = [
        ledger(1, entries=[Entry("commit", 100, date(2018, 1, 2))]),
        ledger(2, entries=[Entry("commit", 50, date(2018, 1, 1)), Entry("charge", -20, date(2018, 1, 2))]),
        ledger(3, entries=[Entry("commit", 5, date(2018, 1, 3)), Entry("charge", -1, date(2018, 1, 4))]),
    ]
    assert s.usage_series(ledgers) == [
        UsagePoint("2018-01-02", 150, 20),
        UsagePoint("2018-01-03", 155, 20),
        UsagePoint("2018-01-04", 155, 21),
    ]


def test_an_mou_signed_years_before_its_first_order_does_not_stretch_the_chart_over_those_years():
    ledgers = [ledger(1, entries=[Entry("commit", 10**9, date(2018, 3, 2)), Entry("charge", -5, date(2026, 10, 2))])]
    assert s.usage_series(ledgers) == [UsagePoint("2026-10-02", 10**9, 5)]


def test_without_any_use_the_usage_series_shows_the_commitments():
    ledgers = [ledger(1, entries=[Entry("commit", 100, date(2018, 1, 2))])]
    assert s.usage_series(ledgers) == [UsagePoint("2018-01-02", 100, 0)]


def test_a_purchase_report_adds_up_live_orders_and_the_ledgers_of_its_scope():
    lines = [
        line("A", amount_krw=4_000, startup=True, evaluation=5),
        line("B", amount_krw=1_000, first_timer=True, supplier_en="Dara", supplier_ko="다라"),
        line("C", amount_krw=9_000, status="cancelled", startup=True),
    ]
    ledgers = [ledger(entries=[Entry("commit", 10_000), Entry("charge", -14_000), Entry("release", 9_000)])]
    scope = s.Scope(10, date(2018, 1, 1), TODAY)
    report = s.purchase_report(scope, None, None, (date(2018, 1, 1), TODAY), lines, ledgers, TODAY)
    assert (report.committed_krw, report.charged_krw, report.remaining_krw) == (10_000, 5_000, 5_000)
    assert report.utilisation_pct == 50.0
    assert (report.order_count, report.ordered_krw, report.supplier_count) == (2, 5_000, 2)
    assert report.startups == s.Share(1, 4_000, 50.0, 80.0)
    assert report.first_timers == s.Share(1, 1_000, 50.0, 20.0)
    assert [each.number for each in report.cancellations] == ["C"]
    assert [each.number for each in report.not_evaluated] == ["B"]
    assert report.mou_numbers == ["MOU-1"]
    assert report.canonical()["quota"] == [10_000, 5_000, 5_000]
    assert report.canonical()["period"] == ["2018-01-01", "2018-12-31"]
    assert report.canonical()["bars"] == [
        {"label_ko": "MOU-1", "label_en": "MOU-1", "committed_krw": 10_000, "charged_krw": 5_000}
    ]


def test_a_report_without_quota_has_no_utilisation_rather_than_a_division_error():
    report = s.purchase_report(s.Scope(None, TODAY, TODAY), None, None, (TODAY, TODAY), [], [], TODAY)
    assert (report.committed_krw, report.utilisation_pct, report.bars, report.series) == (0, 0.0, [], [])


@pytest.mark.parametrize(
    "scope,message",
    [
        (s.Scope(None), "Choose a round"),
        (s.Scope(None, date(2018, 2, 1), date(2018, 1, 1)), "before the start date"),
        (s.Scope(None, date(2015, 1, 1), date(2018, 12, 31)), "at most three years"),
    ],
)
def test_a_scope_without_dates_inverted_or_too_long_is_refused(scope, message):
    with pytest.raises(s.ReportRefused, match=message):
        s.check_scope(scope)


def test_a_round_scope_needs_no_dates():
    s.check_scope(s.Scope(None, round_code="2018-H2"))
