"""Babel catalogues: extract, merge the Korean parts, compile, and list what is untranslated.

Korean translations live in marketplace/translations/ko/parts/*.po, one file per area, so that
people working on different areas do not edit the same file. `flask translations build` merges them
into ko/LC_MESSAGES/messages.po and compiles the .mo files the app loads.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
TRANSLATIONS = PACKAGE / "translations"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None, "N_": None}
METHODS = [("**.py", "python"), ("**.html", "jinja2"), ("**.txt", "jinja2")]  # .txt: the text parts of mails
OPTIONS = {"**.html": {"encoding": "utf-8"}, "**.txt": {"encoding": "utf-8"}}


def extract() -> Catalog:
    """Every msgid used in marketplace/ and templates/."""
    catalog = Catalog(project="marketplace", locale=None)
    for directory in (PACKAGE, ROOT / "templates"):
        for filename, lineno, message, _comments, _context in extract_from_dir(
            str(directory),
            METHODS,
            keywords=KEYWORDS,
            options_map=OPTIONS,
        ):
            catalog.add(message, locations=[(filename, lineno)])
    return catalog


def read_parts(language: str) -> Catalog:
    """Merge the part files of one language; the first non-empty translation of an id wins."""
    merged = Catalog(locale=language)
    for part in sorted((TRANSLATIONS / language / "parts").glob("*.po")):
        with part.open("rb") as handle:
            for message in read_po(handle, locale=language):
                if message.id and message.string and not merged.get(message.id, message.context):
                    merged.add(message.id, message.string, context=message.context)
    return merged


def missing(language: str = "ko") -> list[str]:
    """msgids used in the code or templates that have no translation in `language`."""
    merged = read_parts(language)
    out = []
    for message in extract():
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        found = merged.get(message.id)
        if found is None or not found.string or (isinstance(found.string, tuple) and not all(found.string)):
            out.append(key)
    return sorted(set(out))


def build() -> None:
    """Write messages.po and messages.mo for every language with parts (English uses the msgids)."""
    for language_dir in TRANSLATIONS.iterdir():
        if not (language_dir / "parts").is_dir():
            continue
        catalog = read_parts(language_dir.name)
        target = language_dir / "LC_MESSAGES"
        target.mkdir(exist_ok=True)
        buffer = BytesIO()
        write_po(buffer, catalog)
        (target / "messages.po").write_bytes(buffer.getvalue())
        with (target / "messages.mo").open("wb") as handle:
            write_mo(handle, catalog)
