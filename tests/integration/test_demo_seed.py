"""flask seed-demo: believable sample data in the expected amounts, marked as sample, idempotent."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.demo import DEMO_PASSWORD, base
from marketplace.domain.catalogue import CatalogueQuery
from marketplace.extensions import db
from marketplace.models import Certificate, Company, Institution, Product, SearchGram, User
from marketplace.services import catalogue
from tests import clock


def counts() -> dict:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Institution, Company, Certificate, Product, User, SearchGram)
    }


def test_flask_seed_demo_prints_the_demo_logins(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert DEMO_PASSWORD in result.output and "ministry@demo.example" in result.output
    assert "supplier1@demo.example" in result.output and "buyer.kepco@demo.example" in result.output
    assert "evaluator1@demo.example" in result.output


def test_the_base_demo_creates_the_institutions_companies_products_and_logins(app):
    base.seed()
    found = counts()
    assert found["Institution"] == 26 and found["Company"] == 40 and found["Product"] == 120
    codes = set(db.session.scalars(select(Institution.code)))
    assert {"KEPCO", "LH", "EX", "KRC", "KWATER", "KR", "INST07", "INST26"} <= codes
    assert db.session.scalar(select(func.count()).select_from(Institution).where(~Institution.is_sample)) == 0
    assert db.session.scalar(select(func.count()).select_from(Company).where(~Company.is_sample)) == 0
    roles = dict(db.session.execute(select(User.role, func.count()).group_by(User.role)).all())
    assert roles == {"ministry": 1, "buyer": 26, "supplier": 5, "evaluator": 5}
    buyer = db.session.scalar(select(User).where(User.email == "buyer.kwater@demo.example"))
    assert buyer.institution.code == "KWATER"


def test_the_demo_has_startups_first_timers_general_suppliers_and_one_expired_certificate(app):
    base.seed()
    today = clock.today()
    cards = catalogue.search(CatalogueQuery(), today=today, page_size=200).cards
    assert 60 <= len(cards) < 120  # drafts, pending/rejected companies and the expired certificate hide some
    assert any(c.startup for c in cards) and any(c.first_timer for c in cards)
    assert any(not c.startup and not c.first_timer for c in cards)
    expired = select(func.count()).select_from(Certificate).where(Certificate.expires_on < today)
    assert db.session.scalar(expired) == 1
    not_approved = select(func.count()).select_from(Company).where(Company.status != "approved")
    assert db.session.scalar(not_approved) == 4
    korean = catalogue.search(CatalogueQuery(q="센서"), today=today, page_size=50)
    assert korean.total > 0


def test_running_the_base_demo_twice_adds_nothing_and_returns_the_logins_again(app):
    base.seed()
    before = counts()
    again = base.seed()
    assert any("supplier1@demo.example" in line for line in again)
    assert counts() == before
