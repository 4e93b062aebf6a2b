"""Pages anyone can read: home, catalogue, products, suppliers; the language switch."""

from __future__ import annotations

from functools import lru_cache

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from ..domain.catalogue import SORTS, CatalogueQuery, parse_catalogue_query
from ..domain.eligibility import is_first_timer, is_startup
from ..domain.reference import CATEGORIES, REGIONS, SIZE_CLASSES
from ..i18n import current_language, label
from ..routing import page_request
from ..security import safe_next
from ..services import catalogue, catalogue_cache, orders
from ..services.clock import seoul_today

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    """Home page: what the program is and where to go next."""
    return render_template("public/index.html")


@bp.post("/language")
def set_language():
    """Remember the chosen language in the session and go back to the page."""
    language = request.form.get("lang", "")
    if language in current_app.config["LANGUAGES"]:
        session["lang"] = language
    return redirect(safe_next(request.form.get("next")) or url_for("public.index"))


@bp.get("/products", endpoint="catalogue")
def catalogue_page():
    """The public catalogue: search words, filters, sort and pages over publicly listed products.

    Anonymous visitors are served from the page cache while the catalogue version is unchanged."""
    shareable = not current_user.is_authenticated and "_flashes" not in session
    key = (seoul_today(), current_language(), request.query_string)
    return catalogue_cache.cached(current_app, shareable, key, _render_catalogue)


def catalogue_query(cert_types: list[tuple[str, str, str]]) -> CatalogueQuery:
    """The search, filters and sort of this request, as the catalogue page reads them."""
    return parse_catalogue_query(
        request.args,
        categories=CATEGORIES,
        regions=REGIONS,
        cert_types={code for code, _ko, _en in cert_types},
        max_page=catalogue.max_page(current_app.config["CATALOGUE_PAGE_SIZE"]),
    )


def _render_catalogue() -> str:
    page_size = current_app.config["CATALOGUE_PAGE_SIZE"]
    cert_types = catalogue.certificate_type_choices()
    query = catalogue_query(cert_types)
    result = catalogue.search(query, today=seoul_today(), page_size=page_size)
    language = current_language()
    return render_template(
        "public/catalogue.html",
        result=result,
        query=query,
        options=_options(language),
        cert_types=[(code, en if language == "en" and en else ko) for code, ko, en in cert_types],
    )


@lru_cache(maxsize=8)
def _options(language: str) -> dict[str, list[tuple[str, str]]]:
    """(code, label) of the fixed filter vocabularies, translated once per language per process: the
    catalogue is the busiest page, and translating fifty option labels cost more than its queries."""
    return {
        name: [(code, label(vocabulary, code)) for code in vocabulary]
        for name, vocabulary in (("categories", CATEGORIES), ("regions", REGIONS), ("sorts", SORTS))
    }


@bp.get("/products/<int:product_id>")
def product(product_id: int):
    """A publicly listed product: certificates with validity dates, supplier, price."""
    card = catalogue.public_product(product_id, seoul_today())
    return render_template(
        "public/product.html", card=card, categories=CATEGORIES, evaluations=orders.evaluation_summary(product_id)
    )


@bp.get("/suppliers/<int:company_id>")
def supplier(company_id: int):
    """An approved supplier: region, founding date, badges and its publicly listed products."""
    today = seoul_today()
    company, cards = catalogue.public_supplier(company_id, today, **page_request())
    return render_template(
        "public/supplier.html",
        company=company,
        cards=cards,
        regions=REGIONS,
        size_classes=SIZE_CLASSES,
        startup=is_startup(company.founded_on, today),
        first_timer=is_first_timer(company.public_supply_count),
    )
