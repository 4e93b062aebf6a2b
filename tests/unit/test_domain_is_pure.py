"""marketplace/domain must stay pure Python: no framework, database or sibling-package imports."""

import ast
from pathlib import Path

import pytest

DOMAIN = Path(__file__).resolve().parents[2] / "marketplace" / "domain"
FORBIDDEN = ("flask", "flask_babel", "flask_login", "flask_wtf", "sqlalchemy", "weasyprint", "werkzeug",
             "marketplace", "jinja2", "wtforms", "psycopg", "requests")


def imported_modules(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.level if hasattr(node, "level") else 0) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module:
                found.append((node.module, 0))
            elif node.level > 1:
                found.append(("..", node.level))
    return found


@pytest.mark.parametrize("path", sorted(DOMAIN.glob("*.py")), ids=lambda p: p.name)
def test_a_domain_module_imports_only_the_standard_library_and_the_domain(path):
    bad = [name for name, level in imported_modules(path)
           if name == ".." or name.split(".")[0] in FORBIDDEN]
    assert not bad, f"{path.name} imports {bad}"


def test_the_check_itself_catches_a_framework_import(tmp_path):
    sample = tmp_path / "impure.py"
    sample.write_text("from flask import request\nimport sqlalchemy\nfrom ..models import User\n")
    names = [name for name, _ in imported_modules(sample)]
    assert names == ["flask", "sqlalchemy", ".."]
