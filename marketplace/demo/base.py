"""Sample institutions, companies, certificates, products and logins (flask seed-demo), all marked sample.

Deterministic (random.Random(2018)) and idempotent: each row is looked up by its natural key (institution
code, business number, certificate number, product model, e-mail) and only created when missing.
Dates follow the demo's timeline (demo/timeline.py): everything is registered as at its setup day, before
the published round's fiscal year; companies were founded and certificates issued before that, startups
are startups at the round's close, and certificates stay valid through its orders and today, but one.
"""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from ..domain.eligibility import STARTUP_YEARS
from ..domain.reference import REGIONS
from ..domain.states import CertificateStatus, CompanyStatus, InstitutionStatus, ProductStatus, UserRole
from ..extensions import db
from ..models import Certificate, CertificateType, Company, Institution, Product, User
from ..models.types import as_at, utcnow
from ..services.accounts import new_user
from ..services.clock import seoul_today
from ..services.products import build_search_text
from ..services.reference import ensure_certificate_types
from . import DEMO_PASSWORD
from .timeline import Story, story_for

# The six institutions of the 2018 MOU (code, Korean name, English name, kind, region).
MOU_2018 = (
    ("KEPCO", "한국전력공사", "Korea Electric Power Corporation (KEPCO)", "public_enterprise", "jeonnam"),
    ("LH", "한국토지주택공사", "Korea Land and Housing Corporation (LH)", "public_enterprise", "gyeongnam"),
    ("EX", "한국도로공사", "Korea Expressway Corporation", "public_enterprise", "gyeongbuk"),
    ("KRC", "한국농어촌공사", "Korea Rural Community Corporation", "quasi_governmental", "jeonnam"),
    ("KWATER", "한국수자원공사", "Korea Water Resources Corporation (K-water)", "public_enterprise", "daejeon"),
    ("KR", "한국철도시설공단", "Korea Rail Network Authority", "quasi_governmental", "daejeon"),
)
# Fictional institutions that joined for the second half (INST07..INST26).
JOINED = (
    ("샘플스마트시티공사", "Sample Smart City Corporation"),
    ("샘플환경공단", "Sample Environment Agency"),
    ("샘플항만공사", "Sample Port Authority"),
    ("샘플에너지공단", "Sample Energy Agency"),
    ("샘플가스공사", "Sample Gas Corporation"),
    ("샘플공항공사", "Sample Airports Corporation"),
    ("샘플시설안전공단", "Sample Facility Safety Agency"),
    ("샘플산업단지공단", "Sample Industrial Complex Agency"),
    ("샘플주택도시공사", "Sample Housing and Urban Corporation"),
    ("샘플교통안전공단", "Sample Transport Safety Agency"),
    ("샘플광역시청", "Sample Metropolitan City Hall"),
    ("샘플도청", "Sample Provincial Government"),
    ("샘플교육청", "Sample Office of Education"),
    ("샘플우정사업본부", "Sample Postal Service"),
    ("샘플조달청 지방청", "Sample Regional Procurement Office"),
    ("샘플의료원", "Sample Medical Center"),
    ("샘플국립대학교병원", "Sample National University Hospital"),
    ("샘플농수산식품공사", "Sample Agro-Fisheries Corporation"),
    ("샘플발전주식회사", "Sample Power Generation Company"),
    ("샘플지역난방공사", "Sample District Heating Corporation"),
)
JOINED_KINDS = (
    "public_enterprise",
    "quasi_governmental",
    "quasi_governmental",
    "public_enterprise",
    "local_government",
    "local_government",
    "education_office",
    "central_agency",
    "other",
)

