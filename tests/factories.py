"""Test data builders. Password hashes are computed once per test session."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from marketplace.extensions import db
from marketplace.models import Certificate, CertificateType, Company, Institution, Product, User
from tests import clock

DEFAULT_PASSWORD = "correct-horse-battery"
DEFAULT_HASH = generate_password_hash(DEFAULT_PASSWORD, method="pbkdf2:sha256:1000")  # fast to check in tests
# ministry users are enrolled in two-step sign-in with this secret; AuthActions.login types its code
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
_seq = itertools.count(1)


def valid_brn(prefix: int) -> str:
    """A business registration number with a correct check digit, from a nine-digit prefix."""
    digits = f"{prefix:09d}"[-9:]
    weights = (1, 3, 7, 1, 3, 7, 1, 3, 5)
    nums = [int(c) for c in digits]
    total = sum(n * w for n, w in zip(nums, weights, strict=True)) + (nums[8] * 5) // 10
    return digits + str((10 - total % 10) % 10)


class Builders:
    """Each method adds a row with sensible defaults, commits, and returns it; override with kwargs."""

    def user(self, role: str = "supplier", **kw) -> User:
        n = next(_seq)
        if role == "supplier" and "company" not in kw and "company_id" not in kw:
            kw["company"] = self.company()
        if role == "buyer" and "institution" not in kw and "institution_id" not in kw:
            kw["institution"] = self.institution()
        if role in ("ministry", "evaluator"):  # they always sign in with a code
            kw.setdefault("totp_secret", TOTP_SECRET)
        user = User(
            email=kw.pop("email", f"user{n}@example.com"),
            name=kw.pop("name", f"User {n}"),
            role=role,
            password_hash=DEFAULT_HASH,
            email_confirmed_at=kw.pop("email_confirmed_at", clock.now()),
            **kw,
        )
        return self._save(user)

    def company(self, **kw) -> Company:
        n = next(_seq)
        values = dict(
            name_ko=f"테스트기업 {n}",
            name_en=f"Test Company {n}",
            brn=valid_brn(100000000 + n),
            representative="홍길동",
            region="seoul",
            founded_on=date(2020, 1, 1),
            size_class="small",
            public_supply_krw=0,
            public_supply_count=0,
            public_supply_as_of=date(2024, 1, 1),
            status="approved",
        )
        values.update(kw)
        return self._save(Company(**values))

    def certificate_type(self, code: str = "EPC") -> CertificateType:
        return db.session.scalar(select(CertificateType).where(CertificateType.code == code))

    def certificate(self, company: Company | None = None, **kw) -> Certificate:
        n = next(_seq)
        values = dict(
            company=company or self.company(),
            type=self.certificate_type(kw.pop("type_code", "EPC")),
            number=f"CERT-{n:05d}",
            issuer="국가기술표준원",
            issued_on=clock.today() - timedelta(days=365),
            expires_on=clock.today() + timedelta(days=3 * 365),
            status="verified",
        )
        values.update(kw)
        return self._save(Certificate(**values))

    def product(self, company: Company | None = None, **kw) -> Product:
        n = next(_seq)
        company = company or self.company()
        certificates = kw.pop("certificates", None)
        if certificates is None:
            certificates = [self.certificate(company)]
        values = dict(
            company=company,
            name_ko=f"스마트 센서 {n}",
            name_en=f"Smart sensor {n}",
            model=f"SS-{n}",
            description="누수 감지 센서",
            specification="IP67",
            category="electronics",
            unit_price_krw=1_500_000,
            unit="EA",
            status="listed",
            certificates=certificates,
        )
        values.update(kw)
        product = Product(**values)
        return self._save(product)

    def institution(self, **kw) -> Institution:
        n = next(_seq)
        values = dict(
            code=f"INST{n:03d}",
            name_ko=f"테스트공사 {n}",
            name_en=f"Test Corporation {n}",
            kind="public_enterprise",
            region="daejeon",
            status="active",
        )
        values.update(kw)
        return self._save(Institution(**values))

    @staticmethod
    def _save(obj):
        db.session.add(obj)
        db.session.commit()
        return obj
