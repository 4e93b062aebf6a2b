"""Rule pp-draw-2: the draw order is decided with whole numbers, so no platform's log can change it."""

import json
import math
import runpy
from functools import cmp_to_key
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.domain import draw
from marketplace.domain.eligibility import WeightTiers
from marketplace.domain.selection import (
    EXACT_RULE,
    FLOAT_RULE,
    RULE_VERSION,
    Manifest,
    PoolApplication,
    PoolInstitution,
    SelectionError,
    exact_before,
    manifest_json,
    result_json,
    run_draw,
)

D = 2**256 + 1
SCRIPT = Path(__file__).resolve().parents[2] / "static" / "tools" / "check_draw.py"
checker = runpy.run_path(str(SCRIPT))


def key(numerator: int, weight: int) -> float:
    return math.log(numerator / D) / weight


def test_new_rounds_are_drawn_with_the_exact_rule():
    assert RULE_VERSION == EXACT_RULE == "pp-draw-2"


def test_two_keys_no_float_can_tell_apart_are_ordered_by_their_exact_values():
    # Equal weights: N = 2^255 and 2^255 + 1 give the same float key, but the second key is higher.
    low, high = 2**255, 2**255 + 1
    keys = [key(low, 1), key(high, 1)]
    assert keys[0] == keys[1]
    assert draw._order(keys) == [0, 1]  # floats: equal keys, lower id first
    assert draw._exact_order(keys, [low, high], [1, 1]) == [1, 0]


def test_a_near_tie_across_weights_is_decided_by_the_integer_inequality():
    # key_b = ln(N_b/D) and key_a = ln(N_a/D)/2 meet when N_b^2 = N_a*D; N_a a hair below makes b higher.
    n_b = 2**255
    n_a = n_b**2 // D
    assert n_a * D < n_b**2
    keys = [key(n_a, 2), key(n_b, 1)]
    assert math.isclose(keys[0], keys[1], rel_tol=1e-15)
    assert exact_before(n_b, 1, n_a, 2) == -1
    assert draw._exact_order(keys, [n_a, n_b], [2, 1]) == [1, 0]


def test_exactly_equal_keys_keep_the_lower_id_first():
    # N^2 vs M with weights 2 and 1: equal keys when M*D = N^2 ... take N = D, M = D (u = 1, key 0).
    assert exact_before(D, 2, D, 1) == 0
    assert draw._exact_order([0.0, 0.0], [D, D], [2, 1]) == [0, 1]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(1, D), st.integers(1, 10)), min_size=2, max_size=40))
def test_the_exact_order_equals_the_float_order_wherever_the_keys_differ_by_more_than_a_few_ulps(entries):
    numerators = [n for n, _ in entries]
    weights = [w for _, w in entries]
    keys = [key(n, w) for n, w in entries]
    exact = draw._exact_order(keys, numerators, weights)

    def compare(a, b):
        return exact_before(numerators[a], weights[a], numerators[b], weights[b]) or (a > b) - (a < b)

    assert exact == sorted(range(len(entries)), key=cmp_to_key(compare))
    rank = {pos: n for n, pos in enumerate(exact)}
    for a in range(len(keys)):
        for b in range(len(keys)):
            if keys[a] - keys[b] > 8 * math.ulp(max(abs(keys[a]), abs(keys[b]))) + 1e-300:
                assert rank[a] < rank[b]


def manifest(rule: str, weights=(3, 1, 2, 1, 3)) -> Manifest:
    institutions = (PoolInstitution("A", 500), PoolInstitution("B", 300))
    apps = tuple(PoolApplication(n, w, 100, ()) for n, w in enumerate(weights, start=1))
    return Manifest("2026-H2", rule, institutions, apps)


@pytest.mark.parametrize("rule", [FLOAT_RULE, EXACT_RULE])
def test_both_rules_draw_and_the_public_checker_agrees(rule):
    result = run_draw(manifest(rule), "1 2 3 4 5 6 + 7")
    published = json.loads(result_json(result))
    assert published["rule"] == rule
    assert checker["differences"](manifest_json(manifest(rule)).encode(), published) == []


def test_a_platform_whose_log_differs_in_the_last_place_still_matches_under_the_exact_rule():
    published = json.loads(result_json(run_draw(manifest(EXACT_RULE), "seed")))
    for entry in published["order"]:
        entry["key"] = math.nextafter(entry["key"], 0.0)  # another platform's log, one ulp off
    assert checker["differences"](manifest_json(manifest(EXACT_RULE)).encode(), published) == []


@pytest.mark.parametrize("part, value", [("round", "2018-H1"), ("rule", FLOAT_RULE)])
def test_the_checker_refuses_a_result_for_another_round_or_rule(part, value):
    published = json.loads(result_json(run_draw(manifest(EXACT_RULE), "seed")))
    published[part] = value
    found = checker["differences"](manifest_json(manifest(EXACT_RULE)).encode(), published)
    assert any(f"for {part} {value}" in line for line in found)


@pytest.mark.parametrize(
    "weights",
    [(1, 1, 5), (1, 5, 1), (2, 3, 1), (11, 2, 1), (3, 2, 0)],
    ids=["incumbents-favoured", "startups-over-first-timers", "first-timer-below-startup", "over-10", "zero"],
)
def test_weights_that_break_the_programs_promise_are_refused(weights):
    first, startup, general = weights
    with pytest.raises(SelectionError):
        WeightTiers(first_timer=first, startup_or_small_record=startup, general=general)


@pytest.mark.parametrize("weights", [(3, 2, 1), (1, 1, 1), (10, 10, 1), (10, 5, 5)])
def test_weights_from_1_to_10_that_favour_first_timers_and_startups_are_accepted(weights):
    first, startup, general = weights
    WeightTiers(first_timer=first, startup_or_small_record=startup, general=general)
