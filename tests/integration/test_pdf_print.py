"""The PDFs print on A4: every character inside the printable area, amounts whole, names and numbers as people
read them, in Korean and in English, for a purchase report and a register of 1,000 lines and a certificate,
all with names longer than the longest of the demo data.

The documents are built and rendered once per run (the reports from plain values through their pure summary,
the certificate issued through the service on a database of its own) and read once each.
"""

from __future__ import annotations

import pickle
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from marketplace import create_app
from marketplace.demo import base as demo
from marketplace.domain.quota import Entry
from marketplace.domain.reference import CERTIFICATE_TYPES
from marketplace.domain.states import OrderStatus, ReliefStatus
from marketplace.extensions import db
from marketplace.models import ReliefCertificateRendition, User
from marketplace.reports.documents import render_document
from marketplace.reports.render import CERTIFICATE_CSS, PRINT_CSS
from marketplace.reports.summary import Line, MouLedger, Scope, purchase_report
from marketplace.services import relief_certificates
from marketplace.services.reference import ensure_certificate_types
from marketplace.services.report_data import RegisterEntry, ReliefRegister
from tests.builders_reports import ReportBuilders
from tests.conftest import base_config, once_per_run, run_directory
from tests.factories import Builders
from tests.print_layout import outside_printable_area, page_margins, read_pages, split_amounts, text_of

LINES = 1_000
REGISTER_LINES = 300  # a register of many pages, every status among them
LANGUAGES = ("ko", "en")
# Longer than the longest of the demo data (checked below); the company's is one word of 12 syllables.
INSTITUTION = ("KWATER", "한국수자원공사 대전본부", "Korea Water Resources Corporation, Daejeon (K-water)")
COMPANY = ("(샘플) 대한스마트그리드연구소", "Daehan Smart Grid Research Institute (sample)")
PRODUCT = ("전력 설비 열화 진단 센서 무선형", "Power equipment degradation sensor, wireless")
TYPE_CODE, TYPE_KO, TYPE_EN = max(CERTIFICATE_TYPES, key=lambda t: len(t[2]))
BRN = "1234567891"  # printed 123-45-67891
STATUSES = tuple(OrderStatus)


def test_the_names_used_here_are_at_least_as_long_as_the_demo_datas_longest():
    institutions = [(ko, en) for _code, ko, en, *_ in demo.MOU_2018] + list(demo.JOINED)
    companies = [(f"(샘플) {ko}", f"{en} (sample)") for ko, en in demo.COMPANY_NAMES]
    products = [(ko, en) for ko, en, *_ in demo.PRODUCT_LINES]
    for ours, theirs in ((INSTITUTION[1:], institutions), (COMPANY, companies), (PRODUCT, products)):
        assert len(ours[0]) >= max(len(ko) for ko, _ in theirs) and len(ours[1]) >= max(len(en) for _, en in theirs)


def order_line(n: int) -> Line:
    status = STATUSES[n % len(STATUSES)]
    quantity = 200 if n % 97 == 0 else 1 + n % 5  # some amounts of ten digits
    unit_price = 45_190_000 + n * 1_000
    day = date(2018, 9, 1) + timedelta(days=n % 120)
    return Line(
        number=f"PO-2018-{n:06d}",
        ordered_on=day,
        institution_code=INSTITUTION[0],
        supplier_ko=COMPANY[0],
        supplier_en=COMPANY[1],
        product_ko=PRODUCT[0],
        product_en=PRODUCT[1],
        certificate_type=TYPE_CODE,
        certificate_type_ko=TYPE_KO,
        certificate_type_en=TYPE_EN,
        certificate_number=f"제2018-{n:07d}호",
        certificate_expires_on=date(2019, 1, 1) + timedelta(days=n % 60),
        quantity=quantity,
        unit_price_krw=unit_price,
        amount_krw=quantity * unit_price,
        status=status,
        evaluation=n % 6 or None,
        startup=n % 3 == 0,
        first_timer=n % 3 == 1,
        cancel_reason="공급기업의 생산 설비 고장으로 납품 기한 안에 납품할 수 없음" if status == "cancelled" else "",
        cancelled_at=datetime(2018, 12, 1, 3, tzinfo=UTC) if status == "cancelled" else None,
        recorded_at=datetime.combine(day + timedelta(days=40 if n % 50 == 0 else 0), datetime.min.time(), UTC),
        late_reason="계약 체결 후 내부 결재가 늦어져 등록이 지연됨" if n % 50 == 0 else "",
    )


