"""Code and comments say what the code does, never which issue or ticket asked for it: git keeps that."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("marketplace", "templates", "tests", "migrations", "static/css", "static/js", "benchmarks")
SUFFIXES = {".py", ".html", ".css", ".js", ".sql", ".txt"}
REFERENCE = re.compile(
    r"\b(?:issue|ticket|bug|pr|pull request)s?\s*#?\s*\d+"  # issue 4, ticket #12, PR 7
    r"|\btickets?\b"  # any talk of tickets
    r"|\b(?:see|fixes|fixed|closes|closed|refs?)\s+#\d+\b"  # see #12, fixes #3
    r"|\(#\d+\)",  # (#12)
    re.IGNORECASE,
)


def references(text: str) -> list[str]:
    """The ticket-like references in `text`, each with its line number."""
    return [f"{n}: {line.strip()}" for n, line in enumerate(text.splitlines(), 1) if REFERENCE.search(line)]


def source_files() -> list[Path]:
    files = []
    for folder in FOLDERS:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in SUFFIXES and path.is_file() and "vendor" not in path.parts and path != Path(__file__):
                files.append(path)
    return files


def test_no_source_file_cites_an_issue_or_ticket_number():
    found = {
        str(path.relative_to(ROOT)): references(path.read_text(encoding="utf-8", errors="replace"))
        for path in source_files()
    }
    assert {path: lines for path, lines in found.items() if lines} == {}


def test_the_checker_finds_issue_references_but_not_colours_entities_or_list_positions():
    found = references(
        "# see issue 4\n/* (issue #12) */\ncolor: #333;\n&#34;\napplication #1 must be\n"
        "{# ticket: x #}\nfixes #9\nissued 3 certificates"
    )
    assert [line.split(":")[0] for line in found] == ["1", "2", "6", "7"]
