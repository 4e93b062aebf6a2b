"""The public catalogue: search in Korean and English, filters, sort, pages, product and supplier pages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from marketplace.extensions import db
from tests import clock
from tests.builders_catalogue import searchable_product


def names(client, query: str, lang: str = "ko") -> str:
    response = client.get(f"/products{query}", headers={"Accept-Language": lang})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_two_syllable_korean_query_finds_products_containing_it(client, make):
    searchable_product(make, name_ko="무선 온도센서 모듈", name_en="Wireless module")
    searchable_product(make, name_ko="고효율 펌프", name_en="Pump", description="배관용")
    page = names(client, "?q=센서")
    assert "무선 온도센서 모듈" in page and "고효율 펌프" not in page


def test_english_words_match_in_any_case_and_all_words_must_match(client, make):
    searchable_product(make, name_ko="조명 A", name_en="Tunnel LED Light")
    searchable_product(make, name_ko="조명 B", name_en="Street LED lamp")
    page = names(client, "?q=led+TUNNEL")
    assert "조명 A" in page and "조명 B" not in page


def test_the_company_name_and_certificate_type_are_searchable(client, make):
    company = make.company(name_ko="한빛로보틱스", name_en="Hanbit Robotics")
    searchable_product(
        make, company, name_ko="협동 로봇", name_en="Cobot", certificates=[make.certificate(company, type_code="GS")]
    )
    searchable_product(make, name_ko="다른 제품", name_en="Other", description="")
    assert "협동 로봇" in names(client, "?q=한빛")
    assert "협동 로봇" in names(client, "?q=robotics")
    page = names(client, "?q=GS인증")
    assert "협동 로봇" in page and "다른 제품" not in page


def test_a_one_character_query_and_like_wildcards_do_not_break_the_search(client, make):
    searchable_product(make, name_ko="센서 A")
    assert "센서 A" in names(client, "?q=센")
    assert "센서 A" not in names(client, "?q=%25")
    assert "센서 A" not in names(client, "?q=_")


def test_filters_by_category_region_certificate_type_startup_and_first_timer(client, make):
    today = clock.today()
    young = make.company(region="busan", founded_on=today - timedelta(days=365), public_supply_count=3)
    old_first = make.company(region="seoul", founded_on=date(2001, 1, 1), public_supply_count=0)
    old_general = make.company(region="seoul", founded_on=date(2001, 1, 1), public_supply_count=5)
    searchable_product(
        make, young, name_ko="젊은 제품", category="water", certificates=[make.certificate(young, type_code="NEP")]
    )
    searchable_product(make, old_first, name_ko="첫진입 제품", category="electronics")
    searchable_product(make, old_general, name_ko="일반 제품", category="electronics")

    def found(query):
        page = names(client, query)
        return {n for n in ("젊은 제품", "첫진입 제품", "일반 제품") if n in page}

    assert found("?category=water") == {"젊은 제품"}
    assert found("?region=seoul") == {"첫진입 제품", "일반 제품"}
    assert found("?cert_type=NEP") == {"젊은 제품"}
    assert found("?startup=1") == {"젊은 제품"}
    assert found("?first_timer=1") == {"첫진입 제품"}
    assert found("?first_timer=1&region=busan") == set()


def test_sorting_by_price_and_name(client, make):
    searchable_product(make, name_ko="나 제품", unit_price_krw=3_000)
    searchable_product(make, name_ko="가 제품", unit_price_krw=9_000)
    searchable_product(make, name_ko="다 제품", unit_price_krw=1_000)

    def order(sort):
        page = names(client, f"?sort={sort}")
        return sorted(("가 제품", "나 제품", "다 제품"), key=page.index)

    assert order("price_asc") == ["다 제품", "나 제품", "가 제품"]
    assert order("price_desc") == ["가 제품", "나 제품", "다 제품"]
    assert order("name") == ["가 제품", "나 제품", "다 제품"]
    assert order("newest") == ["다 제품", "가 제품", "나 제품"]


def test_relevance_puts_name_matches_before_description_matches(client, make):
    searchable_product(make, name_ko="펌프 제어기", description="센서 포함")
    searchable_product(make, name_ko="수위 센서", description="일반")
    page = names(client, "?q=센서")
    assert page.index("수위 센서") < page.index("펌프 제어기")


def test_results_are_paginated_with_next_and_previous_links_and_the_count_once_known(app, client, make):
    app.config["CATALOGUE_PAGE_SIZE"] = 2
    company = make.company()
    certificate = make.certificate(company)
    for n in range(5):
        searchable_product(make, company, name_ko=f"페이지 제품 {n}", certificates=[certificate])
    first, third = names(client, "?sort=name"), names(client, "?sort=name&page=3")
    # Counting every match of a common word costs more than the page: the first page shows its range.
    assert "제품 1–2번째" in first and "페이지 제품 0" in first and "페이지 제품 2" not in first
    assert 'href="/products?sort=name&amp;page=2" rel="next"' in first and 'rel="prev"' not in first
    # The last page knows the whole count, and offers no next page.
    assert "제품 5개" in third and "페이지 제품 4" in third and "페이지 제품 0" not in third
    assert 'href="/products?sort=name&amp;page=2" rel="prev"' in third and 'rel="next"' not in third
    assert "페이지 제품 4" in names(client, "?sort=name&page=999")  # past the end: the last page
    assert "제품 5개" in names(client, "?sort=name&page=4")


def test_pages_walk_name_matches_then_other_matches_without_repeating_a_product(app, client, make):
    app.config["CATALOGUE_PAGE_SIZE"] = 2
    company = make.company()
    certificate = make.certificate(company)
    for n in range(3):
        searchable_product(make, company, name_ko=f"이름 로봇 {n}", certificates=[certificate])
        searchable_product(make, company, name_ko=f"설명만 {n}", description="로봇 부품", certificates=[certificate])
    pages = [names(client, f"?q=로봇&page={n}") for n in (1, 2, 3)]
    candidates = [f"이름 로봇 {n}" for n in range(3)] + [f"설명만 {n}" for n in range(3)]
    shown = [sorted((name for name in candidates if name in page), key=page.index) for page in pages]
    assert shown == [["이름 로봇 2", "이름 로봇 1"], ["이름 로봇 0", "설명만 2"], ["설명만 1", "설명만 0"]]


@pytest.mark.parametrize(
    "case", ["draft", "delisted", "expired", "pending_certificate", "pending_company", "rejected_company"]
)
def test_products_not_publicly_listed_are_hidden_and_their_page_is_404(client, make, case):
    company = make.company(status={"pending_company": "pending", "rejected_company": "rejected"}.get(case, "approved"))
    today = clock.today()
    certificate = make.certificate(
        company,
        **{
            "expired": dict(issued_on=today - timedelta(days=800), expires_on=today - timedelta(days=1)),
            "pending_certificate": dict(status="pending"),
        }.get(case, {}),
    )
    product = searchable_product(
        make,
        company,
        name_ko="숨은 센서",
        certificates=[certificate],
        status=case if case in ("draft", "delisted") else "listed",
    )
    assert "숨은 센서" not in names(client, "?q=센서")
    assert client.get(f"/products/{product.id}").status_code == 404


def test_the_product_page_shows_certificates_with_validity_supplier_and_price(client, make):
    company = make.company(name_ko="가온테크")
    certificate = make.certificate(
        company, issued_on=date(2024, 3, 1), number="EPC-2024-77", expires_on=clock.today() + timedelta(days=90)
    )
    product = searchable_product(
        make, company, name_ko="스마트 밸브", unit_price_krw=2_340_000, certificates=[certificate]
    )
    page = client.get(f"/products/{product.id}", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert "스마트 밸브" in page and "가온테크" in page and "2,340,000원" in page
    assert "EPC-2024-77" in page and "2024-03-01" in page and certificate.expires_on.isoformat() in page
    english = client.get(f"/products/{product.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "KRW 2,340,000" in english


def test_the_supplier_page_shows_badges_and_only_listed_products(client, make):
    company = make.company(
        name_ko="새싹기업", founded_on=clock.today() - timedelta(days=400), public_supply_count=0, region="daejeon"
    )
    certificate = make.certificate(company)
    searchable_product(make, company, name_ko="공개 제품", certificates=[certificate])
    searchable_product(make, company, name_ko="초안 제품", certificates=[certificate], status="draft")
    page = client.get(f"/suppliers/{company.id}", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert "새싹기업" in page and "공개 제품" in page and "초안 제품" not in page
    assert "창업기업" in page and "공공조달 첫 진입" in page and "대전" in page


@pytest.mark.parametrize("status", ["pending", "rejected", "suspended"])
def test_a_supplier_that_is_not_approved_has_no_public_page(client, make, status):
    company = make.company(status=status)
    assert client.get(f"/suppliers/{company.id}").status_code == 404


def test_unknown_products_and_suppliers_are_404(client):
    assert client.get("/products/999999").status_code == 404
    assert client.get("/suppliers/999999").status_code == 404


def test_editing_the_search_text_updates_the_index(client, make):
    product = searchable_product(make, name_ko="옛 이름", name_en="Old")
    product.name_ko = "새 이름 드론"
    from marketplace.services.products import build_search_text

    product.search_text = build_search_text(product)
    db.session.commit()
    assert "새 이름 드론" in names(client, "?q=드론")
    assert "새 이름 드론" not in names(client, "?q=옛")
