"""Builders for report tests: a published round with its draw, an MOU with its ledger, and orders, as rows."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

from marketplace.extensions import db
from marketplace.models import (
    Allocation,
    Application,
    Draw,
    Evaluation,
    Mou,
    Order,
    QuotaEntry,
    Round,
    RoundInstitution,
)
from marketplace.services import chains
from tests import clock

_seq = itertools.count(1)


class ReportBuilders:
    """Rows for the purchase chain; `make` is tests.factories.Builders for users, companies, products."""

    def __init__(self, make):
        self.make = make

    def round(self, institutions=(), year: int = 2018, **kw) -> Round:
        n = next(_seq)
        values = dict(
            code=f"{year}-T{n}",
            title_ko=f"{year}년 시범구매 {n}차",
            title_en=f"{year} pilot round {n}",
            opens_at=datetime(year, 8, 16, 0, 0, tzinfo=UTC),
            closes_at=datetime(year, 9, 14, 9, 0, tzinfo=UTC),
            cap_krw=300_000_000,
            status="published",
        )
        values.update(kw)
        round_ = Round(**values)
        for institution in institutions:
            round_.budgets.append(RoundInstitution(institution=institution, budget_krw=1_000_000_000))
        db.session.add(round_)
        db.session.flush()
        db.session.add(
            Draw(
                round=round_,
                rule_version="ES-1",
                manifest_json="{}",
                manifest_sha256="ab" * 32,
                seed="2018 lotto 07 12 19 28 33 41",
                result_json="{}",
                drawn_at=values["closes_at"] + timedelta(days=7),
                published_at=values["closes_at"] + timedelta(days=8),
            )
        )
        db.session.commit()
        return round_

    def allocation(
        self,
        round_: Round,
        product,
        institution,
        *,
        startup=True,
        first_timer=False,
        amount: int = 100_000_000,
        rank: int = 1,
    ) -> Allocation:
        n = next(_seq)
        tier = "first_timer" if first_timer else ("startup" if startup else "general")
        application = Application(
            round=round_,
            company=product.company,
            product=product,
            receipt_no=f"APP-{n:06d}",
            amount_krw=amount,
            status="selected",
            weight={"first_timer": 3, "startup": 2, "general": 1}[tier],
            snapshot={
                "as_of": "2018-09-14",
                "startup": startup,
                "first_timer": first_timer,
                "tier": tier,
                "weight": {"first_timer": 3, "startup": 2, "general": 1}[tier],
            },
            eligibility_reasons=[],
        )
        allocation = Allocation(
            round=round_, application=application, institution=institution, amount_krw=amount, rank=rank
        )
        db.session.add(allocation)
        db.session.commit()
        return allocation

    def mou(self, institution, committed: int = 1_000_000_000, **kw) -> Mou:
        n = next(_seq)
        values = dict(
            institution=institution,
            number=f"MOU-{n:04d}",
            signed_on=date(2018, 3, 2),
            starts_on=date(2018, 1, 1),
            ends_on=date(2019, 12, 31),
            committed_krw=committed,
            balance_krw=committed,
        )
        values.update(kw)
        mou = Mou(**values)
        db.session.add(mou)
        db.session.flush()
        # ledger entries are hash-chained at commit (services/chains.py), never added directly
        chains.defer(
            QuotaEntry(mou_id=mou.id, kind="commit", amount_krw=committed, balance_after=committed, reason="MOU")
        )
        db.session.commit()
        return mou

    def order(
        self,
        buyer,
        mou: Mou,
        allocation: Allocation,
        *,
        quantity: int = 2,
        unit_price: int = 1_500_000,
        ordered_on: date = date(2018, 10, 5),
        status: str = "placed",
        evaluated: bool = False,
        **kw,
    ) -> Order:
        n = next(_seq)
        amount = quantity * unit_price
        product = allocation.application.product
        values = dict(
            number=f"PO-{ordered_on.year}-{n:05d}",
            institution_id=mou.institution_id,
            mou=mou,
            buyer=buyer,
            product=product,
            allocation=allocation,
            certificate=product.certificates[0],
            quantity=quantity,
            unit_price_krw=unit_price,
            amount_krw=amount,
            contract_method="private_contract",
            ordered_on=ordered_on,
            status=status,
            no_private_interest=True,
            quota_before_krw=mou.balance_krw,
            allocation_before_krw=allocation.amount_krw - (allocation.ordered_krw or 0),
        )
        values.update(kw)
        order = Order(**values)
        mou.balance_krw -= amount
        if status != "cancelled":
            allocation.ordered_krw = (allocation.ordered_krw or 0) + amount
        db.session.add(order)
        db.session.flush()
        chains.defer(
            QuotaEntry(
                mou_id=mou.id,
                kind="charge",
                amount_krw=-amount,
                balance_after=mou.balance_krw,
                order_id=order.id,
                actor_id=buyer.id,
            )
        )
        if status == "cancelled":
            mou.balance_krw += amount
            order.cancelled_at = order.cancelled_at or datetime(2018, 11, 1, 3, 0, tzinfo=UTC)
            order.cancel_reason = order.cancel_reason or "납품 불가"
            chains.defer(
                QuotaEntry(
                    mou_id=mou.id,
                    kind="release",
                    amount_krw=amount,
                    balance_after=mou.balance_krw,
                    order_id=order.id,
                    actor_id=buyer.id,
                )
            )
        if evaluated:
            db.session.add(
                Evaluation(
                    order=order,
                    product_id=product.id,
                    conformance=4,
                    quality=5,
                    delivery=4,
                    support=4,
                    overall=4,
                    would_buy_again=True,
                    created_by_id=buyer.id,
                )
            )
        db.session.commit()
        return order

    def purchase(self, buyer=None, *, product=None, mou=None, round_=None, **kw) -> Order:
        """A whole chain for one order: buyer, MOU, published round, allocation, order."""
        buyer = buyer or self.make.user("buyer")
        institution = buyer.institution
        if product is None:
            company = self.make.company()
            certificate = self.make.certificate(company, issued_on=date(2017, 1, 2), expires_on=date(2020, 12, 31))
            product = self.make.product(company, certificates=[certificate])
        round_ = round_ or self.round([institution])
        mou = mou or self.mou(institution)
        allocation = self.allocation(
            round_,
            product,
            institution,
            startup=kw.pop("startup", True),
            first_timer=kw.pop("first_timer", False),
        )
        return self.order(buyer, mou, allocation, **kw)

    def relief_certificate(self, order: Order, pdf: bytes = b"%PDF-1.7 sample\n", **kw):
        """A certificate row without rendering (for access and listing tests), with its issue event."""
        import hashlib

        from marketplace.domain.hashing import canonical_json, sha256_hex
        from marketplace.domain.relief import new_code
        from marketplace.models import AuditReliefCertificate
        from marketplace.services.audit import record_event
        from marketplace.services.relief_facts import Stamp, certificate_facts, load_order

        n = next(_seq)
        serial = kw.pop("serial", f"PP-{order.ordered_on.year}-{900000 + n:06d}")
        version = kw.get("version", 1)
        facts_json = canonical_json(certificate_facts(load_order(order.id), Stamp(serial, version, clock.now())))
        values = dict(
            order_id=order.id,
            serial=serial,
            verification_code=new_code(),
            order_status=order.status,
            facts_json=facts_json,
            facts_sha256=sha256_hex(facts_json),
            pdf=pdf,
            pdf_sha256=hashlib.sha256(pdf).hexdigest(),
            status="valid",
        )
        values.update(kw)
        certificate = AuditReliefCertificate(**values)
        db.session.add(certificate)
        db.session.flush()
        record_event(
            None,
            "relief_certificate.issued",
            certificate,
            institution_id=order.institution_id,
            after={"serial": serial, "facts_sha256": values["facts_sha256"], "pdf_sha256": values["pdf_sha256"]},
        )
        db.session.commit()
        return certificate
