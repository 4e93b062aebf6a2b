"""Schemathesis against the served OpenAPI document: no 5xx, no answer that breaks its own schema.

Every operation gets a bounded number of generated requests (valid and invalid), with a buyer's write
token, over a small world (a product, a round, a buyer's MOU and allocation, one order); the placed
order's link to reading it back is followed by the stateful run.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from marketplace.services import api_tokens
from tests.builders_catalogue import searchable_product
from tests.builders_orders import OrderBuilders
from tests.builders_rounds import RoundBuilders

EXAMPLES = 12
# A request the schema allows may still be refused, rightly: an order against the form's rules (422), an
# opaque cursor or a certificate-type code the catalogue does not offer (400). Those answers are problems
# that every other check still holds to their schema; only "a schema-valid request must succeed" is left out.
NOT_EXPRESSIBLE = [checks.positive_data_acceptance]
SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck), derandomize=True
)


@pytest.fixture
def world(app, make):
    builders = OrderBuilders(make)
    buyer, mou, allocation = builders.setup(committed=1_000_000_000)
    builders.order(buyer, allocation, mou)
    searchable_product(make, name_ko="무선 온도센서", name_en="Sensor")
    RoundBuilders(make).round(code="2018-H2")
    return api_tokens.create_token(buyer, "schemathesis", "write", 30).secret


def loaded(app, secret: str):
    """The served document, with the buyer's token applied as its bearer scheme says."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)

    @schema.auth()
    class Bearer:
        def get(self, case, context):
            return secret

        def set(self, case, data, context):
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    return schema


def test_every_operation_answers_within_its_own_schema(app, world):
    schema = loaded(app, world)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        try:
            _exercise(operation)
        except Exception as error:  # noqa: BLE001 - collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {error}")
    assert not failures, "\n\n".join(failures)


def _exercise(operation) -> None:
    @SETTINGS
    @given(case=operation.as_strategy())
    def run(case):
        case.call_and_validate(excluded_checks=NOT_EXPRESSIBLE)

    run()


def test_the_stateful_links_hold(app, world):
    machine = loaded(app, world).as_state_machine()

    class Machine(machine):  # type: ignore[misc,valid-type]
        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, excluded_checks=NOT_EXPRESSIBLE, transport_kwargs=kwargs or None)

    Machine.TestCase.settings = settings(
        max_examples=3, stateful_step_count=4, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    Machine.TestCase().runTest()
