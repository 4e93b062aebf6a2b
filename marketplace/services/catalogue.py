"""The public catalogue: search, filter, sort and page publicly listed products; product and supplier pages.

Search words are matched as substrings of Product.search_text. A search walks the postings of one bigram
of the words (models/search.py; every product's "*" posting without words), newest first, filtering on the
posting's own columns, and stops after a page plus one row (to know whether a next page exists): the work
follows the page size, not the number of matches. Other bigrams are checked by index lookups and LIKE
confirms words longer than one bigram, on the rows reached only. Bigrams work for two-syllable Korean
words on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

from sqlalchemy import BindParameter, ColumnElement, and_, bindparam, case, func, or_, select, text
from sqlalchemy.orm import aliased, contains_eager, selectinload

from ..domain.catalogue import (
    ALL_PRODUCTS_GRAM,
    CatalogueQuery,
    bigrams,
    cert_code_token,
)
from ..domain.eligibility import is_first_timer, is_startup, startup_founded_after
from ..domain.errors import N_, NotFound
from ..domain.states import CertificateStatus, CompanyStatus
from ..extensions import db
from ..models import Certificate, CertificateType, Company, Product, SearchGram, product_certificates
from .pages import Page, last_page, paginate
from .products import listed_condition
from .tables import streamed

EVERY_ROW = 2**62  # the LIMIT of a walk that reads every result (an export): SQLite and PostgreSQL take it
COUNT_LIMIT = 1000  # pages stop here: past 1,000 results, visitors narrow the search
# The catalogue joins the supplier under an alias: listed_condition() has its own correlated EXISTS on
# "companies", which auto-correlation would otherwise empty.
Supplier = aliased(Company, name="supplier")
VOCABULARY_SECONDS = 60
Posting = SearchGram.__table__
OtherPosting = Posting.alias("other_posting")


@dataclass
class ProductCard:
    """A product with what its card shows: supplier, certificates valid today, supplier badges.

    On product and supplier pages `product` is the Product; in search results it is a CardProduct and
    the certificates are CardCertificates (the same attributes the card template reads).
    """

    product: Product | CardProduct
    certificates: list[Certificate | CardCertificate]
    startup: bool
    first_timer: bool


@dataclass(frozen=True)
class Named:
    id: int
    name_ko: str
    name_en: str


@dataclass(frozen=True)
class CardProduct:
    id: int
    name_ko: str
    name_en: str
    unit_price_krw: int
    unit: str
    company: Named


@dataclass(frozen=True)
class CardCertificate:
    type: Named


@dataclass(frozen=True)
class CataloguePage(Page[ProductCard]):
    """One page of results. `total` is known only when the results fit on the pages seen so far:
    counting every match of a common word would cost more than finding the page. `has_next` stops at
    the last page offered; `at_limit` says that more results lie beyond it."""

    query: CatalogueQuery
    at_limit: bool

    @property
    def cards(self) -> list[ProductCard]:
        return self.items


def max_page(page_size: int) -> int:
    """Deep pages are not offered: past COUNT_LIMIT results, visitors narrow the search."""
    return -(-COUNT_LIMIT // page_size)


def search(query: CatalogueQuery, *, today: date, page_size: int) -> CataloguePage:
    """Return one page of publicly listed products matching `query`, in its sort order.

    The work is proportional to the page, not to the number of matches, for the default orders
    (newest; relevance with one search word): see models/search.py.
    """
    offset = (query.page - 1) * page_size
    if db.session.get_bind().dialect.name == "postgresql":
        # The planner prices a walk that may read a whole posting list high enough to compile it with JIT,
        # which costs ~10 ms to save microseconds: not for these queries (this transaction only).
        db.session.execute(text("SET LOCAL jit = off"))
    ids = _page_ids(query, today, offset, page_size + 1)
    if not ids and query.page > 1:
        return _last_page(query, today, page_size)
    has_next = len(ids) > page_size
    ids = ids[:page_size]
    total = offset + len(ids) if not has_next else None
    offered = query.page < max_page(page_size)
    return CataloguePage(
        cards_of(ids, today),
        query.page,
        page_size,
        total,
        has_next=has_next and offered,
        query=query,
        at_limit=has_next and not offered,
    )


def search_slice(query: CatalogueQuery, *, today: date, offset: int, limit: int) -> tuple[list[ProductCard], bool]:
    """Results offset..offset+limit of the search, in the catalogue page's order (the API's cursor walks
    them), and whether more follow; like the pages, it stops at COUNT_LIMIT results."""
    limit = min(limit, COUNT_LIMIT - offset)
    if limit <= 0:
        return [], False
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL jit = off"))  # as in search()
    ids = _page_ids(query, today, offset, limit + 1)
    more = len(ids) > limit and offset + limit < COUNT_LIMIT
    return cards_of(ids[:limit], today), more


def _last_page(query: CatalogueQuery, today: date, page_size: int) -> CataloguePage:
    """A page past the end shows the last page instead (a shared link outlived some products)."""
    found = len(_page_ids(replace(query, page=1), today, 0, (query.page - 1) * page_size))
    return search(replace(query, page=last_page(found, page_size)), today=today, page_size=page_size)


def _page_ids(query: CatalogueQuery, today: date, offset: int, limit: int) -> list[int]:
    """Product ids of results offset..offset+limit, in the query's order."""
    walks = _walks(query, today)
    if len(walks) == 2:
        return _name_matches_first(walks, offset, limit)
    return [i for statement, params in walks for i in _ids(statement, params | {"limit": limit, "offset": offset})]


