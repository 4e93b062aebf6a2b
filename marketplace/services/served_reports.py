"""Reports already served, kept per process: the same report asked again, with nothing in it changed, is
sent again as it was (same document ID and PDF) instead of being rendered anew.

Rendering a report takes from a tenth of a second to a minute of CPU, and people ask for the same one
again (a second click, the same weekly figures twice). What a report shows is fixed by who asked, its
kind, parameters and language, and its content fingerprint (report_documents.py: the data, every figure shown,
and the Seoul date its date-dependent lists were drawn up on); while all of these are unchanged the
stored document is still exact. The cache is bounded in bytes, least recently served out first, and
held by each web process (a second process or host simply renders it once more).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Protocol

from flask import Flask, current_app


class _Sized(Protocol):
    @property
    def pdf(self) -> bytes: ...


class ServedReports:
    """A thread-safe LRU of documents keyed by what fixes their content, bounded by the PDFs' bytes."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max(0, int(max_bytes))
        self._items: OrderedDict[Hashable, _Sized] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable):
        with self._lock:
            document = self._items.get(key)
            if document is not None:
                self._items.move_to_end(key)
            return document

    def put(self, key: Hashable, document: _Sized) -> None:
        size = len(document.pdf)
        if size > self.max_bytes:
            return
        with self._lock:
            previous = self._items.pop(key, None)
            self._bytes -= len(previous.pdf) if previous is not None else 0
            self._items[key] = document
            self._bytes += size
            while self._bytes > self.max_bytes:
                _key, oldest = self._items.popitem(last=False)
                self._bytes -= len(oldest.pdf)


def served_reports(app: Flask | None = None) -> ServedReports:
    """The app's cache (REPORTS_CACHE_BYTES; 0 turns it off), made on first use."""
    app = app or current_app
    cache = app.extensions.get("served_reports")
    if cache is None:
        cache = app.extensions.setdefault(
            "served_reports", ServedReports(app.config.get("REPORTS_CACHE_BYTES", 32 * 1024 * 1024))
        )
    return cache
