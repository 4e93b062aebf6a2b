"""A data migration carries its rows in its own file: later edits of the app's lists do not change it."""

import ast
import hashlib
import json
from pathlib import Path

MIGRATION = Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0002_certificate_types.py"
# SHA-256 of the rows (JSON, UTF-8) of marketplace/domain/reference.py CERTIFICATE_TYPES when the
# revision was written, the ten qualifying types of DESIGN.md section 1 from EPC to OTHER.
ROWS_SHA256 = "88e72f54a9649c8f9c400c8419e442439f0cd384abaa7af9abd1767bd5590698"


def tree() -> ast.Module:
    return ast.parse(MIGRATION.read_text(encoding="utf-8"))


def test_the_certificate_type_migration_does_not_read_the_application_code():
    imported = [alias.name for node in ast.walk(tree()) if isinstance(node, ast.Import) for alias in node.names]
    imported += [node.module or "." for node in ast.walk(tree()) if isinstance(node, ast.ImportFrom)]
    assert [name for name in imported if name.split(".")[0] == "marketplace"] == []


def test_the_certificate_type_migration_inserts_the_list_the_app_had_when_it_was_written():
    [rows] = [
        ast.literal_eval(node.value)
        for node in tree().body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "CERTIFICATE_TYPES"
    ]
    digest = hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode("utf-8")).hexdigest()
    assert (len(rows), rows[0][0], rows[-1][0], digest) == (10, "EPC", "OTHER", ROWS_SHA256)