def result_ids(query: CatalogueQuery, today: date) -> Iterator[int]:
    """Every result's product id, in the query's order, on every page (an export): read in batches."""
    for statement, params in _walks(query, today):
        for (product_id,) in streamed(statement, params | {"limit": EVERY_ROW, "offset": 0}):
            yield product_id


def _walks(query: CatalogueQuery, today: date) -> list[tuple]:
    """The statements (and their values but limit and offset) whose results, one after the other, are the
    search's results in order: none, one, or for relevance with one word the name matches then the rest."""
    if query.q and not query.words:
        return []  # only punctuation: nothing can match
    words = query.words
    drive = _driving_gram(words)
    others, likes = _other_bigrams(words, drive), _like_words(words)
    params = _params(query, today, drive, others, likes)
    shape = _shape(query, drive, others=len(others), likes=len(likes))
    if query.sort == "relevance" and len(words) == 1:
        in_name = "gram" if len(words[0]) == 2 else "like"
        return [
            (_statement(**shape, order="newest", in_name=in_name), params),
            (_statement(**shape, order="newest", in_name="not_" + in_name), params),
        ]
    order = query.sort if query.sort != "relevance" or words else "newest"
    return [(_statement(**shape, order=order, words=len(words) if order == "relevance" else 0), params)]


def _other_bigrams(words: list[str], drive: str) -> list[str]:
    """The words' bigrams but the one walked: each is checked by an index lookup."""
    return sorted(set().union(*(bigrams(w) for w in words)) - {drive}) if words else []


def _like_words(words: list[str]) -> list[str]:
    """The words LIKE must confirm: a two-character word is its own bigram, so the index is exact for it."""
    return [w for w in words if len(w) != 2]


def _shape(query: CatalogueQuery, drive: str, *, others: int, likes: int) -> dict:
    """What decides a search's statement (_statement caches one per shape): which filters and word checks."""
    return dict(
        browse=drive == ALL_PRODUCTS_GRAM,
        others=others,
        likes=likes,
        category=bool(query.category),
        region=bool(query.region),
        startup=query.startup,
        first_timer=query.first_timer,
        cert_type=bool(query.cert_type),
    )


