"""One page of a list: the rows shown, where they sit in the whole list, and the page numbers to offer.

Every list page loads only the rows it shows: `paginate` counts the rows of a SELECT, then reads one
page of it with LIMIT and OFFSET. The catalogue finds its pages its own way (services/catalogue.py)
and returns the same Page, so one pager (templates/macros/pages.html) serves every list.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import Select, func, select

from ..extensions import db

T = TypeVar("T")
AROUND = 2  # page numbers offered on each side of the current one, besides the first and the last


@dataclass(frozen=True)
class Page(Generic[T]):
    """The rows of page `page` (from 1) of a list cut into pages of `per_page` rows.

    `total` is the number of rows in the whole list, or None when the list was not counted (the catalogue
    counts only what it walks); `has_next` says whether a next page is offered.
    """

    items: list[T]
    page: int
    per_page: int
    total: int | None
    has_next: bool

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    @classmethod
    def empty(cls, per_page: int) -> Page:
        return cls([], 1, per_page, 0, has_next=False)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def pages(self) -> int | None:
        """How many pages the list has (at least one), when it was counted."""
        return None if self.total is None else last_page(self.total, self.per_page)

    @property
    def first_number(self) -> int:
        """The position in the whole list of the first row shown (from 1)."""
        return (self.page - 1) * self.per_page + 1

    @property
    def last_number(self) -> int:
        return (self.page - 1) * self.per_page + len(self.items)

    def numbers(self) -> list[int | None]:
        """The page numbers a pager links: the first, the last known, and AROUND on each side of this one;
        None where numbers are left out."""
        last = self.pages if self.pages is not None else self.page + int(self.has_next)
        wanted = {1, last, *range(self.page - AROUND, self.page + AROUND + 1)}
        numbers: list[int | None] = []
        previous = 0
        for number in sorted(n for n in wanted if 1 <= n <= last):
            if number > previous + 1:
                numbers.append(None)
            numbers.append(number)
            previous = number
        return numbers


def last_page(total: int, per_page: int) -> int:
    """The number of the last page of `total` rows (1 for an empty list)."""
    return max(1, -(-total // per_page))


def paginate(statement: Select, *, page: int, per_page: int) -> Page:
    """Page `page` of the ORM entities `statement` selects, in its order: one COUNT, then one page of rows.

    A page past the end shows the last page (a bookmarked link outlived some rows); `page` below 1 is 1.
    Eager loads of collections belong in selectinload(), which reads them for the page's rows only.
    """
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0
    page = min(max(page, 1), last_page(total, per_page))
    items = db.session.scalars(statement.limit(per_page).offset((page - 1) * per_page)).unique().all()
    return Page(list(items), page, per_page, total, has_next=page * per_page < total)
