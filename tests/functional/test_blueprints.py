"""One way to reach a blueprint: each audience package puts its routes on its own `bp`, and only there."""

from __future__ import annotations

import importlib

from marketplace import create_app
from tests.conftest import base_config

AUDIENCES = ("auth", "public", "supplier", "buyer", "ministry", "evaluator", "api")


def test_the_app_registers_the_bp_of_each_audience_package_and_no_other_blueprint():
    app = create_app(base_config("sqlite://"))
    assert app.blueprints == {name: importlib.import_module(f"marketplace.{name}").bp for name in AUDIENCES}


def test_every_route_of_a_blueprint_is_a_view_of_that_audience_package():
    app = create_app(base_config("sqlite://"))
    elsewhere = {
        endpoint: view.__module__
        for endpoint, view in app.view_functions.items()
        if "." in endpoint and not view.__module__.startswith(f"marketplace.{endpoint.split('.')[0]}.")
    }
    assert elsewhere == {}
    assert {endpoint.split(".")[0] for endpoint in app.view_functions if "." in endpoint} == set(AUDIENCES)