COMPANY_NAMES = (
    ("한빛센서텍", "Hanbit SensorTech"),
    ("누리워터", "Nuri Water"),
    ("가온라이팅", "Gaon Lighting"),
    ("미래드론랩", "Mirae Drone Lab"),
    ("새롬에너지", "Saerom Energy"),
    ("다온로보틱스", "Daon Robotics"),
    ("해솔머티리얼", "Haesol Materials"),
    ("온누리세이프", "Onnuri Safe"),
    ("푸른필터", "Pureun Filter"),
    ("대한스마트그리드", "Daehan Smart Grid"),
    ("세종메디칼", "Sejong Medical"),
    ("한울소프트", "Hanul Soft"),
    ("나래모빌리티", "Narae Mobility"),
    ("초록솔라", "Chorok Solar"),
    ("하람계측", "Haram Instruments"),
    ("빛가람전력", "Bitgaram Power"),
    ("이음네트웍스", "Ieum Networks"),
    ("도담건설소재", "Dodam Building Materials"),
    ("라온비전", "Raon Vision"),
    ("아라수처리", "Ara Water Treatment"),
)
# (Korean name, English name, category, unit price in KRW, description, specification)
PRODUCT_LINES = (
    (
        "스마트 누수 감지 센서",
        "Smart leak detection sensor",
        "electronics",
        380_000,
        "배관 누수를 실시간으로 감지해 관리자에게 알립니다.",
        "LoRaWAN, IP67, 배터리 수명 5년",
    ),
    (
        "고효율 LED 터널 조명",
        "High-efficiency LED tunnel light",
        "energy",
        1_250_000,
        "기존 나트륨등 대비 전력 사용량을 60% 줄입니다.",
        "150W, 160 lm/W, IP66",
    ),
    (
        "수질 자동 측정기",
        "Automatic water quality analyser",
        "water",
        18_500_000,
        "탁도, pH, 잔류염소를 연속 측정합니다.",
        "측정 주기 1분, RS-485/LTE",
    ),
    (
        "시설 점검용 드론",
        "Inspection drone for facilities",
        "transport",
        32_000_000,
        "교량과 송전탑을 근접 촬영하고 결함을 자동 표시합니다.",
        "비행 40분, 4K 카메라, 열화상",
    ),
    (
        "전력 설비 열화 진단 센서",
        "Power equipment degradation sensor",
        "energy",
        2_400_000,
        "변압기 온도와 부분방전을 감시합니다.",
        "UHF 부분방전 검출, 온도 -40~120℃",
    ),
    (
        "협동 로봇 팔",
        "Collaborative robot arm",
        "machinery",
        45_000_000,
        "현장 작업자의 반복 작업을 돕습니다.",
        "가반하중 10kg, 반경 1,300mm",
    ),
    (
        "친환경 투수 블록",
        "Eco-friendly permeable paving block",
        "construction",
        28_000,
        "빗물이 스며들어 도심 침수를 줄입니다.",
        "투수계수 0.1mm/s 이상, 휨강도 5MPa",
    ),
    (
        "작업자 안전 웨어러블",
        "Worker safety wearable",
        "transport",
        650_000,
        "낙상과 유해가스를 감지해 경보합니다.",
        "가스 4종, 낙상 감지, LTE-M",
    ),
    (
        "미세먼지 저감 필터",
        "Fine dust reduction filter",
        "water",
        95_000,
        "공공시설 공조기용 고성능 필터입니다.",
        "E11 등급, 592×592mm",
    ),
    (
        "배전 자동화 단말",
        "Distribution automation terminal",
        "energy",
        7_800_000,
        "배전선로 고장 구간을 자동 분리합니다.",
        "IEC 61850, DNP3",
    ),
    (
        "원격 진료 키오스크",
        "Telemedicine kiosk",
        "medical",
        12_000_000,
        "보건지소에서 화상 진료를 지원합니다.",
        "혈압·체온·산소포화도 측정",
    ),
    (
        "시설물 유지관리 소프트웨어",
        "Facility maintenance software",
        "ict",
        24_000_000,
        "점검 이력과 보수 계획을 한곳에서 관리합니다.",
        "웹 기반, 클라우드 보안인증",
    ),
    ("전기 버스 충전기", "Electric bus charger", "energy", 38_000_000, "차고지용 급속 충전기입니다.", "200kW, CCS1"),
    (
        "태양광 가로등",
        "Solar street light",
        "energy",
        2_100_000,
        "전력망 없이 야간 조명을 제공합니다.",
        "60W LED, 리튬인산철 배터리",
    ),
    (
        "초음파 유량계",
        "Ultrasonic flow meter",
        "electronics",
        4_300_000,
        "상수도 관로의 유량을 비접촉으로 측정합니다.",
        "정확도 ±1%, DN50~DN1200",
    ),
    (
        "스마트 변압기 감시 장치",
        "Smart transformer monitor",
        "energy",
        3_900_000,
        "변압기 부하와 유온을 원격 감시합니다.",
        "LTE, 데이터 보관 2년",
    ),
    (
        "터널 화재 감지 카메라",
        "Tunnel fire detection camera",
        "transport",
        8_700_000,
        "영상 분석으로 연기와 화염을 조기 감지합니다.",
        "Full HD, 감지 10초 이내",
    ),
    (
        "고강도 보수 몰탈",
        "High-strength repair mortar",
        "construction",
        42_000,
        "콘크리트 구조물 단면 보수용입니다.",
        "압축강도 50MPa, 25kg/포",
    ),
    (
        "AI 영상 분석 서버",
        "AI video analytics server",
        "ict",
        27_000_000,
        "CCTV 영상에서 이상 상황을 찾아냅니다.",
        "GPU 2기, 64채널",
    ),
    (
        "정수 처리 약품 자동 투입기",
        "Automatic water treatment dosing unit",
        "water",
        15_600_000,
        "원수 수질에 따라 약품 투입량을 조절합니다.",
        "정량 펌프 2대, PLC 제어",
    ),
)
COMPANY_COUNT = 40
PRODUCTS_PER_COMPANY = 3
REJECTION_NOTE = "샘플: 서류 보완 필요 (sample: documents incomplete)"
SUPPLIER_LOGINS = 5  # supplier1..5@demo.example for the first five companies
EVALUATORS = 5  # evaluator1..5@demo.example, the published round's committee (demo/verdicts.py)


