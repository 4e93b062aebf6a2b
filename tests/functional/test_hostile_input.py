"""Hostile input never gives a 500, and a refused request saves nothing.

Routes are enumerated from app.url_map, so a new route is fuzzed without being listed here: every
route with an argument gets odd ids and strings in the URL, every GET page hostile query arguments,
and every POST endpoint hostile values in each field of a valid submission (hostile_samples.baseline).
Each runs as a role that may use the endpoint (marketplace/access.py), in the access test's world.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
from types import SimpleNamespace
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketplace.access import ACCESS
from marketplace.extensions import db
from marketplace.models import Order
from marketplace.services import sign_in as sign_in_service
from tests.conftest import AuthActions, _app_for
from tests.functional import hostile_samples as samples
from tests.functional.test_access import RULES, World

# Modest counts keep the file well under a minute; HOSTILE_FUZZ_SCALE=10 digs deeper by hand.
SCALE = int(os.environ.get("HOSTILE_FUZZ_SCALE", "1"))


def fuzz(examples: int):
    return settings(
        max_examples=examples * SCALE,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


def role_for(endpoint: str) -> str:
    """Anonymous where allowed (sign-in and registration send signed-in users away), else the owner."""
    allowed = ACCESS[endpoint]
    return next(role for role in ("anonymous", "supplier", "buyer", "ministry", "evaluator") if role in allowed)


def method_of(rule) -> str:
    return "GET" if "GET" in rule.methods else "POST"


ARG_RULES = [rule for rule in RULES if rule.arguments and rule.endpoint != "static"]
GET_RULES = [rule for rule in RULES if "GET" in rule.methods and rule.endpoint != "static"]
# Steps that end what others need (a cancelled order cannot be delivered) are fuzzed last.
LAST = (
    "buyer.cancel_order",
    "supplier.withdraw_application",
    "supplier.product_status",
    "ministry.decline_join",
    "ministry.remove_committee_member",
)
POST_RULES = sorted((rule for rule in RULES if "POST" in rule.methods), key=lambda rule: rule.endpoint in LAST)


# A refused password or code is counted by design (throttling): its counters and the event are not "saved".
SIGN_IN_STEPS = (
    "auth.login",
    "auth.change_password",
    "auth.second_factor",
    "auth.enrol_two_factor",
    "auth.close_account",
)
THROTTLE_TABLES = {"login_failures", "audit_events", "chain_heads"}
THROTTLE_USER_COLUMNS = {"failed_logins", "login_retry_at"}


@functools.cache
def _snapshot_queries(counted: bool) -> tuple[tuple[str, str], ...]:
    """(table, SQL reading all its rows) for every table: written once, run as plain SQL each time."""
    queries = []
    for table in db.metadata.sorted_tables:
        if counted and table.name in THROTTLE_TABLES:
            continue
        skipped = THROTTLE_USER_COLUMNS if counted and table.name == "users" else set()
        columns = ", ".join(f'"{c.name}"' for c in table.columns if c.name not in skipped)
        queries.append((table.name, f'SELECT {columns} FROM "{table.name}"'))  # noqa: S608 - the models' names
    return tuple(queries)


def snapshot(endpoint: str = "") -> dict:
    """Every row of every table, as stored: a refused request must leave it exactly as it was."""
    db.session.expire_all()
    connection = db.session.connection()
    return {name: connection.exec_driver_sql(sql).all() for name, sql in _snapshot_queries(endpoint in SIGN_IN_STEPS)}


def assert_nothing_saved(before: dict, after: dict, response, what: str) -> None:
    changed = [name for name in before if before[name] != after[name]]
    assert not changed, f"{what} was refused ({response.status_code}) but changed {changed}"


class Fuzzer:
    """The access world, and a signed-in client per role."""

    def __init__(self, app, make):
        self.app = app
        self.world = World(make)
        self.world.leaving = make.user("buyer")
        order = db.session.get(Order, self.world.values["order_id"])
        self.world.values.update(institution_code=order.institution.code, ordered_on=order.ordered_on.isoformat())
        self.clients: dict = {}
        # The database as a refused request left it, checked unchanged, by whether throttle tables were read:
        # the next POST starts from it instead of reading every table again. Anything else that may write
        # (a sign-in, a GET, an accepted request) forgets it.
        self.unchanged: dict[bool, dict] = {}

    def client(self, role: str, endpoint: str = ""):
        if endpoint == "auth.logout":  # ends every session of its user: a user of its own, signed in again
            self.clients.pop("leaving", None)
            role = "leaving"
        if role not in self.clients:
            self.unchanged = {}
            client = self.app.test_client()
            if role != "anonymous":
                user = getattr(self.world, role)
                # the sign-in clock is the test's frozen one; ministry staff type their authenticator's code
                response = AuthActions(client, sign_in_service.now).login(user)
                assert response.status_code == 302
            self.clients[role] = client
        return self.clients[role]

    def send(self, rule, url: str, data: dict | None = None):
        client = self.client(role_for(rule.endpoint), rule.endpoint)
        method = method_of(rule) if data is None else "POST"
        counted = rule.endpoint in SIGN_IN_STEPS
        before = (self.unchanged.get(counted) or snapshot(rule.endpoint)) if method == "POST" else None
        self.unchanged = {}
        response = client.open(url, method=method, data=data)
        assert response.status_code < 500, f"{method} {url} {data or ''} answered {response.status_code}"
        if before is not None and response.status_code >= 400:
            after = snapshot(rule.endpoint)
            assert_nothing_saved(before, after, response, f"{method} {url} {data or ''}")
            self.unchanged = {counted: after}
        return response

    def rule(self, endpoint: str):
        return next(rule for rule in RULES if rule.endpoint == endpoint)


@pytest.fixture(scope="module")
def fuzzer(sqlite_template, tmp_path_factory):
    """One world for the whole module (building it per test would take most of the time)."""
    from tests import factories

    target = tmp_path_factory.mktemp("hostile") / "test.sqlite3"
    shutil.copy(sqlite_template, target)
    app_context = _app_for(f"sqlite:///{target}")
    yield Fuzzer(next(app_context), factories.Builders())
    next(app_context, None)


def test_the_check_notices_a_refused_request_that_saved_something(fuzzer):
    """The check itself works: a row changed between the two readings is reported."""
    user = fuzzer.world.supplier
    name, before = user.name, snapshot()
    user.name = "changed"
    db.session.commit()
    after = snapshot()
    user.name = name
    db.session.commit()
    fuzzer.unchanged = {}
    with pytest.raises(AssertionError, match=r"changed \['users'\]"):
        assert_nothing_saved(before, after, SimpleNamespace(status_code=400), "POST /somewhere")


def url_with(rule, values: dict, argument: str, raw: str) -> str:
    """The rule's sample URL with one argument replaced by a raw (percent-encoded) value."""
    url = rule.rule
    for name in rule.arguments:
        value = quote(raw, safe="") if name == argument else str(values[name])
        url = re.sub(rf"<(?:[^:<>]+:)?{name}>", value, url)
    return url


