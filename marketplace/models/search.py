"""The catalogue search index: two-character grams of each product's search_text, with listing facets.

Each posting (gram, product) also carries what the catalogue filters on: the product's listing window
(from its status, its company's status and its verified certificates), category, the company's region,
founding date and first-timer flag, the verified certificate types, and whether the gram occurs in the
product's name (relevance). A search for a word plus filters is then one walk of one gram's postings
in the (gram, product_id) primary key, newest first, that stops after a page: no product, company or
certificate row is read for products that do not make the page.

Postings are rebuilt in the same transaction, at flush time, whenever a product, its company, or a
certificate (or the product-certificate links) changes, whoever changes them (hooks at the end).

CatalogueVersion is one counter that every transaction changing anything a catalogue page shows raises
as its last statement before COMMIT: the catalogue's page cache (services/catalogue_cache.py) keys its
pages by it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import (
    DDL,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    TypeDecorator,
    event,
    select,
    text,
    update,
)
from sqlalchemy.orm import Mapped, Session, attributes, mapped_column

from ..domain.catalogue import ALL_PRODUCTS_GRAM, ListingCertificate, listing_window, text_bigrams
from ..domain.eligibility import is_first_timer
from ..extensions import db
from .companies import Certificate, CertificateType, Company, Product, product_certificates


class DayNumber(TypeDecorator):
    """A date stored as its proleptic ordinal (an integer): postings are many, and this keeps them small."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return value.toordinal() if isinstance(value, date) else value

    def process_result_value(self, value, dialect):
        return date.fromordinal(value) if value is not None else None


class SearchGram(db.Model):
    """One (gram, product) posting; a product holds each distinct gram of its search_text once, plus "*".

    Korean words are often two syllables ("센서"), too short for trigram indexes (pg_trgm, FTS5
    trigram), so the catalogue indexes bigrams and checks the candidates with LIKE.
    """

    __tablename__ = "search_grams"
    __table_args__ = (
        PrimaryKeyConstraint("gram", "product_id"),
        # The walk reads every filter column of the postings it passes. SQLite keeps them in the primary
        # key's b-tree (WITHOUT ROWID); PostgreSQL gets this index with them INCLUDEd, so that the walk is
        # an index-only scan. On SQLite the index is declared empty (WHERE 0): it would only duplicate
        # the primary key, and autogenerate renders this faithfully, unlike ddl_if().
        Index(
            "ix_search_grams_walk",
            "gram",
            "product_id",
            sqlite_where=text("0"),
            postgresql_include=[
                "in_name",
                "listed_from",
                "listed_until",
                "window_exact",
                "cert_codes",
                "category",
                "region",
                "founded_on",
                "first_timer",
            ],
        ),
        Index("ix_search_grams_product_id", "product_id"),
        {"sqlite_with_rowid": False},
    )

    gram: Mapped[str] = mapped_column(String(2))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    in_name: Mapped[bool] = mapped_column(Boolean, default=False)
    # Listing window (NULL: not listable), see domain.catalogue.ListingWindow.
    listed_from: Mapped[date | None] = mapped_column(DayNumber)
    listed_until: Mapped[date | None] = mapped_column(DayNumber)
    window_exact: Mapped[bool] = mapped_column(Boolean, default=True)
    cert_codes: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[str] = mapped_column(String(30))
    region: Mapped[str] = mapped_column(String(20))
    founded_on: Mapped[date] = mapped_column(DayNumber)
    first_timer: Mapped[bool] = mapped_column(Boolean)


class CatalogueVersion(db.Model):
    """The single row (id 1) whose version rises with every committed change to the public catalogue."""

    __tablename__ = "catalogue_version"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


# create_all() (tests, tools) gets the row as the migration inserts it
event.listen(
    CatalogueVersion.__table__, "after_create", DDL("INSERT INTO catalogue_version (id, version) VALUES (1, 0)")
)


def posting_rows(
    product_id: int,
    *,
    search_text: str,
    name_ko: str,
    name_en: str,
    status: str,
    category: str,
    company_status: str,
    region: str,
    founded_on: date,
    public_supply_count: int,
    certificates: Iterable[ListingCertificate],
) -> list[dict]:
    """The postings of one product (also used by the benchmark's bulk loader)."""
    window = listing_window(status, company_status, list(certificates))
    in_name = text_bigrams(f"{name_ko} {name_en}")
    shared = {
        "product_id": product_id,
        "listed_from": window.listed_from,
        "listed_until": window.listed_until,
        "window_exact": window.exact,
        "cert_codes": window.cert_codes,
        "category": category,
        "region": region,
        "founded_on": founded_on,
        "first_timer": is_first_timer(public_supply_count),
    }
    grams = sorted(text_bigrams(search_text or "")) + [ALL_PRODUCTS_GRAM]
    return [{**shared, "gram": g, "in_name": g in in_name} for g in grams]