def seed() -> list[str]:
    """Create what is missing and return the demo logins (printed on every run)."""
    ensure_certificate_types()
    rng = random.Random(2018)
    story = story_for(seoul_today())
    with as_at(story.setup_at):
        institutions = _institutions()
        companies = _companies(rng, story)
        _certificates_and_products(rng, companies, story)
        _users(institutions, companies)
        db.session.commit()
    return _logins(institutions)


def decided_at(story: Story):
    """When the ministry approved the sample companies and verified their certificates: the next day."""
    return story.setup_at + timedelta(days=1)


def _get_or_add(model, key: dict, **values):
    row = db.session.scalar(select(model).filter_by(**key))
    if row is None:
        row = model(**key, **values)
        db.session.add(row)
    return row


def _institutions() -> list[Institution]:
    rows = [
        _get_or_add(
            Institution,
            {"code": code},
            name_ko=ko,
            name_en=en,
            kind=kind,
            region=region,
            status=InstitutionStatus.ACTIVE,
            is_sample=True,
        )
        for code, ko, en, kind, region in MOU_2018
    ]
    regions = list(REGIONS)
    for n, (ko, en) in enumerate(JOINED, start=7):
        rows.append(
            _get_or_add(
                Institution,
                {"code": f"INST{n:02d}"},
                name_ko=ko,
                name_en=en,
                kind=JOINED_KINDS[n % len(JOINED_KINDS)],
                region=regions[n % len(regions)],
                status=InstitutionStatus.ACTIVE,
                is_sample=True,
            )
        )
    return rows


def _brn(n: int) -> str:
    """A sample business registration number (prefix 999) with a correct check digit."""
    digits = [int(c) for c in f"99981{n:04d}"]
    total = sum(d * w for d, w in zip(digits, (1, 3, 7, 1, 3, 7, 1, 3, 5), strict=True)) + digits[8] * 5 // 10
    return "".join(map(str, digits)) + str((10 - total % 10) % 10)


def _companies(rng: random.Random, story: Story) -> list[Company]:
    """40 companies: a third startups, a third first-timers (older, no public supply), a third general."""
    rows = [_company(rng, story, n) for n in range(1, COMPANY_COUNT + 1)]
    db.session.flush()
    return rows


def _company_names(n: int) -> tuple[str, str]:
    """The n-th sample name; past the list, names come round again with a number."""
    ko, en = COMPANY_NAMES[(n - 1) % len(COMPANY_NAMES)]
    if n > len(COMPANY_NAMES):
        return f"{ko}{n // len(COMPANY_NAMES) + 1}", f"{en} {n // len(COMPANY_NAMES) + 1}"
    return ko, en


def _company_status(n: int) -> str:
    return (
        CompanyStatus.PENDING if n in (38, 39) else CompanyStatus.REJECTED if n in (36, 40) else CompanyStatus.APPROVED
    )


def _company(rng: random.Random, story: Story, n: int) -> Company:
    """Company n; the random draws come in a fixed order, so the same seed gives the same companies.
    Ages count back from the round's close, so a startup is one there (and still today)."""
    close_day = story.round.close_day
    ko, en = _company_names(n)
    profile = n % 3  # 0 startup, 1 first-timer, 2 general
    age_years = rng.randint(1, STARTUP_YEARS - 2) if profile == 0 else rng.randint(9, 25)
    supply_count = 0 if profile in (0, 1) and n % 2 else rng.randint(1, 12)
    if profile == 1:
        supply_count = 0
    status = _company_status(n)
    regions = list(REGIONS)
    return _get_or_add(
        Company,
        {"brn": _brn(n)},
        name_ko=f"(샘플) {ko}",
        name_en=f"{en} (sample)",
        representative="김샘플",
        region=regions[rng.randrange(len(regions))],
        founded_on=close_day - timedelta(days=365 * age_years + rng.randint(0, 300)),
        size_class=rng.choice(["micro", "small", "medium"]),
        public_supply_count=supply_count,
        public_supply_krw=supply_count * rng.randint(20, 90) * 1_000_000,
        public_supply_as_of=story.setup_day.replace(day=1),
        status=status,
        status_reason=REJECTION_NOTE if status == CompanyStatus.REJECTED else "",
        decided_at=None if status == CompanyStatus.PENDING else decided_at(story),
        is_sample=True,
    )


