"""The package's shape, read from its import statements: who may import whom, and no cycles."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "marketplace"
AUDIENCES = ("auth", "public", "supplier", "buyer", "ministry", "evaluator")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _target(module: str, node: ast.ImportFrom, alias: str) -> str:
    """The module an import statement of `module` reaches: the named submodule if there is one."""
    if node.level == 0:
        base = node.module or ""
    else:
        package = module.split(".") if modules()[module].name == "__init__.py" else module.split(".")[:-1]
        base = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else []))
    return f"{base}.{alias}" if f"{base}.{alias}" in modules() else base


@cache
def imports(module: str, *, deferred: bool = True) -> frozenset[str]:
    """The marketplace modules `module` imports; without `deferred`, only those its top level imports.

    Imports under `if TYPE_CHECKING:` are left out: they name types for annotations and run nothing."""
    tree = ast.parse(modules()[module].read_text(encoding="utf-8"))
    nodes = _walk(tree) if deferred else _top_level(tree.body)
    found = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            found.update(_target(module, node, alias.name) for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return frozenset(name for name in found if name.split(".")[0] == "marketplace" and name != module)


def _type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def _walk(node: ast.AST):
    """ast.walk without the `if TYPE_CHECKING:` blocks."""
    yield node
    for child in ast.iter_child_nodes(node):
        if not _type_checking(child):
            yield from _walk(child)


def _top_level(body: list[ast.stmt]):
    """Statements run when the module is imported (into if/try blocks, not into functions or classes)."""
    for node in body:
        if _type_checking(node):
            continue
        yield node
        if isinstance(node, (ast.If, ast.Try, ast.With)):
            for block in ("body", "orelse", "finalbody"):
                yield from _top_level(getattr(node, block, []))
            for handler in getattr(node, "handlers", []):
                yield from _top_level(handler.body)


def package_of(module: str) -> str:
    """'auth' for marketplace.auth.views; top-level modules are their own unit ('forms', 'i18n')."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_sees_relative_imports_of_modules_and_of_names():
    assert "marketplace.auth.views" in imports("marketplace.auth")
    assert "marketplace.services.orders" in imports("marketplace.buyer.views")
    assert "marketplace.domain.errors" in imports("marketplace.errors")
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_imports_a_module_that_imports_it_back_when_loaded():
    graph = {module: set(imports(module, deferred=False)) for module in modules()}
    assert cycles(graph) == []


def test_the_subpackages_depend_on_each_other_in_one_direction():
    """Counting imports inside functions too: a deferred import is a dependency all the same."""
    graph: dict[str, set[str]] = {}
    for module in modules():
        graph.setdefault(package_of(module), set()).update(
            package_of(other) for other in imports(module) if package_of(other) != package_of(module)
        )
    subpackages = {name for name in graph if (PACKAGE / name / "__init__.py").exists()}
    graph = {name: edges & subpackages for name, edges in graph.items() if name in subpackages}
    assert cycles(graph) == []


@pytest.mark.parametrize("audience", AUDIENCES)
def test_an_audience_package_imports_no_other_audience_package(audience):
    crossing = {
        (module, other)
        for module in modules()
        if package_of(module) == audience
        for other in imports(module)
        if package_of(other) in AUDIENCES and package_of(other) != audience
    }
    assert crossing == set()


def test_modules_shared_by_the_audiences_import_none_of_them():
    """forms.py, security.py, report pages...: what two audiences share must not lean on either."""
    leaning = {
        (module, other)
        for module in modules()
        if package_of(module) not in AUDIENCES and module != "marketplace"
        for other in imports(module)
        if package_of(other) in AUDIENCES
    }
    assert leaning == set()


def test_create_app_imports_each_audience_blueprint_and_nothing_else_of_the_audiences():
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    reached = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            names = [alias.name for alias in node.names]
            reached += [(node.module, name) for name in names] if node.module else [(name, "*") for name in names]
    audiences = [(module, name) for module, name in reached if module.split(".")[0] in AUDIENCES]
    assert sorted(audiences) == sorted((audience, "bp") for audience in AUDIENCES)
    plain = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    assert not [name for name in plain if name.startswith("marketplace")]


WEB_MODULES = {"access", "errors", "forms", "i18n", "navigation", "rate_limits", "report_pages", "routing", "security"}
WEB_MODULES |= {"shared_forms", *AUDIENCES}
REQUEST_STATE = {
    "flask": {"request", "session", "g", "flash", "abort", "redirect", "url_for", "make_response"},
    "flask_login": {"current_user", "login_user", "logout_user"},
}


def request_state_names(module: str) -> set[str]:
    """The names of the request's state and answers a module imports from Flask and Flask-Login."""
    tree = ast.parse(modules()[module].read_text(encoding="utf-8"))
    return {
        f"{node.module}.{alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module in REQUEST_STATE
        for alias in node.names
        if alias.name in REQUEST_STATE[node.module]
    }


@pytest.mark.parametrize("layer", ["domain", "services"])
def test_the_domain_and_the_services_know_nothing_of_requests_views_or_translations(layer):
    """Views decide from the request and pass plain values in; the services raise, the web words it."""
    leaks = {
        module: sorted(
            {package_of(o) for o in imports(module) if package_of(o) in WEB_MODULES} | request_state_names(module)
        )
        for module in modules()
        if package_of(module) == layer
    }
    assert {module: found for module, found in leaks.items() if found} == {}


def test_reports_only_render_they_load_and_store_nothing():
    """The services load a report's data and record what was served; they call reports/ to render it.

    (render.py asks database.in_write_transaction() whether its caller holds the write lock, to render
    in place rather than wait on the pool: it reads no rows.)"""
    loading = {"services", "models", "extensions", *WEB_MODULES - {"i18n"}}
    leaks = {
        module: sorted(package_of(other) for other in imports(module) if package_of(other) in loading)
        for module in modules()
        if package_of(module) == "reports"
    }
    assert {module: found for module, found in leaks.items() if found} == {}
