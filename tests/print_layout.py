"""Where a PDF's characters lie, read with PDFium: the page's printable area, unsplit amounts, its text.

The printable area is the page box less the margins of the document's @page rule in its print CSS
(static/css/report.css, certificate.css). Only the running header and footer, which the @page margin
boxes place in the top and bottom margins, may print outside it: one line in each band, at least
EDGE_MM from the paper's edge (what printers can reach), and within the left and right margins too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium

MM = 72 / 25.4  # PDF points in a millimetre
EDGE_MM = 5
TOLERANCE = 0.5  # points: glyph boxes are rounded in the PDF
LINE = 14  # points: the height of one running line (8pt type and its leading)
_MARGIN = re.compile(r"@page\s*\{[^}]*?margin:\s*([^;]+);", re.S)


def page_margins(css: Path) -> tuple[float, float, float, float]:
    """(top, right, bottom, left) in points, from the `margin` shorthand of the first @page rule (in mm)."""
    values = [float(v.removesuffix("mm")) * MM for v in _MARGIN.search(css.read_text()).group(1).split()]
    top, right, bottom, left = {
        1: lambda v: (v[0], v[0], v[0], v[0]),
        2: lambda v: (v[0], v[1], v[0], v[1]),
        3: lambda v: (v[0], v[1], v[2], v[1]),
        4: lambda v: tuple(v),
    }[len(values)](values)
    return top, right, bottom, left


@dataclass
class Page:
    number: int
    width: float
    height: float
    chars: list[dict]


def read_pages(pdf: bytes) -> list[Page]:
    """Each page's size and characters (text, x0, x1, top, bottom; top and bottom measured down from the
    page's top edge, the box spanning the font's ascent and descent), read once. PDFium reads a 120-page
    report in about a second, where pdfminer took twenty. Characters PDFium makes up (spaces and line breaks
    it infers) are left out; a hyphen it marks as a line-end break (U+0002) reads as the hyphen it is."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [_page(n, document[n - 1]) for n in range(1, len(document) + 1)]
    finally:
        document.close()


def _page(number: int, page) -> Page:
    width, height = page.get_size()
    text = page.get_textpage()
    chars = []
    for i in range(text.count_chars()):
        if pdfium.FPDFText_IsGenerated(text.raw, i):
            continue
        char = chr(pdfium.FPDFText_GetUnicode(text.raw, i)).replace("\x02", "-")
        left, bottom, right, top = text.get_charbox(i, loose=True)
        chars.append({"text": char, "x0": left, "x1": right, "top": height - top, "bottom": height - bottom})
    return Page(number, float(width), float(height), chars)


def outside_printable_area(pages: list[Page], margins: tuple[float, float, float, float]) -> list[str]:
    """Every character past the left or right margin, and anything in the top or bottom margin that is not
    the single running line there or that comes nearer the paper's edge than EDGE_MM: as readable lines."""
    top, right, bottom, left = margins
    found = []
    for page in pages:
        bands: dict[str, list[dict]] = {"top": [], "bottom": []}
        for c in page.chars:
            where = f"page {page.number} {c['text']!r} at x {c['x0']:.1f}-{c['x1']:.1f}, y {c['top']:.1f}"
            if c["x0"] < left - TOLERANCE or c["x1"] > page.width - right + TOLERANCE:
                found.append(f"{where}: past the side margins ({left:.1f}-{page.width - right:.1f})")
            if c["top"] < EDGE_MM * MM or c["bottom"] > page.height - EDGE_MM * MM:
                found.append(f"{where}: within {EDGE_MM} mm of the paper's edge")
            if c["bottom"] < top + TOLERANCE:
                bands["top"].append(c)
            elif c["top"] > page.height - bottom - TOLERANCE:
                bands["bottom"].append(c)
        for band, chars in bands.items():
            if chars and max(c["bottom"] for c in chars) - min(c["top"] for c in chars) > LINE:
                found.append(f"page {page.number}: more than one line in the {band} margin")
    return found


def split_amounts(pages: list[Page]) -> list[str]:
    """Amounts whose unit and figure ended up on different lines: 'KRW' and the number after it, or a
    number and the '원' after it (characters in drawing order; a line break changes the baseline)."""
    found = []
    for page in pages:
        chars = [c for c in page.chars if c["text"].strip()]
        for before, after in zip(chars, chars[1:], strict=False):
            figure_then_won = before["text"].isdigit() and after["text"] == "원"
            krw_then_figure = before["text"] == "W" and after["text"].isdigit()
            if (figure_then_won or krw_then_figure) and abs(before["bottom"] - after["bottom"]) > 1:
                found.append(f"page {page.number}: {before['text']}|{after['text']} at y {before['top']:.1f}")
    return found


def text_of(pages: list[Page]) -> str:
    """All text, one line per baseline, for looking for words and numbers."""
    lines = []
    for page in pages:
        rows: dict[int, list[dict]] = {}
        for c in page.chars:
            rows.setdefault(round(c["bottom"]), []).append(c)
        lines += ["".join(c["text"] for c in sorted(row, key=lambda c: c["x0"])) for _, row in sorted(rows.items())]
    return "\n".join(lines)
