"""The catalogue's page cache: anonymous visitors get cached pages, and only while nothing shown changed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text

from marketplace.extensions import db
from marketplace.models import Product
from marketplace.models.search import CatalogueVersion
from tests import clock
from tests.builders_catalogue import searchable_product


def page(client, query: str = "?q=센서", lang: str = "ko") -> str:
    response = client.get(f"/products{query}", headers={"Accept-Language": lang})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def version() -> int:
    return db.session.scalar(select(CatalogueVersion.version))


def test_a_cached_page_is_served_until_a_change_to_the_catalogue_is_committed(client, make):
    product = searchable_product(make, name_ko="무선 온도센서", unit_price_krw=1_000)
    assert "1,000원" in page(client)
    # A write that bypasses the application (and so the version) is not seen: the page came from the cache.
    db.session.execute(text("UPDATE products SET unit_price_krw = 3000 WHERE id = :id"), {"id": product.id})
    db.session.commit()
    assert "1,000원" in page(client)
    # A change through the application raises the version: the next visitor sees it at once.
    db.session.expire_all()
    product.unit_price_krw = 2_000
    db.session.commit()
    assert "2,000원" in page(client)


def _price(make, product):
    product.unit_price_krw += 1


def _company_name(make, product):
    product.company.name_ko = "새 이름 주식회사"


def _certificate_rejected(make, product):
    product.certificates[0].status = "rejected"


def _certificate_unlinked(make, product):
    product.certificates.remove(product.certificates[0])


def _certificate_type_renamed(make, product):
    product.certificates[0].type.name_en = "Renamed type"


def _new_product(make, product):
    db.session.add(
        Product(
            company=product.company,
            name_ko="새 센서",
            name_en="",
            model="N-1",
            description="",
            specification="",
            category="electronics",
            unit_price_krw=1_000,
            unit="EA",
            status="listed",
            certificates=list(product.certificates),
        )
    )


def _product_deleted(make, product):
    db.session.delete(product)


@pytest.mark.parametrize(
    "change",
    [
        _price,
        _company_name,
        _certificate_rejected,
        _certificate_unlinked,
        _certificate_type_renamed,
        _new_product,
        _product_deleted,
    ],
)
def test_every_change_a_page_shows_raises_the_version_at_commit(app, make, change):
    product = searchable_product(make, name_ko="센서")
    before = version()
    change(make, product)
    assert version() == before  # not before the commit (a flush alone is not visible to other visitors)
    db.session.commit()
    assert version() > before


def test_changes_elsewhere_and_rolled_back_changes_leave_the_version(app, make):
    product = searchable_product(make, name_ko="센서")
    before = version()
    make.institution()
    make.user("ministry")
    product.unit_price_krw += 1
    db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert version() == before


def test_signed_in_visitors_are_never_served_an_anonymous_page(client, make, auth):
    searchable_product(make, name_ko="무선 온도센서")
    assert "무선 온도센서" in page(client)
    user = make.user("supplier", name="김공급")
    auth.login(user)
    signed_in = page(client)
    assert "김공급" in signed_in and "무선 온도센서" in signed_in
    auth.logout()
    assert "김공급" not in page(client)


def test_each_language_and_each_query_has_its_own_page(client, make):
    searchable_product(make, name_ko="무선 온도센서", name_en="Wireless temperature sensor")
    searchable_product(make, name_ko="고효율 펌프", name_en="Pump", description="")
    assert "1,500,000원" in page(client, lang="ko")
    english = page(client, lang="en")
    assert "Wireless temperature sensor" in english and "KRW 1,500,000" in english
    assert "고효율 펌프" in page(client, "?q=펌프") and "고효율 펌프" not in page(client)


def test_a_certificate_that_expires_today_drops_the_product_tomorrow(client, make, monkeypatch):
    today = clock.today()
    company = make.company()
    searchable_product(
        make, company, name_ko="오늘까지 센서", certificates=[make.certificate(company, expires_on=today)]
    )
    monkeypatch.setattr("marketplace.public.views.seoul_today", lambda: today)
    assert "오늘까지 센서" in page(client)
    monkeypatch.setattr("marketplace.public.views.seoul_today", lambda: today + timedelta(days=1))
    assert "오늘까지 센서" not in page(client)


def test_the_cache_can_be_turned_off(app, client, make):
    app.config["CATALOGUE_CACHE_PAGES"] = 0
    product = searchable_product(make, name_ko="무선 온도센서", unit_price_krw=1_000)
    assert "1,000원" in page(client)
    db.session.execute(text("UPDATE products SET unit_price_krw = 3000 WHERE id = :id"), {"id": product.id})
    db.session.commit()
    assert "3,000원" in page(client)


def test_without_a_readable_version_pages_are_served_uncached(client, make):
    product = searchable_product(make, name_ko="무선 온도센서", unit_price_krw=1_000)
    db.session.execute(text("DELETE FROM catalogue_version"))
    db.session.commit()
    assert "1,000원" in page(client)
    db.session.execute(text("UPDATE products SET unit_price_krw = 3000 WHERE id = :id"), {"id": product.id})
    db.session.commit()
    assert "3,000원" in page(client)
    db.session.execute(text("INSERT INTO catalogue_version (id, version) VALUES (1, 0)"))
    db.session.commit()
