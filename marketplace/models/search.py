"""The catalogue search index: two-character grams of each product's search_text."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, attributes, mapped_column

from ..domain.catalogue import text_bigrams
from ..extensions import db
from .companies import Product


class SearchGram(db.Model):
    """One (gram, product) posting; a product holds each distinct gram of its search_text once.

    Korean words are often two syllables ("센서"), too short for trigram indexes (pg_trgm, FTS5
    trigram), so the catalogue indexes bigrams and checks the candidates with LIKE. Rows are kept in
    step with Product.search_text by the mapper hooks below, whoever changes the product.
    """

    __tablename__ = "search_grams"
    __table_args__ = (
        Index("ix_search_grams_product_id", "product_id"),
        {"sqlite_with_rowid": False},
    )

    gram: Mapped[str] = mapped_column(String(2), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)


def reindex(connection, product_id: int, search_text: str, *, new: bool = False) -> None:
    """Replace a product's postings with the bigrams of its search_text."""
    table = SearchGram.__table__
    if not new:
        connection.execute(table.delete().where(table.c.product_id == product_id))
    grams = sorted(text_bigrams(search_text))
    if grams:
        connection.execute(table.insert(), [{"gram": g, "product_id": product_id} for g in grams])


@event.listens_for(Product, "after_insert")
def _index_new_product(_mapper, connection, product: Product) -> None:
    if product.search_text:
        reindex(connection, product.id, product.search_text, new=True)


@event.listens_for(Product, "after_update")
def _reindex_changed_product(_mapper, connection, product: Product) -> None:
    if attributes.get_history(product, "search_text").has_changes():
        reindex(connection, product.id, product.search_text or "")
