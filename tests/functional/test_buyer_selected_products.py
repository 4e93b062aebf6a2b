"""The buyer's list of selected products offers only what can be bought, each button naming its product."""

from __future__ import annotations

import re
from datetime import timedelta

from tests import clock
from tests.builders_orders import OrderBuilders


def test_products_without_a_valid_certificate_are_not_offered(client, auth, make):
    ob = OrderBuilders(make)
    buyer, _mou, valid = ob.setup()
    institution = buyer.institution
    revoked = make.product(name_ko="취소된 인증 제품", certificates=[make.certificate(status="revoked")])
    expired = make.product(
        name_ko="만료된 인증 제품",
        certificates=[
            make.certificate(
                issued_on=clock.today() - timedelta(days=800), expires_on=clock.today() - timedelta(days=1)
            )
        ],
    )
    ob.allocation(institution, revoked)
    ob.allocation(institution, expired)
    auth.login(buyer, language="ko")
    page = client.get("/buyer/selected-products").get_data(as_text=True)
    assert valid.application.product.name_ko in page
    assert "취소된 인증 제품" not in page and "만료된 인증 제품" not in page


def test_each_purchase_button_says_which_product_it_buys(client, auth, make):
    ob = OrderBuilders(make)
    buyer, _mou, first = ob.setup()
    second = ob.allocation(buyer.institution, make.product(name_ko="두 번째 제품"))
    auth.login(buyer, language="ko")
    page = client.get("/buyer/selected-products").get_data(as_text=True)
    names = [
        re.sub(r"<[^>]+>", "", name).strip()
        for name in re.findall(r'<a class="krds-btn small primary" href="/buyer/purchase/\d+">(.*?)</a>', page)
    ]
    assert sorted(names) == sorted(
        [f"구매 등록: {first.application.product.name_ko}", f"구매 등록: {second.application.product.name_ko}"]
    )


def test_the_public_waitlist_names_each_product_and_company(client, make):
    from tests import builders_allocations

    world = builders_allocations.build(make)
    page = client.get(f"/rounds/{world.round.code}", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    waitlist = page[page.index("예비 명단") :]
    assert world.w.product.name_ko in waitlist and world.w.company.name_ko in waitlist
    assert "50,000,000원" in page and "60,000,000원" in waitlist
