"""Every endpoint declares who may use it, and each role gets exactly that."""

from __future__ import annotations

import re
import shutil

import pytest

from marketplace import create_app
from marketplace.access import ACCESS
from marketplace.extensions import db
from tests.conftest import AuthActions, _app_for, _fill_sqlite_slot, _shared_app_for, base_config

ROLES = ("anonymous", "supplier", "buyer", "ministry", "evaluator")


def all_rules():
    app = create_app({**base_config("sqlite://"), "DEV_PAGES": True})  # the development-only pages too
    return [rule for rule in app.url_map.iter_rules()]


RULES = all_rules()


def test_every_endpoint_declares_which_roles_may_use_it():
    missing = sorted({rule.endpoint for rule in RULES} - ACCESS.keys())
    assert not missing, f"add these endpoints to marketplace/access.py ACCESS: {missing}"


def test_the_access_table_names_no_endpoint_that_does_not_exist():
    stale = sorted(ACCESS.keys() - {rule.endpoint for rule in RULES})
    assert not stale, f"remove or fix these ACCESS entries: {stale}"


class World:
    """One object of each kind, owned by the signed-in supplier / buyer, to fill URL arguments."""

    def __init__(self, make):
        self.supplier = make.user("supplier")
        company = self.supplier.company
        self.buyer = make.user("buyer")
        self.ministry = make.user("ministry")
        self.evaluator = make.user("evaluator")
        self.product = make.product(company)
        self.certificate = self.product.certificates[0]
        self.values = {
            "company_id": company.id,
            "product_id": self.product.id,
            "certificate_id": self.certificate.id,
            "institution_id": self.buyer.institution_id,
            "filename": "css/app.css",
        }
        self.extend_values(make)

    def extend_values(self, make):
        """Later areas add their URL arguments here (round_code, order_id, serial, ...)."""
        from tests.functional import access_samples

        self.values.update(access_samples.values(self, make))

    def url_for(self, rule) -> str:
        values = {}
        for argument in rule.arguments:
            assert argument in self.values, f"no sample value for <{argument}> in {rule.rule}"
            values[argument] = self.values[argument]
        url = rule.rule
        for name, value in values.items():
            url = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(value), url)
        return url


class SavedWorld(World):
    """The world as plain data (the users' e-mails, the URL values), saved with its database file."""

    def __init__(self, world: World):
        self.supplier, self.buyer, self.ministry = world.supplier.email, world.buyer.email, world.ministry.email
        self.evaluator = world.evaluator.email
        self.values = dict(world.values)


@pytest.fixture(scope="session")
def world_template(sqlite_template, tmp_path_factory):
    """One world built once: each case starts from a copy of its database file, so none sees another's writes."""
    from tests import factories

    path = tmp_path_factory.mktemp("access") / "world.sqlite3"
    shutil.copy(sqlite_template, path)
    app = _app_for(f"sqlite:///{path}")
    next(app)
    saved = SavedWorld(World(factories.Builders()))
    db.session.commit()
    next(app, None)  # the last connection closed checkpoints the WAL: everything is in the file copied
    return path, saved


@pytest.fixture
def world_app(world_template, slots):
    url = _fill_sqlite_slot(slots / "world.sqlite3", world_template[0])
    mail = slots / "world-mail"
    shutil.rmtree(mail, ignore_errors=True)
    yield from _shared_app_for(url, DEV_PAGES=True, MAIL_DIR=str(mail))


CASES = [(rule.endpoint, rule, role) for rule in RULES if rule.endpoint in ACCESS for role in ROLES]


@pytest.mark.parametrize("endpoint,rule,role", CASES, ids=[f"{e}-{r}" for e, _, r in CASES])
def test_each_role_is_let_in_or_refused_as_declared(world_app, world_template, sign_in_clock, endpoint, rule, role):
    world = world_template[1]
    client = world_app.test_client()
    if role != "anonymous":
        assert AuthActions(client, sign_in_clock).login(getattr(world, role)).status_code == 302
    method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
    response = client.open(world.url_for(rule), method=method)
    refused = response.status_code == 403 or (
        response.status_code == 302 and "/login" in response.headers.get("Location", "") and role == "anonymous"
    )
    if role in ACCESS[endpoint]:
        assert not refused, f"{role} should be allowed on {endpoint}, got {response.status_code}"
        assert response.status_code < 500
    else:
        assert refused, f"{role} should be refused on {endpoint}, got {response.status_code}"
