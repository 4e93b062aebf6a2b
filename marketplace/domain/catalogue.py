"""Catalogue rules without a database: search words and bigrams, query parsing, listing windows."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date

from .errors import N_
from .numbers import read_page_number
from .states import CertificateStatus, CompanyStatus, ProductStatus

WORD = re.compile(r"\w+")
MAX_QUERY_WORDS = 8
MAX_QUERY_CHARS = 100

SORTS = {
    "relevance": N_("Relevance"),
    "newest": N_("Newest"),
    "price_asc": N_("Price, low to high"),
    "price_desc": N_("Price, high to low"),
    "name": N_("Name, A to Z"),
}


def words(text: str) -> list[str]:
    """Lower-cased words of `text` (letters, digits, Hangul), in order, duplicates removed."""
    return list(dict.fromkeys(WORD.findall((text or "").lower())))


def bigrams(word: str) -> set[str]:
    """The two-character substrings of one word ("온도센서" -> 온도, 도센, 센서)."""
    return {word[i : i + 2] for i in range(len(word) - 1)}


def text_bigrams(text: str) -> set[str]:
    """Every bigram of every word of `text`: what the search index stores for a product."""
    grams: set[str] = set()
    for word in words(text):
        grams |= bigrams(word)
    return grams


@dataclass(frozen=True)
class CatalogueQuery:
    """What a visitor asked the catalogue for; every field already checked."""

    q: str = ""
    category: str = ""
    cert_type: str = ""
    region: str = ""
    startup: bool = False
    first_timer: bool = False
    sort: str = "relevance"
    page: int = 1

    @property
    def words(self) -> list[str]:
        return words(self.q)[:MAX_QUERY_WORDS]

    def is_filtered(self) -> bool:
        return bool(self.q or self.category or self.cert_type or self.region or self.startup or self.first_timer)


def parse_catalogue_query(
    args: Mapping[str, str],
    *,
    categories: Collection[str],
    regions: Collection[str],
    cert_types: Collection[str],
    max_page: int,
) -> CatalogueQuery:
    """Read query-string arguments; unknown values are ignored rather than refused (links get shared).

    Without search words "relevance" means newest first. The page is clamped to 1..max_page.
    """

    def pick(name: str, allowed: Collection[str]) -> str:
        value = (args.get(name) or "").strip()
        return value if value in allowed else ""

    q = " ".join((args.get("q") or "").split())[:MAX_QUERY_CHARS]
    page = read_page_number(args.get("page")) or 1
    return CatalogueQuery(
        q=q,
        category=pick("category", categories),
        cert_type=pick("cert_type", cert_types),
        region=pick("region", regions),
        startup=_flag(args.get("startup")),
        first_timer=_flag(args.get("first_timer")),
        sort=pick("sort", SORTS) or "relevance",
        page=min(max(page, 1), max_page),
    )


TRUE_FLAGS = frozenset({"1", "on", "true", "yes", "y"})
FALSE_FLAGS = frozenset({"", "0", "off", "false", "no", "n"})


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in TRUE_FLAGS


def refused_filters(args: Mapping[str, str], query: CatalogueQuery) -> list[str]:
    """The filters of `args` whose value the parsed `query` left out: the page shows the results without
    them (shared links), an export refuses them rather than hand over another list than was asked for."""
    refused = [
        name
        for name in ("category", "cert_type", "region", "sort")
        if (args.get(name) or "").strip() and getattr(query, name) != (args.get(name) or "").strip()
    ]
    flags = ("startup", "first_timer")
    return refused + [name for name in flags if (args.get(name) or "").strip().lower() not in TRUE_FLAGS | FALSE_FLAGS]


ALL_PRODUCTS_GRAM = "*"  # a posting every product has: filters without search words walk it (never a bigram)


@dataclass(frozen=True)
class ListingCertificate:
    """What the catalogue index needs of one certificate linked to a product."""

    status: str
    issued_on: date
    expires_on: date
    type_code: str


@dataclass(frozen=True)
class ListingWindow:
    """When a product can be publicly listed, as far as its own, company and certificate states go.

    listed_from..listed_until spans every verified certificate (None: never listable as things stand).
    `exact` is False when the verified certificates leave a gap inside that span: the catalogue then
    checks the certificates themselves. cert_codes ("|EPC|NEP|") names the types of the verified
    certificates, a superset of those valid on a given day.
    """

    listed_from: date | None
    listed_until: date | None
    exact: bool
    cert_codes: str


def listing_window(
    product_status: str, company_status: str, certificates: Collection[ListingCertificate]
) -> ListingWindow:
    verified = sorted((c for c in certificates if c.status == CertificateStatus.VERIFIED), key=lambda c: c.issued_on)
    if product_status != ProductStatus.LISTED or company_status != CompanyStatus.APPROVED or not verified:
        return ListingWindow(None, None, True, "")
    exact, until = True, verified[0].expires_on
    for certificate in verified[1:]:
        if certificate.issued_on.toordinal() > until.toordinal() + 1:
            exact = False
        until = max(until, certificate.expires_on)
    codes = sorted({c.type_code for c in verified})
    return ListingWindow(verified[0].issued_on, until, exact, "|" + "|".join(codes) + "|")


def cert_code_token(code: str) -> str:
    """The LIKE pattern piece that finds `code` in ListingWindow.cert_codes."""
    return f"|{code}|"
