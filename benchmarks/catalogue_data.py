"""Bulk data for bench_catalogue.py: 20,000 companies and 100,000 products with certificates and grams.

Rows are generated deterministically (random.Random(2018)) and loaded with executemany on SQLite and
COPY on PostgreSQL; the ORM is bypassed for speed, so the postings (bigrams with listing facets) are
written here too, with the same functions the app uses (build_search_text, posting_rows).
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

from marketplace.domain.catalogue import ListingCertificate
from marketplace.domain.reference import CERTIFICATE_TYPES, REGIONS
from marketplace.models.search import DayNumber, posting_rows
from marketplace.services.products import build_search_text

COMPANIES = 20_000
PRODUCTS_PER_COMPANY = 5
TODAY = date.today()

PREFIXES = [
    "한빛",
    "누리",
    "가온",
    "미래",
    "새롬",
    "다온",
    "해솔",
    "온누리",
    "푸른",
    "대한",
    "세종",
    "한울",
    "나래",
    "초록",
    "하람",
    "빛가람",
    "이음",
    "도담",
    "라온",
    "아라",
]
SUFFIXES = ["테크", "시스템", "이앤씨", "솔루션", "에너지", "로보틱스", "바이오", "전자", "산업", "랩스"]
ROMAN = {
    "한빛": "Hanbit",
    "누리": "Nuri",
    "가온": "Gaon",
    "미래": "Mirae",
    "새롬": "Saerom",
    "다온": "Daon",
    "해솔": "Haesol",
    "온누리": "Onnuri",
    "푸른": "Pureun",
    "대한": "Daehan",
    "세종": "Sejong",
    "한울": "Hanul",
    "나래": "Narae",
    "초록": "Chorok",
    "하람": "Haram",
    "빛가람": "Bitgaram",
    "이음": "Ieum",
    "도담": "Dodam",
    "라온": "Raon",
    "아라": "Ara",
    "테크": "Tech",
    "시스템": "Systems",
    "이앤씨": "E&C",
    "솔루션": "Solutions",
    "에너지": "Energy",
    "로보틱스": "Robotics",
    "바이오": "Bio",
    "전자": "Electronics",
    "산업": "Industries",
    "랩스": "Labs",
}
# (Korean noun, English noun, category)
NOUNS = [
    ("센서", "sensor", "electronics"),
    ("펌프", "pump", "water"),
    ("밸브", "valve", "water"),
    ("조명", "lighting", "energy"),
    ("드론", "drone", "transport"),
    ("배터리", "battery", "energy"),
    ("변압기", "transformer", "energy"),
    ("차단기", "circuit breaker", "energy"),
    ("필터", "filter", "water"),
    ("카메라", "camera", "electronics"),
    ("로봇", "robot", "machinery"),
    ("보안등", "security light", "transport"),
    ("방음벽", "noise barrier", "construction"),
    ("포장재", "paving material", "construction"),
    ("모니터링 시스템", "monitoring system", "ict"),
    ("소프트웨어", "software", "ict"),
    ("계량기", "meter", "electronics"),
    ("소화기", "fire extinguisher", "transport"),
    ("공기청정기", "air purifier", "office"),
    ("의료기기", "medical device", "medical"),
    ("태양광 모듈", "solar module", "energy"),
    ("충전기", "charger", "energy"),
    ("수처리 장치", "water treatment unit", "water"),
    ("신호등", "traffic light", "transport"),
    ("콘크리트", "concrete", "construction"),
    ("단열재", "insulation", "construction"),
    ("분석기", "analyser", "electronics"),
    ("제어기", "controller", "machinery"),
    ("컨베이어", "conveyor", "machinery"),
    ("책상", "desk", "office"),
]
ADJECTIVES = [
    ("스마트", "smart"),
    ("고효율", "high-efficiency"),
    ("무선", "wireless"),
    ("산업용", "industrial"),
    ("저전력", "low-power"),
    ("친환경", "eco-friendly"),
    ("휴대용", "portable"),
    ("지능형", "intelligent"),
    ("초소형", "ultra-compact"),
    ("방수", "waterproof"),
    ("온도", "temperature"),
    ("압력", "pressure"),
]
USES = [
    "누수 감지",
    "에너지 절감",
    "시설 안전 관리",
    "원격 점검",
    "현장 작업자 보호",
    "수질 개선",
    "정전 예방",
    "교통 흐름 개선",
    "유지보수 비용 절감",
    "탄소 배출 저감",
]


def generate(rng: random.Random):
    """Yield (table name, list of row dicts) batches in insertion order."""
    types = [
        SimpleNamespace(id=i + 1, code=code, name_ko=ko, name_en=en)
        for i, (code, ko, en) in enumerate(CERTIFICATE_TYPES)
    ]
    regions = list(REGIONS)
    companies, certificates, products, links, grams = [], [], [], [], []
    product_id = certificate_id = 0
    for company_id in range(1, COMPANIES + 1):
        prefix, suffix = rng.choice(PREFIXES), rng.choice(SUFFIXES)
        company = SimpleNamespace(
            id=company_id,
            name_ko=f"{prefix}{suffix} {company_id}",
            name_en=f"{ROMAN[prefix]} {ROMAN[suffix]} {company_id}",
            brn=f"{company_id:010d}",
            representative="김대표",
            region=rng.choice(regions),
            founded_on=date(rng.randint(1985, TODAY.year - 1), rng.randint(1, 12), rng.randint(1, 28)),
            size_class=rng.choice(["micro", "small", "medium"]),
            public_supply_count=0 if rng.random() < 0.4 else rng.randint(1, 30),
            status="approved" if rng.random() < 0.95 else rng.choice(["pending", "rejected", "suspended"]),
        )
        companies.append(
            {
                **vars(company),
                "public_supply_krw": company.public_supply_count * 40_000_000,
                "public_supply_as_of": date(TODAY.year, 1, 1),
                "status_reason": "",
                "is_sample": True,
                "created_at": _now(),
            }
        )
        own, facts = [], []
        for _ in range(1 if rng.random() < 0.7 else 2):
            certificate_id += 1
            kind = rng.choice(types)
            issued = TODAY - timedelta(days=rng.randint(30, 1500))
            expires = issued + timedelta(days=rng.choice([730, 1095, 1825]))
            status = "verified" if rng.random() < 0.9 else rng.choice(["pending", "rejected", "revoked"])
            certificates.append(
                {
                    "id": certificate_id,
                    "company_id": company_id,
                    "type_id": kind.id,
                    "number": f"{kind.code}-{certificate_id:07d}",
                    "issuer": "국가기술표준원",
                    "issued_on": issued,
                    "expires_on": expires,
                    "status": status,
                    "status_reason": "",
                    "created_at": _now(),
                }
            )
            own.append((certificate_id, kind))
            facts.append(ListingCertificate(status, issued, expires, kind.code))
        for _ in range(PRODUCTS_PER_COMPANY):
            product_id += 1
            row, search_text = _product(rng, product_id, company, own)
            products.append(row)
            links.extend({"product_id": product_id, "certificate_id": cid} for cid, _kind in own)
            grams.extend(
                posting_rows(
                    product_id,
                    search_text=search_text,
                    name_ko=row["name_ko"],
                    name_en=row["name_en"],
                    status=row["status"],
                    category=row["category"],
                    company_status=company.status,
                    region=company.region,
                    founded_on=company.founded_on,
                    public_supply_count=company.public_supply_count,
                    certificates=facts,
                )
            )
        if company_id % 2000 == 0:
            yield from (
                ("companies", companies),
                ("certificates", certificates),
                ("products", products),
                ("product_certificates", links),
                ("search_grams", grams),
            )
            companies, certificates, products, links, grams = [], [], [], [], []


def _product(rng: random.Random, product_id: int, company, certificates) -> tuple[dict, str]:
    (adj_ko, adj_en), (noun_ko, noun_en, category) = rng.choice(ADJECTIVES), rng.choice(NOUNS)
    use = rng.choice(USES)
    series = f"{chr(65 + product_id % 26)}{product_id % 97}"
    watts, rating, weight = rng.randint(1, 48) * 5, rng.choice([54, 65, 67]), rng.randint(1, 90)
    values = dict(
        id=product_id,
        company_id=company.id,
        name_ko=f"{adj_ko} {noun_ko} {series}",
        name_en=f"{adj_en.capitalize()} {noun_en} {series}",
        model=f"M-{product_id:06d}",
        description=f"{use}을 위한 {adj_ko} {noun_ko}입니다. 공공기관 현장 실증을 마쳤습니다.",
        specification=f"정격 {watts}W, 보호등급 IP{rating}, 무게 {weight}kg",
        category=category,
        unit_price_krw=rng.randint(10, 5000) * 10_000,
        unit="EA",
        status="listed" if rng.random() < 0.9 else rng.choice(["draft", "delisted"]),
    )
    shape = SimpleNamespace(
        **values, company=company, certificates=[SimpleNamespace(type=kind) for _cid, kind in certificates]
    )
    search_text = build_search_text(shape)
    now = _now()
    return {**values, "search_text": search_text, "created_at": now, "updated_at": now}, search_text


def _now():
    return datetime.now(UTC)


def load(engine) -> dict:
    """Create the schema and insert everything; return row counts."""
    from sqlalchemy import text

    from marketplace.extensions import db

    db.metadata.create_all(engine)
    counts: dict[str, int] = {}
    with engine.begin() as conn:
        for i, (code, ko, en) in enumerate(CERTIFICATE_TYPES):
            conn.execute(
                text(
                    "INSERT INTO certificate_types (id, code, name_ko, name_en, active, sort_order)"
                    " VALUES (:i, :c, :k, :e, true, :i)"
                ),
                {"i": i + 1, "c": code, "k": ko, "e": en},
            )
    for table_name, rows in generate(random.Random(2018)):
        counts[table_name] = counts.get(table_name, 0) + len(rows)
        if not rows:
            continue
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                _copy(conn, table_name, rows)
            else:
                conn.execute(db.metadata.tables[table_name].insert(), rows)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            for table_name in ("companies", "certificates", "products"):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table_name}', 'id'), "  # noqa: S608
                        f"(SELECT max(id) FROM {table_name}))"
                    )
                )  # fixed table names
        else:
            conn.execute(text("ANALYZE"))
    if engine.dialect.name == "postgresql":
        # A loaded database has had no autovacuum yet: without the visibility map PostgreSQL cannot use
        # index-only scans on the postings, which a live database (autovacuum on) would.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    return counts


def _copy(conn, table_name: str, rows: list[dict]) -> None:
    from marketplace.extensions import db

    columns = list(rows[0])
    raw = conn.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(f"COPY {table_name} ({', '.join(columns)}) FROM STDIN") as copy:
        # COPY bypasses column types: store the postings' DayNumber dates as the integers they are.
        days = {c.name for c in db.metadata.tables[table_name].columns if isinstance(c.type, DayNumber)}
        for row in rows:
            copy.write_row([row[c].toordinal() if c in days and row[c] is not None else row[c] for c in columns])
