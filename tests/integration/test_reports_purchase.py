"""Purchase reports and relief registers: figures to the won, Korean text and font, pages, limits, files."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import quote

import pytest

from marketplace.services import relief_certificates
from marketplace.services import report_data as data
from tests import clock
from tests.builders_reports import ReportBuilders
from tests.pdf_checks import pdf_fonts, pdf_text, watch_weasyprint


@pytest.fixture
def glyphs(app):
    app.config["REPORTS_RENDER_IN_PROCESS"] = True
    logger, handler = watch_weasyprint()
    yield handler
    logger.removeHandler(handler)
    assert handler.missing_glyphs() == [], handler.messages


@pytest.fixture
def program(app, make):
    """Two institutions: one startup purchase, one first-timer purchase, one cancelled."""
    b = ReportBuilders(make)
    water = make.institution(code="KWATER", name_ko="한국수자원공사", name_en="K-water")
    rail = make.institution(code="KORAIL", name_ko="한국철도공사", name_en="Korail")
    buyer_w = make.user("buyer", institution=water, name="김구매")
    buyer_r = make.user("buyer", institution=rail, name="이구매")
    round_ = b.round([water, rail], code="2018-H2")
    mou_w, mou_r = b.mou(water, 500_000_000), b.mou(rail, 300_000_000)
    startup = b.purchase(
        buyer_w,
        mou=mou_w,
        round_=round_,
        quantity=3,
        unit_price=411_522,
        startup=True,
        ordered_on=date(2018, 10, 5),
        evaluated=True,
    )
    first = b.purchase(
        buyer_w,
        mou=mou_w,
        round_=round_,
        quantity=1,
        unit_price=20_000_000,
        startup=False,
        first_timer=True,
        ordered_on=date(2018, 10, 20),
    )
    cancelled = b.purchase(
        buyer_r,
        mou=mou_r,
        round_=round_,
        quantity=1,
        unit_price=7_000_000,
        status="cancelled",
        ordered_on=date(2018, 11, 1),
    )
    return dict(
        water=water,
        rail=rail,
        buyer_w=buyer_w,
        buyer_r=buyer_r,
        orders=(startup, first, cancelled),
        mou_w=mou_w,
        mou_r=mou_r,
    )


def test_the_institution_report_has_the_dashboard_figures_to_the_won(app, program):
    from marketplace.services import quota

    report = data.load_purchase_report(
        data.Scope(program["water"].id, date(2018, 1, 1), date(2018, 12, 31)), date(2018, 12, 31)
    )
    (figures,) = quota.figures_for([program["mou_w"]])
    assert (report.committed_krw, report.charged_krw, report.remaining_krw) == (
        figures.summary.committed,
        figures.summary.charged,
        figures.summary.remaining,
    )
    assert report.charged_krw == 1_234_566 + 20_000_000
    assert report.order_count == 2 and report.ordered_krw == 21_234_566 and report.supplier_count == 2
    assert (report.startups.count, report.startups.amount_krw) == (1, 1_234_566)
    assert (report.first_timers.count, report.first_timers.amount_krw) == (1, 20_000_000)
    assert report.startups.count_pct == 50.0


def test_the_program_report_matches_the_ministry_overview(app, program):
    from marketplace.services import quota

    report = data.load_purchase_report(data.Scope(None, round_code="2018-H2"), date(2018, 12, 31))
    overview = {row["institution"].code: row for row in quota.program_overview()}
    bars = {bar.label_ko: bar for bar in report.bars}
    assert bars["한국수자원공사"].charged_krw == overview["KWATER"]["charged"]
    assert bars["한국철도공사"].charged_krw == overview["KORAIL"]["charged"] == 0
    assert [line.status for line in report.cancellations] == ["cancelled"]
    assert report.order_count == 2


def test_the_pdf_shows_korean_names_amounts_as_on_the_dashboards_and_numbered_pages(app, make, program, glyphs):
    from marketplace.services import report_documents as documents

    document = documents.purchase_report(
        program["buyer_w"],
        data.Scope(program["water"].id, date(2018, 1, 1), date(2018, 12, 31), language="ko"),
    )
    pages = pdf_text(document.pdf)
    text = "\n".join(pages)
    for expected in (
        "한국수자원공사",
        "1,234,566원",
        "20,000,000원",
        "21,234,566원",
        "시범구매 실적 보고서",
        document.document_id,
        program["orders"][0].number,
    ):
        assert expected in text, expected
    for number, page in enumerate(pages, start=1):
        assert f"{number} / {len(pages)}" in page
    assert "NanumGothic" in pdf_fonts(document.pdf)


def test_a_report_with_many_lines_runs_over_pages_numbered_n_of_m(app, make, program, glyphs):
    from marketplace.services import report_documents as documents

    b = ReportBuilders(make)
    allocation = program["orders"][0].allocation
    for day in range(1, 61):
        b.order(
            program["buyer_w"],
            program["mou_w"],
            allocation,
            quantity=1,
            unit_price=100_000,
            ordered_on=date(2018, 12, 1 + day % 28),
        )
    document = documents.purchase_report(
        program["buyer_w"],
        data.Scope(program["water"].id, date(2018, 1, 1), date(2018, 12, 31), language="en"),
    )
    pages = pdf_text(document.pdf)
    assert len(pages) >= 2
    assert all(f"{n} / {len(pages)}" in page for n, page in enumerate(pages, start=1))
    assert "KRW 100,000" in "\n".join(pages)


def test_the_register_lists_every_certificate_with_its_status(app, program, glyphs):
    from marketplace.services import report_documents as documents

    order = program["orders"][0]
    issued = relief_certificates.issue(order.buyer, order.id, "ko")
    today = clock.today()  # the certificate was issued today in Seoul: a four-week period ending today holds it
    document = documents.relief_register(
        program["buyer_w"], program["water"].id, today - timedelta(days=27), today, "ko"
    )
    text = "\n".join(pdf_text(document.pdf))
    assert issued.serial in text and "1,234,566원" in text and "유효" in text


def test_a_range_over_three_years_is_refused(app):
    with pytest.raises(data.ReportRefused):
        data.load_purchase_report(data.Scope(None, date(2015, 1, 1), date(2018, 12, 31)), date(2019, 1, 1))


def test_more_lines_than_the_limit_are_refused(app, program, monkeypatch):
    monkeypatch.setattr(data, "MAX_LINES", 1)
    with pytest.raises(data.ReportRefused):
        data.load_purchase_report(data.Scope(None, round_code="2018-H2"), date(2019, 1, 1))


def test_the_fetcher_refuses_anything_outside_static():
    from marketplace.reports.render import STATIC, RefusedURL, static_path_for

    assert static_path_for((STATIC / "css" / "report.css").as_uri()) == STATIC / "css" / "report.css"
    for url in (
        "file:///etc/passwd",
        "http://example.com/x.css",
        "https://127.0.0.1/",
        "ftp://x/y",
        (STATIC / ".." / "pyproject.toml").as_uri(),
        "file://evil.example/static/css/app.css",
    ):
        with pytest.raises(RefusedURL):
            static_path_for(url)


def test_a_document_referring_to_local_files_and_urls_renders_without_them(app):
    from marketplace.reports.render import render_in_process

    logger, handler = watch_weasyprint()
    try:
        pdf = render_in_process(
            '<html><head><link rel="stylesheet" href="file:///etc/passwd"></head><body>'
            '<img src="http://127.0.0.1:9/x.png"><p>안전</p></body></html>'
        )
    finally:
        logger.removeHandler(handler)
    assert "안전" in pdf_text(pdf)[0] and "root:" not in pdf_text(pdf)[0]
    assert any("refused" in message.lower() for message in handler.messages)


# --- downloads over HTTP -------------------------------------------------------------------------------


def test_the_buyer_downloads_a_korean_named_report_with_an_rfc6266_filename(app, client, auth, program):
    app.config["REPORTS_RENDER_IN_PROCESS"] = True
    auth.login(program["buyer_w"])
    response = client.get(
        "/buyer/reports/purchase-report.pdf",
        query_string={"purchase-start": "2018-01-01", "purchase-end": "2018-12-31", "purchase-language": "ko"},
    )
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''" + quote("구매실적보고서_한국수자원공사_20180101-20181231.pdf") in disposition


def test_the_buyer_sees_only_their_institutions_figures(app, client, auth, program):
    app.config["REPORTS_RENDER_IN_PROCESS"] = True
    auth.login(program["buyer_r"])
    response = client.get(
        "/buyer/reports/purchase-report.pdf",
        query_string={
            "purchase-start": "2018-01-01",
            "purchase-end": "2018-12-31",
            "purchase-language": "en",
            "purchase-institution": str(program["water"].id),
        },
    )
    text = "\n".join(pdf_text(response.data))
    assert "Korail" in text and "K-water" not in text
    assert (
        response.headers["Content-Disposition"] == "attachment; filename=purchase-report_KORAIL_20180101-20181231.pdf"
    )


def test_a_bad_report_request_rerenders_the_form_with_400(app, client, auth, program):
    auth.login(program["buyer_w"])
    response = client.get(
        "/buyer/reports/purchase-report.pdf",
        query_string={"purchase-start": "2010-01-01", "purchase-end": "2018-12-31", "purchase-language": "en"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400 and b"at most three years" in response.data
    response = client.get("/buyer/reports/purchase-report.pdf", query_string={"purchase-start": "garbage"})
    assert response.status_code == 400


def test_the_ministry_downloads_the_program_report(app, client, auth, make, program):
    app.config["REPORTS_RENDER_IN_PROCESS"] = True
    auth.login(make.user("ministry"))
    response = client.get(
        "/ministry/reports/purchase-report.pdf",
        query_string={"purchase-round": "2018-H2", "purchase-language": "en", "purchase-institution": ""},
    )
    assert response.status_code == 200
    text = "\n".join(pdf_text(response.data))
    assert "한국수자원공사" in text and "한국철도공사" in text and "Whole program" in text


def test_a_buyer_cannot_download_another_institutions_certificate(app, client, auth, program):
    app.config["REPORTS_RENDER_IN_PROCESS"] = True
    auth.login(program["buyer_r"])
    own_cancelled, other = program["orders"][2], program["orders"][0]
    assert client.get(f"/buyer/orders/{other.id}/certificate.pdf").status_code == 404
    assert client.post(f"/buyer/orders/{other.id}/certificate").status_code == 404
    assert client.post(f"/buyer/orders/{own_cancelled.id}/certificate").status_code == 400


def test_buyer_and_ministry_download_the_same_certificate_bytes(app, client, auth, make, program):
    app.config["REPORTS_RENDER_IN_PROCESS"] = True
    order = program["orders"][0]
    auth.login(program["buyer_w"])
    assert client.post(f"/buyer/orders/{order.id}/certificate").status_code == 302
    first = client.get(f"/buyer/orders/{order.id}/certificate.pdf")
    assert first.status_code == 200 and first.data.startswith(b"%PDF")
    assert first.headers["Content-Disposition"] == "attachment; filename=PP-2018-000001.pdf"
    auth.logout()
    auth.login(make.user("ministry"))
    again = client.get(f"/ministry/orders/{order.id}/certificate.pdf", headers={"Accept-Language": "en"})
    assert again.data == first.data


def test_the_render_pool_renders_and_gives_up_past_its_timeout():
    from marketplace.reports.render import RenderPool, RenderTimeout

    pool = RenderPool(workers=1, tasks_per_child=2, timeout=60)
    try:
        assert pool.render("<p>시범구매</p>").startswith(b"%PDF")
        pool.timeout = 0.001
        with pytest.raises(RenderTimeout):
            pool.render("<p>" + "긴 문서 " * 20000 + "</p>")
    finally:
        pool.kill()


@pytest.mark.parametrize(
    ("language", "water", "round_title"),
    [("ko", "KWATER · 한국수자원공사", "2018-H2 · "), ("en", "KWATER · K-water", "2018-H2 · ")],
)
def test_the_report_forms_name_institutions_and_rounds_in_the_readers_language(
    app, make, program, language, water, round_title
):
    from sqlalchemy import select

    from marketplace.extensions import db
    from marketplace.models import Round
    from marketplace.report_pages import report_forms

    round_ = db.session.scalar(select(Round).where(Round.code == "2018-H2"))
    round_.title_ko, round_.title_en = "2018년 하반기", "2018 second half"
    db.session.commit()
    with app.test_request_context(f"/?lang={language}"):
        purchase, register = report_forms(make.user("ministry"))
        labels = [choice.label for choice in register.institution.choices]
        rounds = [choice.label for choice in purchase.round.choices]
    assert water in labels
    expected = round_title + ("2018년 하반기" if language == "ko" else "2018 second half")
    assert round_.status == "published" and expected in rounds
