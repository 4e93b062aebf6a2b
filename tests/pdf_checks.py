"""Helpers for PDF tests: text and fonts of a PDF, and a guard that fails on WeasyPrint glyph warnings."""

from __future__ import annotations

import io
import logging

import pdfplumber
import pypdf


def pdf_text(data: bytes) -> list[str]:
    """The extracted text of each page."""
    return [page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def pdf_fonts(data: bytes) -> set[str]:
    """Base names of the fonts the characters are drawn with (subset prefix removed)."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return {char["fontname"].split("+")[-1] for page in pdf.pages for char in page.chars}


class GlyphWarnings(logging.Handler):
    """Collects WeasyPrint warnings; a missing glyph or a refused fetch shows up here."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())

    def missing_glyphs(self) -> list[str]:
        return [m for m in self.messages if "glyph" in m.lower() or "font" in m.lower()]


def watch_weasyprint():
    """Attach a GlyphWarnings handler to the "weasyprint" logger and make sure the logger is live.

    Alembic's fileConfig (run by the migration tests) disables loggers that exist at that moment, which
    would silently swallow WeasyPrint's warnings; re-enable it so a missing glyph still fails the test.
    """
    handler = GlyphWarnings()
    logger = logging.getLogger("weasyprint")
    logger.disabled = False
    if logger.getEffectiveLevel() > logging.WARNING:
        logger.setLevel(logging.WARNING)
    logger.addHandler(handler)
    return logger, handler