def purchase_pdf(language: str, institution) -> bytes:
    lines = [order_line(n) for n in range(LINES)]
    charges = tuple(Entry("charge", -line.amount_krw, line.ordered_on) for line in lines if line.status != "cancelled")
    commitment = Entry("commit", 999_000_000_000, date(2018, 3, 2))
    ledger = MouLedger(1, "MOU-2018-KWATER", 1, INSTITUTION[1], INSTITUTION[2], (commitment, *charges))
    period = (date(2018, 1, 1), date(2018, 12, 31))
    scope = Scope(1, *period, language=language)
    report = purchase_report(scope, institution, None, period, lines, [ledger], date(2018, 12, 31))
    return render_document("reports/purchase_report.html", language, r=report, **_meta())


def register_pdf(language: str, institution) -> bytes:
    statuses = (ReliefStatus.VALID, ReliefStatus.SUPERSEDED, ReliefStatus.REVOKED)
    entries = [
        RegisterEntry(
            serial=f"PP-2018-{n:06d}" + ("-2" if n % 3 == 1 else ""),
            version=2 if n % 3 == 1 else 1,
            issued_at=datetime(2018, 10, 1, 5, tzinfo=UTC) + timedelta(hours=n),
            order_number=f"PO-2018-{n:06d}",
            ordered_on=date(2018, 9, 1) + timedelta(days=n % 120),
            supplier_ko=COMPANY[0],
            product_ko=PRODUCT[0],
            amount_krw=9_038_000_000 - n,
            status=statuses[n % 3],
            revoked_at=datetime(2018, 12, 1, 5, tzinfo=UTC) if n % 3 == 2 else None,
            superseded_at=datetime(2018, 12, 2, 5, tzinfo=UTC) if n % 3 == 1 else None,
            superseded_by=f"PP-2018-{n:06d}-3" if n % 3 == 1 else None,
            pdf_sha256="0" * 64,
        )
        for n in range(REGISTER_LINES)
    ]
    register = ReliefRegister(institution, date(2018, 1, 1), date(2018, 12, 31), entries, language)
    return render_document("reports/relief_register.html", language, reg=register, **_meta())


def _meta() -> dict:
    return {
        "document_id": "RPT-20181231-0A1B2C3D",
        "data_sha256": "f" * 64,
        "generated_at": datetime(2018, 12, 31, 1, tzinfo=UTC),
        "generated_by": SimpleNamespace(name="김구매담당", role="buyer"),
    }


def certificate_pdfs(make: Builders) -> dict[str, bytes]:
    """A certificate issued through the service for an order with the long names: its PDF in each language."""
    code, ko, en = INSTITUTION
    buyer = make.user("buyer", name="김구매담당", institution=make.institution(code=code, name_ko=ko, name_en=en))
    company = make.company(name_ko=COMPANY[0], name_en=COMPANY[1], brn=BRN)
    cert = make.certificate(
        company, type_code=TYPE_CODE, number="제2018-0001234호", issued_on=date(2017, 1, 2), expires_on=date(2020, 1, 2)
    )
    product = make.product(company, name_ko=PRODUCT[0], name_en=PRODUCT[1], certificates=[cert])
    order = ReportBuilders(make).purchase(buyer, product=product, quantity=2, unit_price=45_190_000)
    issued = relief_certificates.issue(db.session.get(User, order.buyer_id), order.id, "ko")
    rendition = db.session.query(ReliefCertificateRendition).filter_by(certificate_id=issued.id).one()
    return {issued.language: issued.pdf, rendition.language: rendition.pdf}


@pytest.fixture(scope="module")
def print_app(tmp_path_factory):
    path = tmp_path_factory.mktemp("print") / "print.sqlite3"
    app = create_app({**base_config(f"sqlite:///{path}"), "REPORTS_RENDER_IN_PROCESS": True})
    with app.app_context():
        db.create_all()
        ensure_certificate_types()
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


def _render(app, document: str, language: str) -> dict[str, bytes]:
    """language -> PDF: a report in one language, or the certificate in both (one issue makes both)."""
    institution = SimpleNamespace(code=INSTITUTION[0], name_ko=INSTITUTION[1], name_en=INSTITUTION[2])
    with app.test_request_context():
        try:
            if document == "certificate":
                return certificate_pdfs(Builders())
            make = purchase_pdf if document == "purchase" else register_pdf
            return {language: make(language, institution)}
        finally:
            db.session.remove()


@pytest.fixture(scope="module")
def pages(print_app, tmp_path_factory, worker_id):
    """(document, language) -> its pages as read by PDFium (tests/print_layout.py).

    Each document is rendered and read once per run, not once per test process: the first process that needs
    it does the work and the others load what it saved (about a minute of rendering and reading a 1,000-line
    report, which both processes did before)."""
    shared = run_directory(tmp_path_factory, worker_id) / "printed-documents"
    shared.mkdir(exist_ok=True)
    loaded: dict[tuple[str, str], list] = {}

    def read(document: str, language: str):
        if (document, language) not in loaded:
            for lang, found in _shared_pages(print_app, shared, document, language).items():
                loaded[document, lang] = found
        return loaded[document, language]

    return read


