"""Rendered catalogue pages for anonymous visitors, kept per process and keyed by the catalogue version.

The catalogue is the busiest page and changes rarely: a search page is a pure function of the words and
filters, the language, the Seoul date (certificates expire by the day) and the catalogue's data. That data
carries one version number (models/search.py, CatalogueVersion), raised by every committed change to a
product, company, certificate or certificate type, so a cached page is served only while nothing it shows
can have changed; the version is read before anything else, so a page computed during a change is at
worst filed under the older version and never served once the change is committed.

Pages for signed-in users (their name and a sign-out form are in the header) and pages carrying a flashed
message are never cached: the view tells which (`shareable`). CATALOGUE_CACHE_PAGES sets how many pages
a process keeps (0 turns it off).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import Flask
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import SingletonThreadPool

from ..extensions import db

log = logging.getLogger(__name__)
_VERSION = "SELECT version FROM catalogue_version WHERE id = 1"


class PageCache:
    """A thread-safe LRU of rendered pages: at most `size` entries (a catalogue page is ~15-40 KB)."""

    def __init__(self, size: int):
        self.size = size
        self._pages: OrderedDict[Hashable, str] = OrderedDict()
        self._lock = threading.Lock()
        self._engine: Engine | None = None

    def version(self) -> int | None:
        """The committed catalogue version, None when it cannot be read (nothing is cached then).

        Read in autocommit on a connection of its own per thread: one round trip, where the request's
        session would add a pool ping, a BEGIN and a ROLLBACK (three round trips on PostgreSQL).
        """
        reader = self._reader()
        connection = reader.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute(_VERSION)
            row = cursor.fetchone()
            cursor.close()
            return row[0] if row else None
        except reader.dialect.loaded_dbapi.Error as error:  # dropped connection, missing table: uncached
            log.warning("catalogue version unreadable, page not cached: %s", error)
            connection.invalidate()
            return None
        finally:
            connection.close()

    def _reader(self) -> Engine:
        with self._lock:
            if self._engine is None:
                main = db.engine
                reader = create_engine(
                    main.url, poolclass=SingletonThreadPool, pool_size=64, isolation_level="AUTOCOMMIT"
                )
                event.listen(main, "engine_disposed", lambda _engine: reader.dispose())
                self._engine = reader
            return self._engine

    def get(self, key: Hashable) -> str | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: Hashable, page: str) -> None:
        with self._lock:
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)

    def __len__(self) -> int:
        return len(self._pages)


def page_cache(app: Flask) -> PageCache | None:
    """This process's cache of `app`, or None when CATALOGUE_CACHE_PAGES is 0."""
    cache = app.extensions.get("catalogue_page_cache")
    if cache is None and app.config.get("CATALOGUE_CACHE_PAGES", 0) > 0:
        cache = app.extensions["catalogue_page_cache"] = PageCache(app.config["CATALOGUE_CACHE_PAGES"])
    return cache


def cached(app: Flask, shareable: bool, key: Hashable, render: Callable[[], str]) -> str:
    """The page for `key` from the cache while the catalogue version is unchanged, else render().

    `shareable` says the page depends on nothing but `key` and the catalogue (the view decides: an
    anonymous visitor with no message waiting); only such a page is served from or kept in the cache.
    The version is read first, before render() reads anything: see the module's docstring.
    """
    cache = page_cache(app)
    if cache is None or not shareable:
        return render()
    version = cache.version()
    if version is None:
        return render()
    page = cache.get((version, key))
    if page is None:
        page = render()
        cache.put((version, key), page)
    return page
