"""Builders for catalogue tests: products whose search text is filled in, as the product service does."""

from __future__ import annotations

from marketplace.extensions import db
from marketplace.services.products import build_search_text


def searchable_product(make, company=None, **kw):
    """make.product(...) with Product.search_text built (the bigram index follows on commit)."""
    product = make.product(company, **kw)
    product.search_text = build_search_text(product)
    db.session.commit()
    return product