@pytest.mark.parametrize("rule", ARG_RULES, ids=[r.endpoint for r in ARG_RULES])
def test_odd_ids_and_strings_in_a_url_never_give_a_500(fuzzer, rule):
    @fuzz(8)
    @given(argument=st.sampled_from(sorted(rule.arguments)), raw=samples.ODD_IDS)
    def check(argument, raw):
        fuzzer.send(rule, url_with(rule, fuzzer.world.values, argument, raw))

    check()


@pytest.mark.parametrize("rule", GET_RULES, ids=[r.endpoint for r in GET_RULES])
def test_hostile_query_arguments_never_give_a_500(fuzzer, rule):
    @fuzz(5)
    @given(args=st.fixed_dictionaries({name: samples.HOSTILE for name in samples.QUERY_ARGS}))
    def check(args):
        fuzzer.send(rule, fuzzer.world.url_for(rule) + "?" + urlencode(args))

    check()


def test_every_post_endpoint_has_a_valid_submission_to_fuzz():
    values = dict.fromkeys(
        ("certificate_id", "product_id", "round_code", "mou_id", "ordered_on", "institution_code"), "1"
    )
    missing = sorted({rule.endpoint for rule in POST_RULES} - samples.baseline(values).keys())
    assert not missing, f"add a valid submission to tests/functional/hostile_samples.py: {missing}"


def hostile_form(valid: dict):
    """The valid submission with one field, or every field, replaced by a hostile value."""
    if not valid:
        return st.fixed_dictionaries({"x": samples.HOSTILE})
    one = st.tuples(st.sampled_from(sorted(valid)), samples.HOSTILE).map(lambda fv: {**valid, fv[0]: fv[1]})
    every = st.fixed_dictionaries({name: samples.HOSTILE for name in valid})
    return st.one_of(one, one, every)


@pytest.mark.parametrize("rule", POST_RULES, ids=[r.endpoint for r in POST_RULES])
def test_hostile_form_values_never_give_a_500_and_a_refusal_saves_nothing(fuzzer, rule):
    valid = samples.baseline(fuzzer.world.values)[rule.endpoint]
    url = fuzzer.world.url_for(rule)

    @fuzz(20)
    @given(data=hostile_form(valid))
    def check(data):
        fuzzer.send(rule, url, data)

    check()


# PostgreSQL refuses what SQLite takes (NUL in text, integers past bigint): a few forms and routes there.
POSTGRES_SUBSET = (
    "auth.register",
    "auth.login",
    "public.join_institution",
    "ministry.new_mou",
    "ministry.amend_mou",
    "ministry.new_institution",
    "buyer.record_purchase",
    "supplier.new_product",
    "supplier.edit_application",
    "ministry.new_round",
    "buyer.new_need",
    "supplier.propose",
    "buyer.send_shortlist",
)
POSTGRES_VALUES = ["\x00", "a\x00b", "9" * 5000, "-" + "9" * 5000, "가" * 5000, str(2**63), "--5", "+-5", "\r\n"]


def test_hostile_values_on_postgresql(app, make):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the SQLite run is the fuzz above")
    fuzzer = Fuzzer(app, make)
    valid = samples.baseline(fuzzer.world.values)
    for endpoint in POSTGRES_SUBSET:
        rule = fuzzer.rule(endpoint)
        url = fuzzer.world.url_for(rule)
        for value in POSTGRES_VALUES:
            fuzzer.send(rule, url, dict.fromkeys(valid[endpoint], value))
        for name in valid[endpoint]:
            fuzzer.send(rule, url, {**valid[endpoint], name: str(2**63)})
    for rule in ARG_RULES:
        for argument in rule.arguments:
            for raw in (str(2**63), str(2**63 - 1), "\x00"):
                fuzzer.send(rule, url_with(rule, fuzzer.world.values, argument, raw))