def reindex(connection, product_ids: Iterable[int]) -> None:
    """Rebuild the postings of these products from the database (missing products lose theirs)."""
    ids = sorted(set(product_ids))
    table = SearchGram.__table__
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        certificates: dict[int, list[ListingCertificate]] = {i: [] for i in chunk}
        for row in connection.execute(
            select(
                product_certificates.c.product_id,
                Certificate.status,
                Certificate.issued_on,
                Certificate.expires_on,
                CertificateType.code,
            )
            .join(Certificate, Certificate.id == product_certificates.c.certificate_id)
            .join(CertificateType, CertificateType.id == Certificate.type_id)
            .where(product_certificates.c.product_id.in_(chunk))
        ):
            certificates[row[0]].append(ListingCertificate(*row[1:]))
        rows = []
        for p in connection.execute(
            select(
                Product.id,
                Product.search_text,
                Product.name_ko,
                Product.name_en,
                Product.status,
                Product.category,
                Company.status.label("company_status"),
                Company.region,
                Company.founded_on,
                Company.public_supply_count,
            )
            .join(Company, Company.id == Product.company_id)
            .where(Product.id.in_(chunk))
        ):
            rows += posting_rows(
                p.id,
                search_text=p.search_text,
                name_ko=p.name_ko,
                name_en=p.name_en or "",
                status=p.status,
                category=p.category,
                company_status=p.company_status,
                region=p.region,
                founded_on=p.founded_on,
                public_supply_count=p.public_supply_count,
                certificates=certificates[p.id],
            )
        connection.execute(table.delete().where(table.c.product_id.in_(chunk)))
        if rows:
            connection.execute(table.insert(), rows)


# What catalogue pages show: any change to one of these raises the catalogue version at commit.
_SHOWN = (Product, Company, Certificate, CertificateType)
_CHANGED = "catalogue_changed"
# What the postings depend on, per class; a change to anything else leaves them alone.
_TRACKED = {
    Product: ("status", "category", "name_ko", "name_en", "search_text", "company_id", "company", "certificates"),
    Company: ("status", "region", "founded_on", "public_supply_count"),
    Certificate: ("status", "issued_on", "expires_on", "type_id", "type", "products"),
}
_PENDING = "catalogue_postings_pending"


def _changed(obj, names) -> bool:
    state = attributes.instance_state(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


@event.listens_for(Session, "before_flush")
def _collect_changes(session, _context, _instances) -> None:
    session.info[_PENDING] = (_changed_for_postings(session), _products_of_deleted_certificates(session))
    if not session.info.get(_CHANGED) and any(
        isinstance(obj, _SHOWN) for objects in (session.new, session.dirty, session.deleted) for obj in objects
    ):
        session.info[_CHANGED] = True


def _changed_for_postings(session) -> list:
    """New objects, and changed ones whose change reaches the postings (_TRACKED)."""
    pending: list = []
    for obj in list(session.new) + list(session.dirty):
        for cls, names in _TRACKED.items():
            if isinstance(obj, cls) and (obj in session.new or _changed(obj, names)):
                pending.append(obj)
    return pending


def _products_of_deleted_certificates(session) -> set[int]:
    """A deleted certificate's links go with it: note its products now, before the flush."""
    removed: set[int] = set()
    for obj in session.deleted:
        if isinstance(obj, Certificate) and obj.id is not None:
            removed.update(
                session.connection().scalars(
                    select(product_certificates.c.product_id).where(product_certificates.c.certificate_id == obj.id)
                )
            )
    return removed


@event.listens_for(Session, "after_flush")
def _rebuild_postings(session, _context) -> None:
    pending, product_ids = session.info.pop(_PENDING, ([], set()))
    if not pending and not product_ids:
        return
    connection = session.connection()
    for obj in pending:
        if obj.id is None:
            continue
        if isinstance(obj, Product):
            product_ids.add(obj.id)
        elif isinstance(obj, Company):
            product_ids.update(connection.scalars(select(Product.id).where(Product.company_id == obj.id)))
        else:
            product_ids.update(
                connection.scalars(
                    select(product_certificates.c.product_id).where(product_certificates.c.certificate_id == obj.id)
                )
            )
    if product_ids:
        reindex(connection, product_ids)


@event.listens_for(Session, "before_commit")
def _raise_catalogue_version(session) -> None:
    """Flush, then raise the version as the transaction's last write.

    Last, so that the row lock PostgreSQL takes is held only for the commit: two transactions cannot
    each hold it while waiting for the other's rows. Flushing here first catches the changes that the
    commit's own flush would otherwise write after this hook.
    """
    if session.new or session.dirty or session.deleted:
        session.flush()
    if session.info.pop(_CHANGED, False):
        session.connection().execute(
            update(CatalogueVersion).where(CatalogueVersion.id == 1).values(version=CatalogueVersion.version + 1)
        )


@event.listens_for(Session, "after_rollback")
def _forget_catalogue_changes(session) -> None:
    session.info.pop(_CHANGED, None)