def _params(query: CatalogueQuery, today: date, drive: str, others: list[str], likes: list[str]) -> dict:
    """The bound values of a search's statement, but the page's limit and offset."""
    return {
        "today": today,
        "day": today,
        "gram": drive,
        **{f"g{i}": g for i, g in enumerate(others)},
        **{f"w{i}": _contains(w) for i, w in enumerate(likes)},
        **{f"r{i}": _contains(w) for i, w in enumerate(query.words)},
        "category": query.category,
        "region": query.region,
        "founded_after": startup_founded_after(today),
        "cert_codes": _contains(cert_code_token(query.cert_type)),
        "cert_type": query.cert_type,
    }


def _name_matches_first(walks: list[tuple], offset: int, limit: int) -> list[int]:
    """Relevance with one word: name matches first, then the rest, each newest first; two walks that stop
    after the page."""
    (first_walk, params), (rest_walk, _) = walks
    wanted = offset + limit
    first = _ids(first_walk, {**params, "limit": wanted, "offset": 0})
    if len(first) >= wanted:
        return first[offset:wanted]
    rest = _ids(
        rest_walk,
        {**params, "offset": max(0, offset - len(first)), "limit": wanted - max(offset, len(first))},
    )
    return first[offset:] + rest


def _ids(statement, params: dict) -> list[int]:
    return list(db.session.scalars(statement, params))


def _driving_gram(words: list[str]) -> str:
    """The posting list walked: one bigram of the first word that has one, else every product's."""
    for word in words:
        if len(word) >= 2:
            return min(bigrams(word))
    return ALL_PRODUCTS_GRAM


def _contains(text: str) -> str:
    return f"%{_escape_like(text)}%"


@lru_cache(maxsize=512)
def _statement(
    *,
    browse: bool,
    others: int,
    likes: int,
    category: bool,
    region: bool,
    startup: bool,
    first_timer: bool,
    cert_type: bool,
    order: str,
    in_name: str = "",
    words: int = 0,
):
    """The SELECT for one shape of query, built once per process; values come as bound parameters.

    Walks the postings of :gram in the (gram, product_id) key; every filter reads the posting row, except
    the certificate checks that the row cannot decide (a gap between certificates, a certificate type).
    """
    today = bindparam("day", type_=Posting.c.listed_from.type)  # "today" is the certificates' (a Date)
    conditions = [
        Posting.c.gram == bindparam("gram"),
        Posting.c.listed_from <= today,
        Posting.c.listed_until >= today,
        or_(Posting.c.window_exact, _has_valid_certificate()),
        *_filter_conditions(
            category=category, region=region, startup=startup, first_timer=first_timer, cert_type=cert_type
        ),
        *_word_conditions(others, likes),
    ]
    if in_name:
        conditions.append(_in_name(in_name.removeprefix("not_"), browse, negate=in_name.startswith("not_")))
    statement = select(Posting.c.product_id).where(*conditions)
    if order == "newest":
        statement = statement.order_by(Posting.c.product_id.desc())
    else:  # other orders read the product row of every match: slower for common words
        statement = statement.join(Product, Product.id == Posting.c.product_id).order_by(*_order(order, words))
    return statement.offset(bindparam("offset")).limit(bindparam("limit"))


def _filter_conditions(*, category: bool, region: bool, startup: bool, first_timer: bool, cert_type: bool) -> list:
    """The visitor's filters, read from the posting row but for the certificate type's validity."""
    conditions = []
    if category:
        conditions.append(Posting.c.category == bindparam("category"))
    if region:
        conditions.append(Posting.c.region == bindparam("region"))
    if startup:
        conditions.append(Posting.c.founded_on >= bindparam("founded_after", type_=Posting.c.founded_on.type))
    if first_timer:
        conditions.append(Posting.c.first_timer)
    if cert_type:
        conditions.append(Posting.c.cert_codes.like(bindparam("cert_codes"), escape="\\"))
        conditions.append(_has_valid_certificate(bindparam("cert_type")))
    return conditions


