"""The public catalogue: search, filter, sort and page publicly listed products; product and supplier pages.

Search words are matched as substrings of Product.search_text. Words of two or more characters
first narrow the candidates through the bigram index (models/search.py), which works for two-syllable
Korean words on SQLite and PostgreSQL alike; LIKE then confirms each word on the candidates only.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import and_, case, exists, false, func, or_, select
from sqlalchemy.orm import aliased, contains_eager, selectinload

from ..domain.catalogue import CatalogueQuery, bigrams, is_first_timer, is_startup, startup_founded_after
from ..extensions import db
from ..models import Certificate, CertificateType, Company, Product, SearchGram, product_certificates
from .products import listed_condition

COUNT_LIMIT = 1000  # counts stop here: "1,000+ results"
# The catalogue joins the supplier under an alias: listed_condition() has its own correlated EXISTS on
# "companies", which auto-correlation would otherwise empty.
Supplier = aliased(Company, name="supplier")
VOCABULARY_SECONDS = 60


@dataclass
class ProductCard:
    """A product with what its card shows: supplier, certificates valid today, supplier badges."""

    product: Product
    certificates: list[Certificate]
    startup: bool
    first_timer: bool


@dataclass
class CataloguePage:
    query: CatalogueQuery
    cards: list[ProductCard]
    total: int
    total_is_lower_bound: bool
    page: int
    page_size: int
    pages: int = field(init=False)

    def __post_init__(self) -> None:
        self.pages = max(1, -(-min(self.total, COUNT_LIMIT) // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def max_page(page_size: int) -> int:
    """Deep pages are not offered: past COUNT_LIMIT results, visitors narrow the search."""
    return -(-COUNT_LIMIT // page_size)


def search(query: CatalogueQuery, *, today: date, page_size: int) -> CataloguePage:
    """Return one page of publicly listed products matching `query`, in its sort order."""
    conditions = _conditions(query, today)
    statement = (_with_supplier(select(Product))
                 .where(*conditions).order_by(*_order(query))
                 .limit(page_size).offset((query.page - 1) * page_size))
    products = db.session.scalars(statement).unique().all()
    if not products and query.page > 1:
        return _last_page(query, today, page_size)
    if query.page == 1 and len(products) < page_size:
        total = len(products)  # everything fits on the first page: no count needed
    else:
        counted = (select(Product.id).join(Product.company.of_type(Supplier)).where(*conditions)
                   .limit(COUNT_LIMIT + 1))
        total = db.session.scalar(select(func.count()).select_from(counted.subquery()))
    return CataloguePage(query=query, cards=cards_for(products, today), total=min(total, COUNT_LIMIT),
                         total_is_lower_bound=total > COUNT_LIMIT, page=query.page, page_size=page_size)


def _last_page(query: CatalogueQuery, today: date, page_size: int) -> CataloguePage:
    """A page past the end shows the last page instead (a shared link outlived some products)."""
    first = search(replace(query, page=1), today=today, page_size=page_size)
    if first.pages == 1:
        return first
    return search(replace(query, page=first.pages), today=today, page_size=page_size)


def cards_for(products: list[Product], today: date) -> list[ProductCard]:
    """Card data for products whose company is loaded; certificates come in one more query."""
    if not products:
        return []
    by_product: dict[int, list[Certificate]] = {p.id: [] for p in products}
    rows = db.session.execute(
        select(product_certificates.c.product_id, Certificate)
        .join(Certificate, Certificate.id == product_certificates.c.certificate_id)
        .options(selectinload(Certificate.type))
        .where(product_certificates.c.product_id.in_(by_product), _valid_on(today))
        .order_by(Certificate.expires_on.desc(), Certificate.id))
    for product_id, certificate in rows:
        by_product[product_id].append(certificate)
    return [ProductCard(p, by_product[p.id], is_startup(p.company.founded_on, today),
                        is_first_timer(p.company.public_supply_count)) for p in products]


def _with_supplier(statement):
    return statement.join(Product.company.of_type(Supplier)).options(
        contains_eager(Product.company.of_type(Supplier)))


def _valid_on(today: date):
    return and_(Certificate.status == "verified", Certificate.issued_on <= today,
                Certificate.expires_on >= today)


def _conditions(query: CatalogueQuery, today: date) -> list:
    conditions = [listed_condition(today)]
    if query.category:
        conditions.append(Product.category == query.category)
    if query.region:
        conditions.append(Supplier.region == query.region)
    if query.startup:
        conditions.append(Supplier.founded_on >= startup_founded_after(today))
    if query.first_timer:
        conditions.append(Supplier.public_supply_count == 0)
    if query.cert_type:
        conditions.append(exists(
            select(1).select_from(product_certificates)
            .join(Certificate, Certificate.id == product_certificates.c.certificate_id)
            .join(CertificateType, CertificateType.id == Certificate.type_id)
            .where(product_certificates.c.product_id == Product.id, CertificateType.code == query.cert_type,
                   _valid_on(today))))
    if query.q and not query.words:
        conditions.append(false())  # only punctuation: nothing can match
    conditions.extend(_word_conditions(query.words))
    return conditions


def _word_conditions(words: list[str]) -> list:
    """Candidates from the bigram index (all bigrams of all words), confirmed by LIKE per word."""
    grams = sorted(set().union(*(bigrams(w) for w in words))) if words else []
    conditions = []
    if len(grams) == 1:
        conditions.append(Product.id.in_(select(SearchGram.product_id).where(SearchGram.gram == grams[0])))
    elif grams:
        conditions.append(Product.id.in_(
            select(SearchGram.product_id).where(SearchGram.gram.in_(grams))
            .group_by(SearchGram.product_id).having(func.count() == len(grams))))
    # A two-character word is its own bigram, so the index match is already exact.
    conditions.extend(Product.search_text.like(f"%{_escape_like(w)}%", escape="\\")
                      for w in words if len(w) != 2)
    return conditions


def _order(query: CatalogueQuery) -> list:
    if query.sort == "price_asc":
        return [Product.unit_price_krw.asc(), Product.id.desc()]
    if query.sort == "price_desc":
        return [Product.unit_price_krw.desc(), Product.id.desc()]
    if query.sort == "name":
        return [Product.name_ko.asc(), Product.id.asc()]
    if query.sort == "relevance" and query.words:
        # Words found in the product's own name rank it above matches in the description or supplier.
        in_name = [case((or_(Product.name_ko.like(f"%{_escape_like(w)}%", escape="\\"),
                             func.lower(Product.name_en).like(f"%{_escape_like(w)}%", escape="\\")), 1),
                        else_=0) for w in query.words]
        return [sum(in_name[1:], in_name[0]).desc(), Product.id.desc()]
    return [Product.id.desc()]  # newest: ids are assigned in creation order


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def public_product(product_id: int, today: date) -> ProductCard | None:
    """A publicly listed product with its supplier and certificates valid today, or None."""
    product = db.session.scalar(
        _with_supplier(select(Product))
        .where(Product.id == product_id, listed_condition(today)))
    return cards_for([product], today)[0] if product else None


def public_supplier(company_id: int, today: date) -> tuple[Company, list[ProductCard]] | None:
    """An approved company and its publicly listed products (newest first), or None."""
    company = db.session.scalar(select(Company).where(Company.id == company_id, Company.status == "approved"))
    if company is None:
        return None
    products = db.session.scalars(
        _with_supplier(select(Product))
        .where(Product.company_id == company.id, listed_condition(today)).order_by(Product.id.desc())).all()
    return company, cards_for(list(products), today)


_vocabulary_cache: dict[str, tuple[float, list[tuple[str, str, str]]]] = {}


def certificate_type_choices() -> list[tuple[str, str, str]]:
    """(code, name_ko, name_en) of the active certificate types, cached per process for a minute.

    The list changes a few times a year (ministry edits); a minute's delay is harmless and saves a
    query on every catalogue page.
    """
    key = str(db.engine.url)
    cached = _vocabulary_cache.get(key)
    if cached and time.monotonic() - cached[0] < VOCABULARY_SECONDS:
        return cached[1]
    rows = [tuple(r) for r in db.session.execute(
        select(CertificateType.code, CertificateType.name_ko, CertificateType.name_en)
        .where(CertificateType.active).order_by(CertificateType.sort_order, CertificateType.id))]
    _vocabulary_cache[key] = (time.monotonic(), rows)
    return rows
