"""The purchase report's figures per track: loaded from a round with tracks (or without: its single pool), printed
in the PDF in both languages and exported as CSV and Excel for the same choices as the PDF."""

from __future__ import annotations

import pytest

from marketplace.domain.states import TrackKind
from marketplace.extensions import db
from marketplace.models import RoundTrack
from marketplace.reports.track_figures import SINGLE_POOL
from marketplace.services import report_data as data
from marketplace.services import report_documents as documents
from tests.builders_allocations import MILLION, build
from tests.builders_orders import OrderBuilders
from tests.export_reading import csv_rows
from tests.integration.test_reports_purchase import glyphs  # noqa: F401 - the fixture
from tests.pdf_checks import pdf_text


def with_tracks(world) -> None:
    """The published round split 40/60 into a startup and a general track: S1 in the startup track, the
    withdrawn S2 and the waitlisted W in the general one."""
    startup = RoundTrack(kind=TrackKind.STARTUP, share_percent=40, cap_krw=60 * MILLION)
    general = RoundTrack(kind=TrackKind.GENERAL, share_percent=60, cap_krw=60 * MILLION, record_limit_krw=MILLION)
    world.round.tracks.extend([startup, general])
    db.session.flush()
    world.s1.application.track_id = startup.id
    world.s2.application.track_id = general.id
    world.w.track_id = general.id
    db.session.commit()


@pytest.fixture
def tracked(app, make):
    world = build(make)
    with_tracks(world)
    OrderBuilders(make).order(world.buyers["AAA"], world.s1, world.mous["AAA"], quantity=5)
    return world


def figures(rows) -> list[tuple]:
    return [(r.kind, r.applications, r.selected, r.budget_krw, r.allocated_krw, r.ordered_krw) for r in rows]


def test_the_program_report_of_a_round_has_each_tracks_figures(tracked, today):
    report = data.load_purchase_report(data.Scope(None, round_code=tracked.round.code), today)
    assert figures(report.tracks) == [
        ("startup", 1, 1, 60 * MILLION, 50 * MILLION, 5 * MILLION),  # 40% of 100m + 40% of 50m
        ("general", 2, 1, 90 * MILLION, 0, 0),  # S2 was selected, then withdrew with nothing ordered
    ]
    assert report.tracks[0].execution_pct == pytest.approx(10.0)
    assert report.canonical()["tracks"] and [line.track for line in report.lines] == ["startup"]


def test_an_institutions_report_counts_its_own_budget_selections_and_allocations(tracked, today):
    scope = data.Scope(tracked.bbb.id, round_code=tracked.round.code)
    assert figures(data.load_purchase_report(scope, today).tracks) == [
        ("startup", 1, 0, 20 * MILLION, 0, 0),
        ("general", 2, 1, 30 * MILLION, 0, 0),
    ]


def test_a_round_without_tracks_is_reported_as_a_single_pool(app, make, today):
    world = build(make)
    OrderBuilders(make).order(world.buyers["AAA"], world.s1, world.mous["AAA"], quantity=2)
    report = data.load_purchase_report(data.Scope(None, today.replace(day=1), today), today)
    assert figures(report.tracks) == [(SINGLE_POOL, 3, 2, 150 * MILLION, 50 * MILLION, 2 * MILLION)]


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["Startup track", "General track", "Execution rate", "10.0%", "60,000,000", "Follow-on rate"]),
        ("ko", ["창업과제", "일반과제", "과제 예산", "배정액 대비 주문률", "10.0%", "60,000,000원"]),
    ],
)
def test_the_pdf_prints_the_track_rows_in_the_readers_language(tracked, glyphs, language, words):  # noqa: F811
    scope = data.Scope(None, round_code=tracked.round.code, language=language)
    text = " ".join(" ".join(pdf_text(documents.purchase_report(tracked.staff, scope).pdf)).split())
    missing = [word for word in words if word not in text]
    assert missing == [], text[:3000]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_staff_and_the_buyer_export_the_track_rows_for_the_reports_choices(tracked, client, auth, fmt):
    auth.login(tracked.staff)
    url = f"/ministry/reports/purchase-report-tracks.{fmt}"
    query = {"purchase-round": tracked.round.code}
    rows = csv_rows(client.get(url, query_string=query, headers={"Accept-Language": "en"}))
    assert [str(h) for h in rows[0][:3]] == ["Track", "Applications", "Selected"]
    assert [row[0] for row in rows[1:]] == ["Startup track", "General track"]
    assert [int(v) for v in rows[1][1:7]] == [1, 1, 60 * MILLION, 50 * MILLION, 1, 5 * MILLION]
    assert str(rows[1][7]) == "10.0"
    auth.logout()
    auth.login(tracked.buyers["BBB"])
    other = {"purchase-round": tracked.round.code, "purchase-institution": str(tracked.aaa.id)}
    rows = csv_rows(client.get(f"/buyer/reports/purchase-report-tracks.{fmt}", query_string=other))
    assert [int(row[3]) for row in rows[1:]] == [20 * MILLION, 30 * MILLION]  # BBB's shares, never AAA's


def test_a_bad_choice_rerenders_the_reports_page_with_400(tracked, client, auth):
    auth.login(tracked.staff)
    response = client.get(
        "/ministry/reports/purchase-report-tracks.csv",
        query_string={"purchase-round": "NOPE", "purchase-language": "en"},
    )
    assert response.status_code == 400 and "text/html" in response.content_type


@pytest.mark.parametrize(
    ("headers", "words"),
    [
        ({"Accept-Language": "en"}, ["Figures per track", "Startup track", "General track", "10.0%"]),
        ({"Accept-Language": "ko"}, ["과제별 실적", "창업과제", "일반과제", "배정액 대비 주문률"]),
    ],
)
def test_the_ministry_reports_page_shows_each_rounds_tracks(tracked, client, auth, headers, words):
    auth.login(tracked.staff)
    page = client.get("/ministry/reports", headers=headers).get_data(as_text=True)
    section = page[page.index('id="track-figures"') : page.index('id="round-outcomes"')]
    assert [word for word in words if word not in section] == []
    assert "60,000,000" in section and "5,000,000" in section