def _word_conditions(others: int, likes: int) -> list:
    """The search words beyond the walked bigram: their other bigrams, and LIKE for words longer than one."""
    conditions = []
    for i in range(others):  # every other bigram of the words is posted for the product too
        conditions.append(
            _probe(
                select(1)
                .select_from(OtherPosting)
                .where(OtherPosting.c.gram == bindparam(f"g{i}"), OtherPosting.c.product_id == Posting.c.product_id)
            )
        )
    if likes:  # LIKE confirms the words longer than one bigram, on the rows reached only
        conditions.append(
            _probe(
                select(1)
                .where(
                    Product.id == Posting.c.product_id,
                    *(Product.search_text.like(bindparam(f"w{i}"), escape="\\") for i in range(likes)),
                )
                .correlate(Posting)
            )
        )
    return conditions


def _probe(statement):
    """EXISTS, evaluated row by row as the postings are walked. PostgreSQL turns a plain EXISTS into a
    semi-join and may then read a whole table (a LIKE over every product) before the walk; a LIMIT 1
    scalar subquery cannot be pulled up, so it costs one index probe per posting reached."""
    return statement.limit(1).scalar_subquery().is_not(None)


def _has_valid_certificate(type_code=None):
    """The posting's product has a certificate valid today (of this type): checked row by row, so it is
    only used where the posting's own columns cannot decide."""
    statement = (
        select(1)
        .select_from(product_certificates)
        .join(Certificate, Certificate.id == product_certificates.c.certificate_id)
        .where(
            product_certificates.c.product_id == Posting.c.product_id,
            _valid_on(bindparam("today", type_=Certificate.issued_on.type)),
        )
    )
    if type_code is not None:
        statement = statement.join(CertificateType, CertificateType.id == Certificate.type_id).where(
            CertificateType.code == type_code
        )
    return _probe(statement)


def _in_name(kind: str, browse: bool, *, negate: bool):
    """The (single) search word occurs in the product's name, for relevance. The posting's in_name flag
    decides a two-letter word and narrows the others before the name itself is read."""
    condition: ColumnElement[bool]
    if kind == "gram":
        condition = Posting.c.in_name
    else:
        pattern: BindParameter[str] = bindparam("r0")
        condition = _probe(
            select(1)
            .where(
                Product.id == Posting.c.product_id,
                or_(Product.name_ko.like(pattern, escape="\\"), func.lower(Product.name_en).like(pattern, escape="\\")),
            )
            .correlate(Posting)
        )
        if not browse:
            condition = and_(Posting.c.in_name, condition)
    return ~condition if negate else condition


_valid_certificate = aliased(Certificate, name="valid_certificate")
CARD_ROWS = (  # a product, its supplier and each certificate type valid today (one row each, or none)
    select(
        Product.id,
        Product.name_ko,
        Product.name_en,
        Product.unit_price_krw,
        Product.unit,
        Company.id,
        Company.name_ko,
        Company.name_en,
        Company.founded_on,
        Company.public_supply_count,
        CertificateType.id,
        CertificateType.name_ko,
        CertificateType.name_en,
    )
    .join(Company, Company.id == Product.company_id)
    .outerjoin(product_certificates, product_certificates.c.product_id == Product.id)
    .outerjoin(
        _valid_certificate,
        and_(
            _valid_certificate.id == product_certificates.c.certificate_id,
            _valid_certificate.status == CertificateStatus.VERIFIED,
            _valid_certificate.issued_on <= bindparam("today"),
            _valid_certificate.expires_on >= bindparam("today"),
        ),
    )
    .outerjoin(CertificateType, CertificateType.id == _valid_certificate.type_id)
    .where(Product.id.in_(bindparam("ids", expanding=True)))
    .order_by(Product.id, _valid_certificate.expires_on.desc(), _valid_certificate.id)
)


def cards_of(ids: list[int], today: date) -> list[ProductCard]:
    """Card data for the page in one query: product, supplier and the types of certificates valid today."""
    if not ids:
        return []
    cards: dict[int, ProductCard] = {}
    for (
        pid,
        name_ko,
        name_en,
        price,
        unit,
        cid,
        c_ko,
        c_en,
        founded_on,
        supply_count,
        tid,
        t_ko,
        t_en,
    ) in db.session.execute(CARD_ROWS, {"ids": ids, "today": today}):
        card = cards.get(pid)
        if card is None:
            product = CardProduct(pid, name_ko, name_en, price, unit, Named(cid, c_ko, c_en))
            card = cards[pid] = ProductCard(product, [], is_startup(founded_on, today), is_first_timer(supply_count))
        if tid is not None:
            card.certificates.append(CardCertificate(Named(tid, t_ko, t_en)))
    return [cards[i] for i in ids if i in cards]


