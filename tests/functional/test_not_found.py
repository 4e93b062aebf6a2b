"""One answer for "not found": a domain NotFound becomes the 404 page or JSON; other domain errors do not."""

import ast
import importlib
import re
from pathlib import Path

import pytest

from marketplace.domain.errors import DomainError, NotFound
from marketplace.domain.rounds import RoundError
from marketplace.services import rounds as round_service

PACKAGE = Path(__file__).resolve().parents[2] / "marketplace"
SERVICES = sorted(path.stem for path in (PACKAGE / "services").glob("*.py") if path.stem != "__init__")
WEB = ["auth", "public", "supplier", "buyer", "ministry"]


@pytest.mark.parametrize("name", SERVICES)
def test_every_not_found_of_the_services_is_the_one_domain_not_found(name):
    """A message says what was not found; a subclass would say nothing the one 404 handler uses."""
    module = importlib.import_module(f"marketplace.services.{name}")
    kinds = [value for value in vars(module).values() if isinstance(value, type) and issubclass(value, NotFound)]
    assert set(kinds) <= {NotFound}
    assert issubclass(NotFound, DomainError)


def test_no_abort_404_and_no_404_handler_outside_errors_py():
    """Views raise nothing of their own for a missing row: the services raise NotFound, errors.py answers."""
    pattern = re.compile(r"abort\(\s*404|errorhandler\(\s*404|register_error_handler\(\s*404")
    found = [
        f"{path.relative_to(PACKAGE)}:{number}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "errors.py" or path.parent != PACKAGE
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == []


def _views():
    for package in WEB:
        yield from sorted((PACKAGE / package).glob("*.py"))
    yield PACKAGE / "report_pages.py"


@pytest.mark.parametrize("path", list(_views()), ids=lambda path: f"{path.parent.name}/{path.name}")
def test_a_view_that_catches_not_found_only_lets_it_through(path):
    """`except NotFound: raise` keeps a missing row from becoming a form error; nothing else may catch it."""
    handlers = [
        node
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ExceptHandler)
        and any(
            isinstance(name, ast.Name) and name.id.endswith("NotFound") for name in ast.walk(node.type or ast.Pass())
        )
    ]
    assert all(len(h.body) == 1 and isinstance(h.body[0], ast.Raise) and h.body[0].exc is None for h in handlers)


def test_an_unknown_round_answers_the_404_page_in_the_users_language(client):
    korean = client.get("/rounds/NO-SUCH-ROUND", headers={"Accept-Language": "ko"})
    assert korean.status_code == 404
    assert "페이지를 찾을 수 없음" in korean.get_data(as_text=True)
    english = client.get("/rounds/NO-SUCH-ROUND?lang=en")
    assert english.status_code == 404 and "Page not found" in english.get_data(as_text=True)


def test_an_unknown_round_answers_json_to_a_client_that_asks_for_json(client):
    response = client.get("/rounds/NO-SUCH-ROUND?lang=en", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json() == {
        "error": "Page not found",
        "message": "The page you asked for does not exist or was moved.",
    }


def test_a_domain_error_that_is_not_a_not_found_is_not_turned_into_a_404(client, monkeypatch):
    def broken(code, **kw):
        raise RoundError("The round cannot do that now.")

    monkeypatch.setattr(round_service, "get_round", broken)
    assert client.get("/rounds/2018-H2").status_code == 500
