"""The catalogue's postings follow every change to a product, its company and its certificates.

Searches filter on the postings' own columns (models/search.py), so each test changes something through
the ORM, commits, and checks what the catalogue shows.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from marketplace.domain.catalogue import ALL_PRODUCTS_GRAM
from marketplace.extensions import db
from marketplace.models import SearchGram
from tests import clock
from tests.builders_catalogue import searchable_product


def shown(client, query: str, name: str) -> bool:
    response = client.get(f"/products{query}", headers={"Accept-Language": "ko"})
    assert response.status_code == 200
    return name in response.get_data(as_text=True)


def test_a_company_moving_region_moves_its_products_between_region_filters(client, make):
    company = make.company(region="seoul")
    searchable_product(make, company, name_ko="이사 센서")
    assert shown(client, "?q=센서&region=seoul", "이사 센서")
    company.region = "busan"
    db.session.commit()
    assert not shown(client, "?q=센서&region=seoul", "이사 센서")
    assert shown(client, "?q=센서&region=busan", "이사 센서")


def test_suspending_the_company_or_revoking_the_certificate_hides_the_product_until_restored(client, make):
    company = make.company()
    certificate = make.certificate(company)
    searchable_product(make, company, name_ko="취소 센서", certificates=[certificate])
    certificate.status = "revoked"
    db.session.commit()
    assert not shown(client, "?q=센서", "취소 센서")
    certificate.status = "verified"
    db.session.commit()
    assert shown(client, "?q=센서", "취소 센서")
    company.status = "suspended"
    db.session.commit()
    assert not shown(client, "?q=센서", "취소 센서") and not shown(client, "", "취소 센서")


def test_linking_and_unlinking_certificates_and_delisting_update_the_catalogue(client, make):
    company = make.company()
    pending = make.certificate(company, status="pending")
    product = searchable_product(make, company, name_ko="연결 밸브", certificates=[pending])
    assert not shown(client, "?q=밸브", "연결 밸브")
    product.certificates = [pending, make.certificate(company)]
    db.session.commit()
    assert shown(client, "?q=밸브", "연결 밸브")
    product.status = "delisted"
    db.session.commit()
    assert not shown(client, "?q=밸브", "연결 밸브")


def test_a_gap_between_certificates_hides_the_product_while_today_is_in_the_gap(client, make):
    today = clock.today()
    company = make.company()
    old = make.certificate(company, issued_on=today - timedelta(days=900), expires_on=today - timedelta(days=10))
    later = make.certificate(company, issued_on=today + timedelta(days=10), expires_on=today + timedelta(days=900))
    product = searchable_product(make, company, name_ko="틈새 조명", certificates=[old, later])
    assert not shown(client, "?q=조명", "틈새 조명") and not shown(client, "", "틈새 조명")
    product.certificates = [old, later, make.certificate(company)]
    db.session.commit()
    assert shown(client, "?q=조명", "틈새 조명")


def test_the_certificate_type_filter_needs_a_certificate_of_that_type_valid_today(client, make):
    today = clock.today()
    company = make.company()
    expired_epc = make.certificate(
        company, type_code="EPC", issued_on=today - timedelta(days=900), expires_on=today - timedelta(days=1)
    )
    searchable_product(
        make, company, name_ko="유형 펌프", certificates=[expired_epc, make.certificate(company, type_code="NEP")]
    )
    assert shown(client, "?q=펌프&cert_type=NEP", "유형 펌프")
    assert not shown(client, "?q=펌프&cert_type=EPC", "유형 펌프")
    assert not shown(client, "?cert_type=EPC", "유형 펌프")


def test_every_product_has_one_posting_per_bigram_and_one_for_browsing(client, make):
    product = searchable_product(make, name_ko="센서", name_en="", model="", description="", specification="")
    grams = set(db.session.scalars(select(SearchGram.gram).where(SearchGram.product_id == product.id)))
    assert {"센서", ALL_PRODUCTS_GRAM} <= grams
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(SearchGram)
            .where(SearchGram.product_id == product.id, SearchGram.gram == "센서", SearchGram.in_name)
        )
        == 1
    )


def test_deleting_a_product_removes_its_postings(client, make):
    product = searchable_product(make, name_ko="삭제 센서")
    product_id = product.id
    db.session.delete(product)
    db.session.commit()
    assert (
        db.session.scalar(select(func.count()).select_from(SearchGram).where(SearchGram.product_id == product_id)) == 0
    )


def test_a_result_card_shows_names_price_and_badges_in_the_visitors_language(client, make):
    company = make.company(name_ko="카드기업", name_en="Card Co", public_supply_count=0)
    product = searchable_product(
        make,
        company,
        name_ko="카드 센서",
        name_en="Card sensor",
        unit_price_krw=1_500_000,
        certificates=[make.certificate(company, type_code="NEP")],
    )
    korean = client.get("/products?q=센서", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    english = client.get("/products?q=sensor", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "카드 센서" in korean and "카드기업" in korean and "1,500,000원" in korean
    assert f'href="/products/{product.id}"' in korean and f'href="/suppliers/{company.id}"' in korean
    assert "Card sensor" in english and "Card Co" in english and "KRW 1,500,000" in english
    assert "First-timer" in english and "Startup" in english  # founded 2020 by the builder