def cards_for(products: list[Product], today: date) -> list[ProductCard]:
    """Card data for products whose company is loaded; certificates come in one more query."""
    if not products:
        return []
    by_product: dict[int, list[Certificate | CardCertificate]] = {p.id: [] for p in products}
    rows = db.session.execute(
        select(product_certificates.c.product_id, Certificate)
        .join(Certificate, Certificate.id == product_certificates.c.certificate_id)
        .options(selectinload(Certificate.type))
        .where(product_certificates.c.product_id.in_(by_product), _valid_on(today))
        .order_by(Certificate.expires_on.desc(), Certificate.id)
    )
    for product_id, certificate in rows:
        by_product[product_id].append(certificate)
    return [
        ProductCard(
            p, by_product[p.id], is_startup(p.company.founded_on, today), is_first_timer(p.company.public_supply_count)
        )
        for p in products
    ]


def _with_supplier(statement):
    return statement.join(Product.company.of_type(Supplier)).options(contains_eager(Product.company.of_type(Supplier)))


def _valid_on(today: date | ColumnElement[date]):
    return and_(
        Certificate.status == CertificateStatus.VERIFIED,
        Certificate.issued_on <= today,
        Certificate.expires_on >= today,
    )


def _order(sort: str, words: int) -> list:
    """ORDER BY for the orders that read the product row (newest is the postings' own order)."""
    if sort == "price_asc":
        return [Product.unit_price_krw.asc(), Product.id.desc()]
    if sort == "price_desc":
        return [Product.unit_price_krw.desc(), Product.id.desc()]
    if sort == "name":
        return [Product.name_ko.asc(), Product.id.asc()]
    # relevance with several words: words found in the product's own name rank it higher.
    in_name = [
        case(
            (
                or_(
                    Product.name_ko.like(bindparam(f"r{i}"), escape="\\"),
                    func.lower(Product.name_en).like(bindparam(f"r{i}"), escape="\\"),
                ),
                1,
            ),
            else_=0,
        )
        for i in range(words)
    ]
    return [sum(in_name[1:], in_name[0]).desc(), Product.id.desc()]


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def public_product(product_id: int, today: date) -> ProductCard:
    """A publicly listed product with its supplier and certificates valid today; raises NotFound."""
    product = db.session.scalar(
        _with_supplier(select(Product)).where(Product.id == product_id, listed_condition(today))
    )
    if product is None:
        raise NotFound(N_("This product is not in the public catalogue."))
    return cards_for([product], today)[0]


def public_supplier(company_id: int, today: date, *, page: int, per_page: int) -> tuple[Company, Page[ProductCard]]:
    """An approved company and a page of its publicly listed products (newest first); raises NotFound."""
    company = db.session.scalar(
        select(Company).where(Company.id == company_id, Company.status == CompanyStatus.APPROVED)
    )
    if company is None:
        raise NotFound(N_("This supplier is not in the public catalogue."))
    products = paginate(
        _with_supplier(select(Product))
        .where(Product.company_id == company.id, listed_condition(today))
        .order_by(Product.id.desc()),
        page=page,
        per_page=per_page,
    )
    return company, replace(products, items=cards_for(products.items, today))


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
    rows = [
        (code, name_ko, name_en)
        for code, name_ko, name_en in db.session.execute(
            select(CertificateType.code, CertificateType.name_ko, CertificateType.name_en)
            .where(CertificateType.active)
            .order_by(CertificateType.sort_order, CertificateType.id)
        )
    ]
    _vocabulary_cache[key] = (time.monotonic(), rows)
    return rows
