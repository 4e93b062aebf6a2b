"""The purchase report's figures per track, from plain track facts and order lines (no app, no database)."""

from datetime import date

import pytest

from marketplace.domain.states import TrackKind
from marketplace.reports import summary as s
from marketplace.reports.track_figures import SINGLE_POOL, TrackFacts, TrackRow, kind_order, track_rows
from tests.unit.test_purchase_report_summary import line

TODAY = date(2018, 12, 31)


def facts(kind, round_code="2018-H2", applications=4, selected=2, budget=60_000_000, allocated=40_000_000):
    return TrackFacts(round_code, kind, applications, selected, budget, allocated)


def test_each_kind_of_the_rounds_adds_up_and_orders_count_in_their_track_without_cancellations():
    rows = track_rows(
        [facts("general", budget=90_000_000, allocated=60_000_000), facts("startup"), facts("startup", "2019-H1")],
        [
            line("A", track="startup", amount_krw=10_000_000),
            line("B", track="startup", amount_krw=5_000_000, status="cancelled"),
            line("C", track="general", amount_krw=30_000_000),
        ],
    )
    startup, general = rows
    assert [row.kind for row in rows] == ["startup", "general"]  # TrackKind's order, not the facts'
    assert (startup.applications, startup.selected, startup.budget_krw) == (8, 4, 120_000_000)
    assert (startup.allocated_krw, startup.order_count, startup.ordered_krw) == (80_000_000, 1, 10_000_000)
    assert startup.execution_pct == pytest.approx(12.5)
    assert general.execution_pct == pytest.approx(50.0)


def test_a_round_without_tracks_is_one_single_pool_listed_after_the_tracks():
    rows = track_rows([facts(SINGLE_POOL, "2018-H1"), facts("general")], [line("A", amount_krw=4_000_000)])
    assert [row.kind for row in rows] == ["general", SINGLE_POOL]
    assert rows[-1].single_pool and rows[-1].ordered_krw == 4_000_000 and not rows[0].single_pool


def test_nothing_allocated_is_an_execution_rate_of_zero_not_a_division_error():
    (row,) = track_rows([facts("startup", allocated=0, selected=0)], [])
    assert row.execution_pct == 0.0 and row.follow_on.pct == 0.0


def test_the_follow_on_rate_is_counted_per_track_over_completed_pilots_only():
    accepted = {"status": "inspected", "inspection_result": "accepted"}
    rows = track_rows(
        [facts("startup"), facts("general")],
        [
            line("A", track="startup", product_id=1, follow_ons=1, **accepted),
            line("B", track="startup", product_id=2, **accepted),
            line("C", track="startup", product_id=3),  # placed: not a completed pilot
            line("D", track="general", product_id=4, follow_ons=2, **accepted),
        ],
    )
    startup, general = rows
    assert (startup.follow_on.pilot_products, startup.follow_on.bought_again) == (2, 1)
    assert (general.follow_on.pilot_products, general.follow_on.bought_again) == (1, 1)


def test_every_track_kind_is_listed_in_its_enum_order_and_a_kind_not_known_yet_before_the_single_pool():
    kinds = [SINGLE_POOL, "demand", *reversed([k.value for k in TrackKind])]
    assert sorted(kinds, key=kind_order) == [*(k.value for k in TrackKind), "demand", SINGLE_POOL]
    rows = track_rows([facts(kind) for kind in kinds], [])
    assert [row.kind for row in rows] == [*(k.value for k in TrackKind), "demand", SINGLE_POOL]


def test_the_purchase_report_carries_the_track_rows_and_hashes_them():
    lines = [line("A", track="startup", amount_krw=2_000)]
    report = s.purchase_report(
        s.Scope(None, round_code="2018-H2"), None, None, (TODAY, TODAY), lines, [], TODAY, (), [facts("startup")]
    )
    assert report.tracks == [TrackRow("startup", 4, 2, 60_000_000, 40_000_000, 1, 2_000, report.tracks[0].follow_on)]
    assert report.canonical()["tracks"][0]["ordered_krw"] == 2_000
    assert report.canonical()["lines"][0]["track"] == "startup"


def test_the_reports_page_lists_each_rounds_tracks_with_the_amount_ordered_on_them():
    from marketplace.reports.track_figures import rows_by_round

    found = rows_by_round(
        [facts("general", "2019-H1"), facts("startup", "2019-H1"), facts(SINGLE_POOL, "2018-H2")],
        {("2019-H1", "startup"): 10_000_000, ("2018-H2", SINGLE_POOL): 40_000_000},
    )
    assert [(code, row.kind, row.ordered_krw) for code, row in found] == [
        ("2019-H1", "startup", 10_000_000),
        ("2019-H1", "general", 0),
        ("2018-H2", SINGLE_POOL, 40_000_000),
    ]
    assert found[-1][1].execution_pct == pytest.approx(100.0)
