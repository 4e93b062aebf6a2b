"""marketplace/domain must stay pure Python: only the standard library's pure modules and other domain modules."""

import ast
from pathlib import Path

import pytest

DOMAIN = Path(__file__).resolve().parents[2] / "marketplace" / "domain"
# Standard-library modules that compute and nothing else: no files, processes, network, databases,
# environment or clock of their own. (zoneinfo reads the zone database, which is data, not state;
# secrets is the standard way to compare and draw secret values.)
PURE_STDLIB = frozenset(
    {
        "__future__",
        "abc",
        "base64",
        "binascii",
        "bisect",
        "calendar",
        "collections",
        "collections.abc",
        "copy",
        "dataclasses",
        "datetime",
        "decimal",
        "difflib",
        "enum",
        "fractions",
        "functools",
        "hashlib",
        "heapq",
        "hmac",
        "ipaddress",
        "itertools",
        "json",
        "math",
        "numbers",
        "operator",
        "re",
        "secrets",
        "statistics",
        "string",
        "struct",
        "textwrap",
        "types",
        "typing",
        "unicodedata",
        "zoneinfo",
    }
)


def imported_modules(path: Path) -> list[str]:
    """Every module `path` imports: absolute names as written, a sibling as ".", anything further up as ".."."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.append(node.module if node.level == 0 else "." if node.level == 1 else "..")
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "__import__":
            found.append("__import__")
    return found


def impure(path: Path) -> list[str]:
    return [name for name in imported_modules(path) if name != "." and name not in PURE_STDLIB]


@pytest.mark.parametrize("path", sorted(DOMAIN.glob("*.py")), ids=lambda p: p.name)
def test_a_domain_module_imports_only_pure_standard_modules_and_the_domain(path):
    assert impure(path) == [], f"{path.name} imports {impure(path)}"


def test_the_check_refuses_frameworks_the_system_and_modules_outside_the_domain(tmp_path):
    sample = tmp_path / "impure.py"
    sample.write_text(
        "from flask import request\nimport sqlalchemy\nfrom ..models import User\nimport os\n"
        "import subprocess, socket\nfrom sqlite3 import connect\nfrom concurrent.futures import x\n"
        "import os.path\nfrom . import money\nfrom .errors import N_\nimport json\n"
        "from collections.abc import Mapping\n"
    )
    assert impure(sample) == [
        "flask",
        "sqlalchemy",
        "..",
        "os",
        "subprocess",
        "socket",
        "sqlite3",
        "concurrent.futures",
        "os.path",
    ]