def _certificates_and_products(rng: random.Random, companies: list[Company], story: Story) -> None:
    """One or two certificates per company, three products each; company 7's certificate has expired."""
    types = list(db.session.scalars(select(CertificateType).order_by(CertificateType.sort_order)))
    line = 0
    for n, company in enumerate(companies, start=1):
        certificates = [_certificate(rng, story, company, n, k, types) for k in range(1 if n % 4 else 2)]
        for k in range(PRODUCTS_PER_COMPANY):
            _add_product(rng, company, n, k, PRODUCT_LINES[line % len(PRODUCT_LINES)], certificates)
            line += 1
    db.session.flush()


def _certificate(
    rng: random.Random, story: Story, company: Company, n: int, k: int, types: list[CertificateType]
) -> Certificate:
    """Company n's k-th certificate: valid three years from an issue date in the year before registration,
    so through the round, its orders and today; company 7's expired a month before the round's close."""
    kind = types[(n + k) % (len(types) - 1)]
    issued = story.setup_day - timedelta(days=rng.randint(30, 400))
    expires = issued + timedelta(days=3 * 365)
    status = CertificateStatus.PENDING if n in (5, 38, 39) and k == 0 else CertificateStatus.VERIFIED
    if n == 7:
        expires = story.round.close_day - timedelta(days=30)
        issued = expires - timedelta(days=3 * 365)
    return _get_or_add(
        Certificate,
        {"company_id": company.id, "type_id": kind.id, "number": f"SAMPLE-{kind.code}-{n:03d}{k}"},
        company=company,
        type=kind,
        issuer="샘플 인증기관 (sample issuer)",
        issued_on=issued,
        expires_on=expires,
        status=status,
        decided_at=decided_at(story) if status == CertificateStatus.VERIFIED else None,
    )


def _add_product(
    rng: random.Random, company: Company, n: int, k: int, product_line: tuple, certificates: list[Certificate]
) -> None:
    """Company n's k-th product from a sample product line, listed unless its company is not approved
    or it is one of the few drafts; nothing when it is already there."""
    ko, en, category, price, description, spec = product_line
    model, extra = f"SMP-{n:02d}{k}", rng.randint(0, 20) * 10_000
    existing = db.session.scalar(select(Product).where(Product.company_id == company.id, Product.model == model))
    if existing is not None:
        return
    listed = company.status == CompanyStatus.APPROVED and (n + k) % 10 != 3
    product = Product(
        company=company,
        name_ko=ko,
        name_en=en,
        model=model,
        description=f"{description} (샘플 데이터)",
        specification=spec,
        category=category,
        unit_price_krw=price + extra,
        unit="EA",
        status=ProductStatus.LISTED if listed else ProductStatus.DRAFT,
        certificates=certificates,
    )
    product.search_text = build_search_text(product)
    db.session.add(product)


def _users(institutions: list[Institution], companies: list[Company]) -> None:
    existing = set(db.session.scalars(select(User.email).where(User.email.like("%@demo.example"))))

    def add(email: str, name: str, role: str, **links) -> None:
        if email not in existing:
            user = new_user(email=email, name=name, role=role, password=DEMO_PASSWORD, **links)
            user.email_confirmed_at = utcnow()  # demo addresses receive no mail

    add("ministry@demo.example", "샘플 중기부 담당자", UserRole.MINISTRY)
    for institution in institutions:
        add(
            f"buyer.{institution.code.lower()}@demo.example",
            f"샘플 구매담당 ({institution.code})",
            UserRole.BUYER,
            institution_id=institution.id,
        )
    for n, company in enumerate(companies[:SUPPLIER_LOGINS], start=1):
        add(f"supplier{n}@demo.example", f"샘플 공급기업 담당자 {n}", UserRole.SUPPLIER, company_id=company.id)
    for n in range(1, EVALUATORS + 1):
        add(f"evaluator{n}@demo.example", f"샘플 평가위원 {n}", UserRole.EVALUATOR)


def _logins(institutions: list[Institution]) -> list[str]:
    lines = [
        f"Demo logins (sample data), password for all: {DEMO_PASSWORD}",
        "  ministry   ministry@demo.example  (at first sign-in, scan the QR code with an authenticator app;"
        " keep the recovery codes shown)",
    ]
    lines += [f"  supplier   supplier{n}@demo.example" for n in range(1, SUPPLIER_LOGINS + 1)]
    lines.append(
        f"  evaluator  evaluator1@demo.example .. evaluator{EVALUATORS}@demo.example  (evaluation committee; like"
        " ministry staff, set up the authenticator app at first sign-in)"
    )
    lines += [f"  buyer      buyer.{i.code.lower()}@demo.example  ({i.name_ko})" for i in institutions[:6]]
    lines.append(
        f"  buyer      ... and one per joined institution: buyer.inst07@demo.example .. "
        f"buyer.inst{len(institutions):02d}@demo.example"
    )
    return lines
