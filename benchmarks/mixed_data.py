"""The data of the mixed-load benchmark, made through the models and services (no demo seed), and its checks.

Two buyer institutions share one selected product: BENCH-A's buyers place orders during the run; BENCH-B's
buyers download certificates of orders placed here beforehand (a pool per buyer, none certified yet), ask
for the purchase report of a past week holding a few orders, or sign in and out. Each supplier has a
company, a verified certificate and a product of its own to edit.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

CONFIRMED = datetime(2018, 1, 2, tzinfo=UTC)
PASSWORD = "bench-password-2018"  # noqa: S105 - throw-away benchmark accounts
UNIT_PRICE = 1_000
COMMITTED = 10**12  # never runs out during a run: throughput, not the quota's end, is measured here
REPORT_ORDERS = 20
REPORT_DAYS_AGO = 10  # the report orders' date; the report asks for the week around it


def valid_brn(prefix: int) -> str:
    """A business registration number with a correct check digit, from a nine-digit prefix."""
    digits = f"{prefix:09d}"[-9:]
    nums = [int(c) for c in digits]
    total = sum(n * w for n, w in zip(nums, (1, 3, 7, 1, 3, 7, 1, 3, 5), strict=True)) + (nums[8] * 5) // 10
    return digits + str((10 - total % 10) % 10)


def app_for(url: str):
    from marketplace import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})


def _company(n: int, today: date, name: str):
    from marketplace.extensions import db
    from marketplace.models import Certificate, CertificateType, Company, Product

    company = Company(
        name_ko=f"{name} {n}",
        name_en=f"{name} {n}",
        brn=valid_brn(300000000 + n),
        representative="홍길동",
        region="seoul",
        founded_on=date(2020, 1, 1),
        size_class="small",
        public_supply_as_of=today,
        status="approved",
    )
    epc = db.session.query(CertificateType).filter_by(code="EPC").one()
    certificate = Certificate(
        company=company,
        type=epc,
        number=f"B-{n}",
        issuer="국가기술표준원",
        status="verified",
        issued_on=today - timedelta(days=60),
        expires_on=today + timedelta(days=900),
    )
    product = Product(
        company=company,
        name_ko=f"벤치 센서 {n}",
        name_en=f"Bench sensor {n}",
        model=f"BS-{n}",
        description="벤치",
        specification="IP67",
        category="electronics",
        unit_price_krw=UNIT_PRICE,
        unit="EA",
        status="listed",
        certificates=[certificate],
    )
    db.session.add_all([company, certificate, product])
    return product


def _selection(product, institutions, now: datetime) -> list:
    """A published round in which `product` was selected, allocated to each institution."""
    from marketplace.extensions import db
    from marketplace.models import Allocation, Application, Round

    round_ = Round(
        code="BENCH-R",
        title_ko="벤치",
        title_en="Bench",
        opens_at=now - timedelta(days=90),
        closes_at=now - timedelta(days=60),
        cap_krw=10**13,
        status="published",
    )
    db.session.add(round_)
    db.session.flush()
    application = Application(
        round_id=round_.id,
        company_id=product.company_id,
        product_id=product.id,
        receipt_no="BENCH-1",
        amount_krw=10**13,
        status="selected",
    )
    db.session.add(application)
    db.session.flush()
    allocations = [
        Allocation(
            round_id=round_.id, application_id=application.id, institution_id=i.id, amount_krw=COMMITTED, rank=rank
        )
        for rank, i in enumerate(institutions, 1)
    ]
    db.session.add_all(allocations)
    return allocations


def _buyers(prefix: str, count: int, institution, hashed: str) -> list:
    from marketplace.models import User

    return [
        User(
            email=f"{prefix}{n}@bench.example",
            name=f"{prefix} {n}",
            role="buyer",
            password_hash=hashed,
            institution_id=institution.id,
            email_confirmed_at=CONFIRMED,  # bench addresses receive no mail: confirmed, as the demo's are
        )
        for n in range(count)
    ]


def _place(buyer, allocation, mou, ordered_on: date, count: int) -> list[int]:
    from marketplace.services.orders import PurchaseInput, record_pilot_purchase

    data = PurchaseInput(
        allocation_id=allocation.id,
        mou_id=mou.id,
        quantity=1,
        unit_price_krw=UNIT_PRICE,
        contract_method="private_contract",
        ordered_on=ordered_on,
        no_private_interest=True,
    )
    return [record_pilot_purchase(buyer, data).id for _ in range(count)]


def prepare(url: str, mix: dict[str, int], certificate_pool: int) -> dict:
    """Create the schema and the rows; return the ids and e-mail addresses the clients need."""
    from werkzeug.security import generate_password_hash

    from marketplace.database import enable_wal
    from marketplace.extensions import db
    from marketplace.models import Institution, Mou, User
    from marketplace.services import quota
    from marketplace.services.clock import seoul_today
    from marketplace.services.reference import ensure_certificate_types

    app = app_for(url)
    with app.app_context():
        db.create_all()
        enable_wal(db.engine)
        ensure_certificate_types()
        today, now = seoul_today(), datetime.now(UTC)
        staff = User(email="staff@bench.example", name="Staff", role="ministry", password_hash="!")  # noqa: S106 - cannot sign in
        a, b = (
            Institution(
                code=f"BENCH-{x}",
                name_ko=f"벤치기관{x}",
                name_en=f"Bench {x}",
                kind="public_enterprise",
                region="seoul",
            )
            for x in "AB"
        )
        db.session.add_all([staff, a, b])
        selected = _company(0, today, "벤치기업")
        supplier_products = [_company(n, today, "편집기업") for n in range(1, mix["product_edit"] + 1)]
        db.session.flush()
        allocation_a, allocation_b = _selection(selected, [a, b], now)
        hashed = generate_password_hash(PASSWORD)
        suppliers = [
            User(
                email=f"supplier{n}@bench.example",
                name=f"Supplier {n}",
                role="supplier",
                password_hash=hashed,
                company_id=p.company_id,
                email_confirmed_at=CONFIRMED,
            )
            for n, p in enumerate(supplier_products)
        ]
        orderers = _buyers("order", mix["order"], a, hashed)
        certifiers = _buyers("certificate", mix["certificate"], b, hashed)
        reporters = _buyers("report", max(1, mix["report"]), b, hashed)
        signers = _buyers("signin", mix["sign_in"], b, hashed)
        db.session.add_all(suppliers + orderers + certifiers + reporters + signers)
        db.session.commit()
        mous = {}
        for institution in (a, b):
            terms = quota.MouTerms(
                f"MOU-{institution.code}",
                today - timedelta(days=30),
                today - timedelta(days=30),
                today + timedelta(days=300),
                COMMITTED,
            )
            mous[institution.code] = quota.create_mou(staff, institution, terms).id
        mou_b = db.session.get(Mou, mous["BENCH-B"])
        pools = [_place(c, allocation_b, mou_b, today - timedelta(days=1), certificate_pool) for c in certifiers]
        _place(reporters[0], allocation_b, mou_b, today - timedelta(days=REPORT_DAYS_AGO), REPORT_ORDERS)
        ids = {
            "allocation_id": allocation_a.id,
            "mou_ids": list(mous.values()),
            "orderers": [u.email for u in orderers],
            "orderer_ids": [u.id for u in orderers],
            "certifiers": [u.email for u in certifiers],
            "certificate_pools": pools,
            "reporters": [u.email for u in reporters],
            "signers": [u.email for u in signers],
            "suppliers": [u.email for u in suppliers],
            "products": [p.id for p in supplier_products],
            "report_start": (today - timedelta(days=REPORT_DAYS_AGO + 3)).isoformat(),
            "report_end": (today - timedelta(days=REPORT_DAYS_AGO - 3)).isoformat(),
        }
        db.session.remove()
        db.engine.dispose()
    return ids


def final_figures(url: str, ids: dict) -> dict:
    """What the database holds after the run: orders of the ordering buyers, certificates, each MOU's ledger."""
    from sqlalchemy import func, select

    from marketplace.extensions import db
    from marketplace.models import AuditReliefCertificate, Mou, Order
    from marketplace.services import quota

    app = app_for(url)
    with app.app_context():
        order_ids = set(db.session.scalars(select(Order.id).where(Order.buyer_id.in_(ids["orderer_ids"]))))
        pool = [order_id for p in ids["certificate_pools"] for order_id in p]
        certificates = (
            dict(
                db.session.execute(
                    select(AuditReliefCertificate.order_id, AuditReliefCertificate.pdf_sha256).where(
                        AuditReliefCertificate.order_id.in_(pool)
                    )
                ).all()
            )
            if pool
            else {}
        )
        mous = []
        for mou_id in ids["mou_ids"]:
            mou = db.session.get(Mou, mou_id)
            charged = int(
                db.session.scalar(
                    select(func.coalesce(func.sum(Order.amount_krw), 0)).where(
                        Order.mou_id == mou_id, Order.status != "cancelled"
                    )
                )
            )
            ledger = int(quota.ledger_sum(mou_id))
            mous.append(
                {
                    "mou": mou.number,
                    "committed_krw": mou.committed_krw,
                    "charged_krw": charged,
                    "balance_krw": mou.balance_krw,
                    "ledger_sum_krw": ledger,
                    "overspend_krw": max(0, charged - mou.committed_krw),
                    "ledger_consistent": ledger == mou.balance_krw == mou.committed_krw - charged,
                }
            )
        db.session.remove()
        db.engine.dispose()
    return {"order_ids": order_ids, "certificates": certificates, "mous": mous}
