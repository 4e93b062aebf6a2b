"""Finds states compared with bare strings: `order.status == "placed"` in Python, `round.status == 'open'` in templates.

A state operand is a name, attribute, `x["status"]` or `x.get("status")` called status, role, kind, state or
result (or ending in _status, _role, _kind, _state, _result); a bare string is a string constant or a
tuple, list or set of them. Python also counts `X.status.in_((...))`.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import jinja2
from jinja2 import nodes

ROOT = Path(__file__).resolve().parents[1]
STATE_NAME = re.compile(r"^(?:\w+_)?(?:status|role|kind|state|result)$")
COMPARISONS = (ast.Eq, ast.NotEq, ast.In, ast.NotIn)
JINJA_COMPARISONS = {"eq", "ne", "in", "notin"}


def _python_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return node.slice.value if isinstance(node.slice.value, str) else None
    if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "get" and node.args:
        first = node.args[0]
        return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
    return None


def _python_strings(node: ast.AST) -> list[str] | None:
    """The strings of a bare string literal (or a tuple, list or set of them); None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Tuple | ast.List | ast.Set) and node.elts:
        found = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        return found if len(found) == len(node.elts) else None
    return None


def python_comparisons(source: str) -> list[tuple[int, str, list[str]]]:
    """(line, state operand, strings) of every comparison of a state operand with bare strings."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            for op, left, right in zip(node.ops, operands, operands[1:], strict=False):
                if not isinstance(op, COMPARISONS):
                    continue
                for state, literal in ((left, right), (right, left)):
                    name, strings = _python_name(state), _python_strings(literal)
                    if name and STATE_NAME.match(name) and strings is not None:
                        found.append((node.lineno, name, strings))
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", None) in ("in_", "not_in") and node.args:
            name, strings = _python_name(node.func.value), _python_strings(node.args[0])
            if name and STATE_NAME.match(name) and strings is not None:
                found.append((node.lineno, name, strings))
    return found


def _jinja_name(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return node.attr
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        return node.arg.value if isinstance(node.arg.value, str) else None
    return None


def _jinja_strings(node: nodes.Node) -> list[str] | None:
    if isinstance(node, nodes.Const) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, nodes.Tuple | nodes.List) and node.items:
        found = [i.value for i in node.items if isinstance(i, nodes.Const) and isinstance(i.value, str)]
        return found if len(found) == len(node.items) else None
    return None


def template_comparisons(source: str) -> list[tuple[int, str, list[str]]]:
    """(line, state operand, strings) of every comparison of a state operand with bare strings in a template."""
    environment = jinja2.Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    found = []
    for compare in environment.parse(source).find_all(nodes.Compare):
        operands = [compare.expr, *(o.expr for o in compare.ops)]
        for operand, left, right in zip(compare.ops, operands, operands[1:], strict=False):
            if operand.op not in JINJA_COMPARISONS:
                continue
            for state, literal in ((left, right), (right, left)):
                name, strings = _jinja_name(state), _jinja_strings(literal)
                if name and STATE_NAME.match(name) and strings is not None:
                    found.append((compare.lineno, name, strings))
    return found


def scan() -> dict[str, list[tuple[str, int, str, list[str]]]]:
    """Every such comparison under marketplace/ (Python) and templates/, as (path, line, operand, strings)."""
    python = [
        (str(path.relative_to(ROOT)), *hit)
        for path in sorted((ROOT / "marketplace").rglob("*.py"))
        for hit in python_comparisons(path.read_text(encoding="utf-8"))
    ]
    templates = [
        (str(path.relative_to(ROOT)), *hit)
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for hit in template_comparisons(path.read_text(encoding="utf-8"))
    ]
    return {"python": python, "templates": templates}


if __name__ == "__main__":
    found = scan()
    for kind, hits in found.items():
        for hit in hits:
            print(kind, *hit)
    print({kind: len(hits) for kind, hits in found.items()})