def _shared_pages(app, shared: Path, document: str, language: str) -> dict[str, list]:
    unit = document if document == "certificate" else f"{document}-{language}"  # two processes work at once

    def build(path: Path) -> None:
        pages = {lang: read_pages(pdf) for lang, pdf in _render(app, document, language).items()}
        path.write_bytes(pickle.dumps(pages))

    saved = once_per_run(shared / f"{unit}.pickle", build)
    return pickle.loads(saved.read_bytes())  # noqa: S301 - written by this run, in its own temp dir


DOCUMENTS = [(d, lang) for d in ("purchase", "register", "certificate") for lang in LANGUAGES]


@pytest.mark.parametrize(("document", "language"), DOCUMENTS)
def test_every_character_of_every_page_lies_inside_the_printable_area(pages, document, language):
    css = CERTIFICATE_CSS if document == "certificate" else PRINT_CSS
    assert outside_printable_area(pages(document, language), page_margins(css)) == []


@pytest.mark.parametrize(("document", "language"), DOCUMENTS)
def test_no_amount_is_split_from_its_unit(pages, document, language):
    assert split_amounts(pages(document, language)) == []


def test_the_reports_list_all_1000_lines_and_the_certificate_fits_one_page(pages):
    for language in LANGUAGES:
        assert text_of(pages("purchase", language)).count("PO-2018-") >= LINES
        assert text_of(pages("register", language)).count("PO-2018-") >= REGISTER_LINES
        assert len(pages("certificate", language)) == 1


def test_the_order_lines_print_on_landscape_pages_and_the_rest_on_portrait(pages):
    shapes = [page.width > page.height for page in pages("purchase", "en")]
    assert shapes[0] is False and shapes[-1] is False and shapes.count(True) >= 10


@pytest.mark.parametrize("language", LANGUAGES)
def test_certificate_types_print_by_name_never_by_code(pages, language):
    name = TYPE_KO if language == "ko" else TYPE_EN
    for document in ("purchase", "certificate"):
        text = text_of(pages(document, language))
        assert name in text.replace("\n", " ") or name in text
        assert not any(code in text for code, *_ in CERTIFICATE_TYPES if "_" in code or code == TYPE_CODE)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_certificate_prints_each_name_and_code_once_and_the_business_number_hyphenated(pages, language):
    text = text_of(pages("certificate", language))
    flat = text.replace("\n", "")
    assert "123-45-67891" in text and BRN not in text
    assert flat.count(INSTITUTION[0]) == 1  # the code once, though the English name ends with "(K-water)"
    assert flat.count(INSTITUTION[1]) == 1 and flat.count(COMPANY[0].replace(" ", "")) <= 1
    if language == "en":
        assert "K-water)) (" not in flat and flat.count("(K-water)") == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_korean_words_are_never_broken_across_lines(pages, language):
    """Korean breaks only between words: every word of the product name prints whole on every line, and
    the legal text's words are whole in the Korean certificate."""
    for document in ("purchase", "register"):
        text = text_of(pages(document, language))
        for word in PRODUCT[0].split():
            assert text.count(word) >= (LINES if document == "purchase" else REGISTER_LINES), (document, word)
    if language == "ko":
        lines = text_of(pages("certificate", "ko")).split("\n")
        for word in ("중소기업제품", "판로지원에", "구매촉진", "시범구매", "공무원은", "감사기구가"):
            assert any(word in line for line in lines), word


def test_the_quota_chart_axis_fits_the_charged_amounts_not_a_committed_amount_far_above(pages):
    text = re.sub(r"[^\S\n]", "", text_of(pages("purchase", "en")))  # SVG text draws no spaces
    assert "CommittedKRW999,000,000,000:abovethescale" in text
    assert "\n999,000,000,000\n" not in text  # no axis label at the commitment


def test_the_reader_finds_a_character_past_a_margin_and_an_amount_split_from_its_unit():
    """The checks above pass only because the documents are right: on a page that breaks each rule, each
    check reports it (read with the same reader and the same print stylesheet)."""
    from marketplace.reports.render import render_in_process

    html = '<p style="margin-left:-12mm">Past the left margin</p><p style="width:20mm">1,234,567<br>원</p>'
    document = read_pages(render_in_process(html))
    outside = outside_printable_area(document, page_margins(PRINT_CSS))
    assert any("past the side margins" in line and "'P'" in line for line in outside), outside
    assert split_amounts(document) == [f"page 1: 7|원 at y {_char(document, '7')['top']:.1f}"]
    assert "Past the left margin" in text_of(document)


def _char(document, text: str) -> dict:
    return next(c for page in document for c in page.chars if c["text"] == text)
