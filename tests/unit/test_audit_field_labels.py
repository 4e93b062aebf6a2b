"""Every key written literally into an audit event's before/after has a label in the audit trail."""

from __future__ import annotations

import ast
from pathlib import Path

from marketplace.domain.audit_fields import FIELD_LABELS

PACKAGE = Path(__file__).resolve().parents[2] / "marketplace"
EVENT_HELPERS = {"record_event", "_event"}  # services/orders.py's _event passes its keywords on as `after`


def literal_keys(node: ast.AST) -> set[str]:
    return {
        key.value
        for d in ast.walk(node)
        if isinstance(d, ast.Dict)
        for key in d.keys
        if isinstance(key, ast.Constant) and isinstance(key.value, str)
    }


def recorded_keys() -> set[str]:
    """String keys of dict literals passed as before=/after=, and the keywords given to orders._event."""
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) in EVENT_HELPERS):
                continue
            for keyword in node.keywords:
                if keyword.arg in ("before", "after"):
                    found |= literal_keys(keyword.value)
                elif node.func.id == "_event" and keyword.arg:
                    found.add(keyword.arg)
    return found


def test_every_literal_audit_key_has_a_label():
    keys = recorded_keys()
    assert {"status", "revoked_at", "released_krw", "balance_after", "delta_krw"} <= keys  # the scan finds them
    assert sorted(keys - FIELD_LABELS.keys()) == []
