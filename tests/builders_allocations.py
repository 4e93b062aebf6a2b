"""A published round as rows with a real frozen manifest, for tests of moving and refilling allocations.

Budgets: AAA 100,000,000 and BBB 50,000,000 won. S1 (50,000,000) holds AAA; S2 (50,000,000) held BBB and
was withdrawn when nobody fitted its budget; W (60,000,000) waits first on the waitlist and fits nowhere
(AAA has 50,000,000 left, BBB 50,000,000) until budget moves. Each institution has a buyer and an MOU.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from marketplace.domain import selection
from marketplace.domain.clock import SEOUL
from marketplace.extensions import db
from marketplace.models import Allocation, Application, Draw, Institution, Mou, Round, User
from tests import clock
from tests.builders_orders import OrderBuilders
from tests.builders_rounds import RoundBuilders

MILLION = 1_000_000


@dataclass
class AllocationWorld:
    round: Round
    aaa: Institution
    bbb: Institution
    s1: Allocation
    s2: Allocation
    w: Application
    staff: User
    buyers: dict[str, User]
    mous: dict[str, Mou]
    suppliers: dict[int, User]  # by application id


def build(make, *, published_days_ago: int = 10) -> AllocationWorld:
    aaa, bbb = make.institution(code="AAA", name_ko="가기관"), make.institution(code="BBB", name_ko="나기관")
    now = clock.now()
    round_ = RoundBuilders(make).round(
        status="published",
        opens_at=now - timedelta(days=60),
        closes_at=now - timedelta(days=30),
        budgets=[(aaa, 100 * MILLION), (bbb, 50 * MILLION)],
    )
    apps = [
        _application(make, round_, amount, status)
        for amount, status in ((50, "selected"), (50, "withdrawn"), (60, "waitlisted"))
    ]
    s1_app, s2_app, w = apps
    w.waitlist_position = 1
    published = now - timedelta(days=published_days_ago)
    _draw(round_, aaa, bbb, apps, published)
    valid_until = published.astimezone(SEOUL).date() + timedelta(days=365)
    s1 = Allocation(
        round_id=round_.id,
        application_id=s1_app.id,
        institution_id=aaa.id,
        amount_krw=50 * MILLION,
        rank=1,
        valid_until=valid_until,
    )
    s2 = Allocation(
        round_id=round_.id,
        application_id=s2_app.id,
        institution_id=bbb.id,
        amount_krw=50 * MILLION,
        rank=2,
        valid_until=valid_until,
        status="withdrawn",
    )
    db.session.add_all([s1, s2])
    db.session.commit()
    ob = OrderBuilders(make)
    staff = make.user("ministry")
    buyers = {code: make.user("buyer", institution=i) for code, i in (("AAA", aaa), ("BBB", bbb))}
    mous = {code: ob.mou(i, actor=staff) for code, i in (("AAA", aaa), ("BBB", bbb))}
    suppliers = {a.id: make.user("supplier", company=a.company) for a in apps}
    return AllocationWorld(round_, aaa, bbb, s1, s2, w, staff, buyers, mous, suppliers)


def _application(make, round_: Round, millions: int, status: str) -> Application:
    product = make.product(unit_price_krw=MILLION)
    return RoundBuilders(make).application(round_, product, amount=millions * MILLION, status=status)


def _draw(round_: Round, aaa: Institution, bbb: Institution, apps: list[Application], published) -> None:
    manifest = selection.Manifest(
        round_.code,
        selection.RULE_VERSION,
        (selection.PoolInstitution(aaa.code, 100 * MILLION), selection.PoolInstitution(bbb.code, 50 * MILLION)),
        tuple(selection.PoolApplication(a.id, 1, a.amount_krw) for a in apps),
    )
    db.session.add(
        Draw(
            round_id=round_.id,
            rule_version=selection.RULE_VERSION,
            manifest_json=selection.manifest_json(manifest),
            manifest_sha256=selection.manifest_sha256(manifest),
            seed="07 12 19 28 33 41",
            result_json="{}",
            drawn_at=published,
            published_at=published,
        )
    )
    db.session.commit()
