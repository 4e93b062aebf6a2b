"""The program's glossary (translations/glossary.toml): its Markdown rendering and the texts that break it."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from babel.messages.pofile import read_po

from .translations_build import ROOT, TRANSLATIONS, extract

GLOSSARY = TRANSLATIONS / "glossary.toml"
DOCUMENT = ROOT / "docs" / "glossary.md"
TEMPLATES = ROOT / "templates"


@dataclass(frozen=True)
class Concept:
    name: str
    en: str
    ko: str
    note: str
    forbidden_en: tuple[str, ...]
    forbidden_ko: tuple[str, ...]


@dataclass(frozen=True)
class Violation:
    where: str
    concept: str
    found: str
    text: str

    def __str__(self) -> str:
        return f"{self.where}: {self.found!r} (say {self.concept!r} one way) in {self.text[:120]!r}"


def load(path: Path = GLOSSARY) -> list[Concept]:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return [
        Concept(
            name=item["name"],
            en=item["en"],
            ko=item["ko"],
            note=item.get("note", ""),
            forbidden_en=tuple(item.get("forbidden_en", ())),
            forbidden_ko=tuple(item.get("forbidden_ko", ())),
        )
        for item in data["concept"]
    ]


def render_markdown(concepts: list[Concept]) -> str:
    """docs/glossary.md: one row per concept."""
    lines = [
        "# Glossary",
        "",
        "One English and one Korean term per concept. Generated from `marketplace/translations/glossary.toml`",
        "by `flask --app marketplace translations glossary`; edit the TOML, not this file. A test fails when a",
        "forbidden synonym appears in a Korean catalogue part, a template (PDF templates included) or an msgid.",
        "",
        "| concept | English | 한국어 | never say | note |",
        "|---|---|---|---|---|",
    ]
    for concept in concepts:
        never = ", ".join([*concept.forbidden_en, *concept.forbidden_ko]) or "-"
        lines.append(f"| {concept.name} | {concept.en} | {concept.ko} | {never} | {concept.note} |")
    return "\n".join(lines) + "\n"


def _english_pattern(term: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])" + re.escape(term) + r"(?![\w-])", re.IGNORECASE)


def find(text: str, concepts: list[Concept], where: str, korean: bool = True, english: bool = True) -> list[Violation]:
    """The forbidden synonyms in one text."""
    found = []
    for concept in concepts:
        if korean:
            found += [Violation(where, concept.name, term, text) for term in concept.forbidden_ko if term in text]
        if english:
            found += [
                Violation(where, concept.name, term, text)
                for term in concept.forbidden_en
                if _english_pattern(term).search(text)
            ]
    return found


# A Korean particle whose form depends on the last syllable of the word before it (이/가, 을/를, 은/는,
# 과/와, 으로/로), written after a placeholder: "%(name)s이(가)" or "{{ name }}을(를)". The value is
# unknown when the message is written, so the message is phrased with no particle after it.
_PARTICLE = r"(?:이|가|을|를|은|는|과|와|으로|로|\(으\)로|\(이\))"
PLACEHOLDER_PARTICLE = re.compile(r"(?:%\(\w+\)[sd]|%[sd]|\}\})(?:\((?:%\(\w+\)[sd]|[^)])*\))?" + _PARTICLE)


def particles_after_placeholders() -> list[str]:
    """Korean catalogue texts and templates that put a batchim-dependent particle right after a placeholder."""
    out = []
    for part in sorted((TRANSLATIONS / "ko" / "parts").glob("*.po")):
        with part.open("rb") as handle:
            for message in read_po(handle, locale="ko"):
                strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
                out += [f"{part.name}: {text}" for text in strings if text and PLACEHOLDER_PARTICLE.search(text)]
    for template in sorted(TEMPLATES.rglob("*.html")):
        for line in template.read_text("utf-8").splitlines():
            if PLACEHOLDER_PARTICLE.search(line):
                out.append(f"{template.relative_to(ROOT)}: {line.strip()}")
    return out


def _texts(value) -> tuple:
    """A catalogue message's id or string as a tuple (plural forms are tuples already)."""
    return value if isinstance(value, tuple) else (value,)


def _in_parts(concepts: list[Concept]) -> list[Violation]:
    out: list[Violation] = []
    for part in sorted((TRANSLATIONS / "ko" / "parts").glob("*.po")):
        with part.open("rb") as handle:
            for message in read_po(handle, locale="ko"):
                for text in _texts(message.id):
                    out += find(text or "", concepts, f"{part.name} msgid", korean=False)
                for text in _texts(message.string):
                    out += find(text or "", concepts, f"{part.name} msgstr", english=False)
    return out


def violations(concepts: list[Concept] | None = None) -> list[Violation]:
    """Forbidden synonyms in the Korean parts, the templates and the msgids of the code."""
    concepts = load() if concepts is None else concepts
    out = _in_parts(concepts)
    for template in sorted(TEMPLATES.rglob("*.html")):  # English in templates is checked as msgids
        out += find(template.read_text("utf-8"), concepts, str(template.relative_to(ROOT)), english=False)
    for message in extract():
        for text in _texts(message.id):
            out += find(text or "", concepts, "msgid in the code", korean=False)
    return out
