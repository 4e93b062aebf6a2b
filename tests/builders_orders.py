"""Builders for MOUs, published selections and orders.

Rounds, applications and allocations are created directly as rows, so these tests do not depend on
the round services.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from marketplace.extensions import db
from marketplace.models import Allocation, Application, Draw, Mou, Round, RoundInstitution
from marketplace.services import orders as order_service
from marketplace.services import quota as quota_service
from marketplace.services.orders import PurchaseInput
from tests import clock

_seq = itertools.count(1)


class OrderBuilders:
    def __init__(self, make):
        self.make = make

    def mou(
        self,
        institution=None,
        *,
        committed: int = 100_000_000,
        actor=None,
        starts_on: date | None = None,
        ends_on: date | None = None,
        number: str | None = None,
    ) -> Mou:
        """An MOU created through the service, so its commit entry exists; active around today."""
        n = next(_seq)
        institution = institution or self.make.institution()
        actor = actor or self.make.user("ministry")
        terms = quota_service.MouTerms(
            number=number or f"MOU-T-{n:05d}-{clock.now().microsecond:06d}",
            signed_on=clock.today() - timedelta(days=30),
            starts_on=starts_on or clock.today() - timedelta(days=30),
            ends_on=ends_on or clock.today() + timedelta(days=335),
            committed_krw=committed,
        )
        return quota_service.create_mou(actor, institution, terms)

    def published_round(self, *, published_days_ago: int | None = None, budgets=(), **kw) -> Round:
        """A round row (published unless `status` says otherwise); with published_days_ago, a draw row whose
        result was published that many days ago; budgets: (institution, amount) pairs taking part."""
        n = next(_seq)
        now = clock.now()
        values = dict(
            code=f"P{n:04d}-{now.microsecond:06d}"[:20],
            title_ko="공개된 공모",
            title_en="Published round",
            opens_at=now - timedelta(days=90),
            closes_at=now - timedelta(days=60),
            cap_krw=500_000_000,
            status="published",
        )
        values.update(kw)
        round_ = Round(**values)
        round_.budgets = [RoundInstitution(institution=i, budget_krw=b) for i, b in budgets]
        if published_days_ago is not None:
            published = now - timedelta(days=published_days_ago)
            round_.draw = Draw(
                rule_version="pp-draw-2",
                manifest_json="{}",
                manifest_sha256="ab" * 32,
                seed="07 12 19 28 33 41",
                result_json="{}",
                drawn_at=published,
                published_at=published,
            )
        db.session.add(round_)
        db.session.commit()
        return round_

    def allocation(
        self,
        institution,
        product=None,
        *,
        round_: Round | None = None,
        amount: int = 50_000_000,
        status: str = "active",
        application_status: str = "selected",
        **kw,
    ) -> Allocation:
        """A selected application of `product` allocated to `institution` in a (published) round."""
        round_ = round_ or self.published_round()
        product = product or self.make.product()
        application = Application(
            round_id=round_.id,
            company_id=product.company_id,
            product_id=product.id,
            receipt_no=f"RA-{next(_seq)}-{product.id}",
            amount_krw=amount,
            status=application_status,
        )
        db.session.add(application)
        db.session.flush()
        allocation = Allocation(
            round_id=round_.id,
            application_id=application.id,
            institution_id=institution.id,
            amount_krw=amount,
            rank=1,
            status=status,
            **kw,
        )
        db.session.add(allocation)
        db.session.commit()
        return allocation

    def setup(self, committed: int = 100_000_000, unit_price: int = 1_000_000):
        """A buyer, their institution's MOU and an allocation of a product to that institution."""
        buyer = self.make.user("buyer")
        institution = buyer.institution
        mou = self.mou(institution, committed=committed)
        product = self.make.product(unit_price_krw=unit_price)
        allocation = self.allocation(institution, product)
        return buyer, mou, allocation

    @staticmethod
    def purchase(allocation, mou, *, quantity: int = 1, unit_price: int = 1_000_000, **kw) -> PurchaseInput:
        values = dict(
            allocation_id=allocation.id,
            mou_id=mou.id,
            quantity=quantity,
            unit_price_krw=unit_price,
            contract_method="private_contract",
            ordered_on=clock.today(),
            no_private_interest=True,
        )
        values.update(kw)
        return PurchaseInput(**values)

    def order(self, buyer, allocation, mou, **kw):
        return order_service.record_pilot_purchase(buyer, self.purchase(allocation, mou, **kw))
