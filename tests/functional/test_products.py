"""Products: drafts, edits, the public listing rule, the search text; no supplier touches another's."""

from datetime import timedelta

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import AuditEvent, Product
from marketplace.services.products import build_search_text, listed_condition
from tests import clock
from tests.builders_supplier import product_form, sign_in

TODAY = clock.today()


def _public_ids() -> set[int]:
    return set(db.session.scalars(select(Product.id).where(listed_condition(TODAY))))


def test_a_supplier_adds_a_draft_product_linked_to_its_certificate(client, make):
    user = make.user("supplier")
    certificate = make.certificate(user.company, status="pending")
    sign_in(client, user)
    response = client.post("/supplier/products/new", data=product_form([certificate.id]))
    assert response.status_code == 302
    product = db.session.query(Product).one()
    assert product.status == "draft" and product.unit_price_krw == 1_200_000
    assert [c.id for c in product.certificates] == [certificate.id]
    assert "smart leak detector" in product.search_text and "epc" in product.search_text
    assert db.session.query(AuditEvent).filter_by(action="product.created").count() == 1


def test_listing_is_refused_with_a_reason_until_a_linked_certificate_is_verified(client, make):
    user = make.user("supplier")
    certificate = make.certificate(user.company, status="pending")
    product = make.product(user.company, certificates=[certificate], status="draft")
    sign_in(client, user)
    response = client.post(f"/supplier/products/{product.id}/status", data={"action": "list"})
    assert response.status_code == 400 and b"verified and valid today" in response.data
    assert db.session.get(Product, product.id).status == "draft"
    certificate.status = "verified"
    db.session.commit()
    assert client.post(f"/supplier/products/{product.id}/status", data={"action": "list"}).status_code == 302
    assert db.session.get(Product, product.id).status == "listed"
    assert product.id in _public_ids()
    assert db.session.query(AuditEvent).filter_by(action="product.listed", object_id=product.id).count() == 1


def test_a_company_not_yet_approved_cannot_list(client, make):
    company = make.company(status="pending")
    user = make.user("supplier", company=company)
    product = make.product(company, status="draft")
    sign_in(client, user)
    response = client.post(f"/supplier/products/{product.id}/status", data={"action": "list"})
    assert response.status_code == 400 and b"approved your company" in response.data


def test_a_product_without_certificates_cannot_list_and_an_unknown_action_is_a_400(client, make):
    user = make.user("supplier")
    product = make.product(user.company, certificates=[], status="draft")
    sign_in(client, user)
    assert client.post(f"/supplier/products/{product.id}/status", data={"action": "list"}).status_code == 400
    assert client.post(f"/supplier/products/{product.id}/status", data={}).status_code == 400


def test_an_expired_revoked_or_future_certificate_takes_a_listed_product_off_the_public_list(app, make):
    company = make.company()
    ok = make.product(company)
    expired = make.product(
        company,
        certificates=[
            make.certificate(company, issued_on=TODAY - timedelta(days=800), expires_on=TODAY - timedelta(days=1))
        ],
    )
    revoked = make.product(company, certificates=[make.certificate(company, status="revoked")])
    future = make.product(
        company,
        certificates=[
            make.certificate(company, issued_on=TODAY + timedelta(days=1), expires_on=TODAY + timedelta(days=400))
        ],
    )
    draft = make.product(company, status="draft")
    suspended = make.company(status="suspended")
    of_suspended = make.product(suspended)
    last_day = make.product(
        company, certificates=[make.certificate(company, issued_on=TODAY - timedelta(days=10), expires_on=TODAY)]
    )
    public = _public_ids()
    assert ok.id in public and last_day.id in public
    for hidden in (expired, revoked, future, draft, of_suspended):
        assert hidden.id not in public


def test_one_valid_certificate_among_several_is_enough(app, make):
    company = make.company()
    product = make.product(
        company, certificates=[make.certificate(company, status="rejected"), make.certificate(company)]
    )
    assert product.id in _public_ids()


def test_delisting_hides_the_product_and_it_can_be_listed_again(client, make):
    user = make.user("supplier")
    product = make.product(user.company)
    sign_in(client, user)
    client.post(f"/supplier/products/{product.id}/status", data={"action": "delist"})
    assert db.session.get(Product, product.id).status == "delisted" and product.id not in _public_ids()
    client.post(f"/supplier/products/{product.id}/status", data={"action": "list"})
    assert db.session.get(Product, product.id).status == "listed"


def test_editing_a_product_rebuilds_its_search_text(client, make):
    user = make.user("supplier")
    product = make.product(user.company)
    sign_in(client, user)
    cert_ids = [c.id for c in product.certificates]
    response = client.post(
        f"/supplier/products/{product.id}/edit", data=product_form(cert_ids, name_en="Flood Sentinel", model="FS-9")
    )
    assert response.status_code == 302
    product = db.session.get(Product, product.id)
    assert "flood sentinel" in product.search_text and "fs-9" in product.search_text
    assert product.search_text == build_search_text(product)
    assert user.company.name_ko.lower() in product.search_text


def test_bad_product_input_is_a_400(client, make):
    user = make.user("supplier")
    sign_in(client, user)
    assert client.post("/supplier/products/new", data=product_form(unit_price_krw="0")).status_code == 400
    assert client.post("/supplier/products/new", data=product_form(category="weapons")).status_code == 400
    assert client.post("/supplier/products/new", data={}).status_code == 400
    assert db.session.query(Product).count() == 0


def test_supplier_a_cannot_see_edit_or_list_supplier_bs_product(client, make):
    other = make.product(make.company(), status="draft", name_ko="남의 제품")
    sign_in(client, make.user("supplier"))
    assert client.get(f"/supplier/products/{other.id}/edit").status_code == 404
    assert client.post(f"/supplier/products/{other.id}/edit", data=product_form()).status_code == 404
    assert client.post(f"/supplier/products/{other.id}/status", data={"action": "list"}).status_code == 404
    assert "남의 제품".encode() not in client.get("/supplier/products").data
    assert db.session.get(Product, other.id).status == "draft"


def test_supplier_a_cannot_link_supplier_bs_certificate(client, make):
    theirs = make.certificate(make.company())
    user = make.user("supplier")
    sign_in(client, user)
    response = client.post("/supplier/products/new", data=product_form([theirs.id]))
    assert response.status_code == 400
    assert db.session.query(Product).count() == 0


def test_the_product_pages_render(client, make):
    user = make.user("supplier")
    product = make.product(user.company)
    sign_in(client, user)
    for url in ("/supplier/products", "/supplier/products/new", f"/supplier/products/{product.id}/edit"):
        assert client.get(url).status_code == 200
