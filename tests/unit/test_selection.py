"""Example-based tests of the weighted round draw, pinned to golden vectors (DESIGN.md section 4)."""

import hashlib
import json
import math

import pytest

from marketplace.domain import draw
from marketplace.domain.eligibility import WeightTiers, tier_name, weight_for
from marketplace.domain.errors import DomainError
from marketplace.domain.selection import (
    FLOAT_RULE,
    Allocation,
    MalformedManifestError,
    Manifest,
    NotSelectedError,
    PoolApplication,
    PoolInstitution,
    SelectionError,
    UnsupportedRuleError,
    draw_key,
    estimated_selection_rate,
    expected_rates,
    manifest_from_json,
    manifest_json,
    manifest_sha256,
    rank_by_key,
    refill_after_withdrawal,
    result_json,
    run_draw,
)
from marketplace.services import estimates

ROUND = "2018-H2"
SEED = "2018-H2 lotto 3 11 19 25 33 41"
INSTITUTIONS = [("INST-A", 300_000_000), ("INST-B", 200_000_000), ("INST-C", 200_000_000)]
APPLICATIONS = [  # id, weight, amount, preferred
    (1, 3, 120_000_000, ()),
    (2, 1, 100_000_000, ("INST-B",)),
    (3, 2, 100_000_000, ("INST-C", "INST-A")),
    (4, 1, 400_000_000, ()),  # larger than any budget: fits nowhere
    (5, 3, 90_000_000, ("INST-B",)),
    (6, 2, 200_000_000, ()),
    (7, 1, 80_000_000, ("INST-C", "INST-B", "INST-A")),  # prefers every institution: as if it named none
    (8, 2, 60_000_000, ("INST-C",)),
]

GOLDEN_MANIFEST_JSON = (
    '{"applications":['
    '{"amount":120000000,"id":1,"preferred":[],"weight":3},'
    '{"amount":100000000,"id":2,"preferred":["INST-B"],"weight":1},'
    '{"amount":100000000,"id":3,"preferred":["INST-A","INST-C"],"weight":2},'
    '{"amount":400000000,"id":4,"preferred":[],"weight":1},'
    '{"amount":90000000,"id":5,"preferred":["INST-B"],"weight":3},'
    '{"amount":200000000,"id":6,"preferred":[],"weight":2},'
    '{"amount":80000000,"id":7,"preferred":["INST-A","INST-B","INST-C"],"weight":1},'
    '{"amount":60000000,"id":8,"preferred":["INST-C"],"weight":2}],'
    '"institutions":['
    '{"budget":300000000,"code":"INST-A"},'
    '{"budget":200000000,"code":"INST-B"},'
    '{"budget":200000000,"code":"INST-C"}],'
    '"round":"2018-H2","rule":"pp-draw-1"}'
)
# Application 7 preferred "INST-X" until a manifest naming an institution it does not list became
# malformed (DESIGN.md 4.5): it now prefers all three, which gives the same candidates, keys and result.
GOLDEN_MANIFEST_SHA256 = "a4faa47d7b3ebfd6337f2a47368f158d17c8b8073be82dc15a66fc75cab0241e"
GOLDEN_ORDER = [8, 4, 3, 5, 6, 1, 7, 2]
GOLDEN_KEYS = {  # printed with repr(); compared to within a few ulps in case another libm rounds log()
    8: -0.02327288888716733,
    4: -0.1925282469702301,
    3: -0.2860984446919209,
    5: -0.3162164724036233,
    6: -0.4251640528483604,
    1: -0.5911163263842664,
    7: -1.0057708017557336,
    2: -1.4440424002375063,
}
GOLDEN_SELECTED = [  # app id, institution, amount, rank in the draw order
    (8, "INST-C", 60_000_000, 1),
    (3, "INST-A", 100_000_000, 3),
    (5, "INST-B", 90_000_000, 4),
    (6, "INST-A", 200_000_000, 5),
    (1, "INST-C", 120_000_000, 6),
    (7, "INST-B", 80_000_000, 7),
]
GOLDEN_WAITLIST = [4, 2]
GOLDEN_REMAINING = {"INST-A": 0, "INST-B": 30_000_000, "INST-C": 20_000_000}


def golden_manifest() -> Manifest:
    return Manifest(
        ROUND,
        FLOAT_RULE,
        tuple(PoolInstitution(code, budget) for code, budget in INSTITUTIONS),
        tuple(PoolApplication(*app) for app in APPLICATIONS),
    )


def reference_draw(seed: str) -> tuple[list[tuple[float, int]], list[tuple], list[int], dict[str, int]]:
    """DESIGN.md section 4, steps 4 and 5, read literally: slow, obvious and checkable by hand."""
    keyed = []
    for app_id, weight, _amount, _preferred in APPLICATIONS:
        digest = hashlib.sha256(f"{seed}:{ROUND}:{app_id}".encode()).digest()
        u = (int.from_bytes(digest, "big") + 1) / (2**256 + 1)
        keyed.append((math.log(u) / weight, app_id))
    order = sorted(keyed, key=lambda pair: (-pair[0], pair[1]))
    budgets = dict(INSTITUTIONS)
    selected, waitlist = [], []
    for rank, (_key, app_id) in enumerate(order, start=1):
        _, _, amount, preferred = APPLICATIONS[app_id - 1]
        candidates = [code for code in preferred if code in budgets] or list(budgets)
        fitting = [code for code in candidates if budgets[code] >= amount]
        if not fitting:
            waitlist.append(app_id)
            continue
        best = sorted(fitting, key=lambda code: (-budgets[code], code))[0]
        budgets[best] -= amount
        selected.append((app_id, best, amount, rank))
    return order, selected, waitlist, budgets


def as_tuples(allocations) -> list[tuple]:
    return [(a.app_id, a.institution_code, a.amount, a.rank) for a in allocations]


# Golden vectors


def test_the_golden_manifest_serialises_to_the_pinned_canonical_json():
    assert manifest_json(golden_manifest()) == GOLDEN_MANIFEST_JSON


def test_the_golden_manifest_hash_is_the_sha256_of_its_utf8_json():
    assert manifest_sha256(golden_manifest()) == GOLDEN_MANIFEST_SHA256
    assert hashlib.sha256(GOLDEN_MANIFEST_JSON.encode()).hexdigest() == GOLDEN_MANIFEST_SHA256


def test_the_reference_reading_of_the_design_gives_the_pinned_golden_vector():
    order, selected, waitlist, remaining = reference_draw(SEED)
    assert [app_id for _key, app_id in order] == GOLDEN_ORDER
    assert selected == GOLDEN_SELECTED
    assert waitlist == GOLDEN_WAITLIST
    assert remaining == GOLDEN_REMAINING


def test_the_draw_reproduces_the_golden_order_and_keys():
    result = run_draw(golden_manifest(), SEED)
    assert [entry.app_id for entry in result.order] == GOLDEN_ORDER
    for entry in result.order:
        assert entry.key == pytest.approx(GOLDEN_KEYS[entry.app_id], rel=1e-15, abs=0)


def test_the_draw_reproduces_the_golden_allocations_waitlist_and_budgets():
    result = run_draw(golden_manifest(), SEED)
    assert as_tuples(result.selected) == GOLDEN_SELECTED
    assert list(result.waitlist) == GOLDEN_WAITLIST
    assert result.remaining == GOLDEN_REMAINING
    assert result.manifest_sha256 == GOLDEN_MANIFEST_SHA256


@pytest.mark.parametrize("derived", range(6))
def test_the_draw_agrees_with_the_reference_on_derived_seeds(derived):
    seed = f"{SEED}#{derived}"
    order, selected, waitlist, remaining = reference_draw(seed)
    result = run_draw(golden_manifest(), seed)
    assert [(entry.key, entry.app_id) for entry in result.order] == order
    assert (as_tuples(result.selected), list(result.waitlist), result.remaining) == (
        selected,
        waitlist,
        remaining,
    )


def test_draw_key_follows_the_published_formula_exactly():
    digest = hashlib.sha256(b"s:R:42").digest()
    expected = math.log((int.from_bytes(digest, "big") + 1) / (2**256 + 1)) / 3
    assert draw_key("s", "R", 42, 3) == expected


def test_draw_key_hashes_the_seed_as_utf8():
    digest = hashlib.sha256("추첨:R:1".encode()).digest()
    assert draw_key("추첨", "R", 1, 1) == math.log((int.from_bytes(digest, "big") + 1) / (2**256 + 1))


# Ties


def test_equal_keys_are_ordered_by_id_ascending():
    assert rank_by_key({5: -1.0, 2: -1.0, 9: -0.5, 7: -1.0, 1: -2.0}) == [9, 2, 5, 7, 1]


def test_a_draw_with_all_keys_equal_walks_the_applications_by_id(monkeypatch):
    monkeypatch.setattr(draw, "_keys", lambda numerators, weights: [-1.0] * len(numerators))
    result = run_draw(golden_manifest(), SEED)
    assert [entry.app_id for entry in result.order] == [1, 2, 3, 4, 5, 6, 7, 8]


def test_equal_budgets_go_to_the_lowest_institution_code():
    manifest = Manifest(
        "R",
        FLOAT_RULE,
        (PoolInstitution("B", 100), PoolInstitution("A", 100)),
        (PoolApplication(1, 1, 10),),
    )
    assert run_draw(manifest, "s").selected == (Allocation(1, "A", 10, 1),)


def test_equal_budgets_among_preferred_institutions_go_to_the_lowest_code():
    institutions = (PoolInstitution("Z", 100), PoolInstitution("M", 100), PoolInstitution("A", 500))
    manifest = Manifest("R", FLOAT_RULE, institutions, (PoolApplication(1, 1, 10, ("Z", "M")),))
    assert run_draw(manifest, "s").selected == (Allocation(1, "M", 10, 1),)


def test_an_application_goes_to_the_candidate_with_the_most_budget_left():
    institutions = (PoolInstitution("A", 100), PoolInstitution("B", 300), PoolInstitution("C", 200))
    manifest = Manifest("R", FLOAT_RULE, institutions, (PoolApplication(1, 1, 50, ("A", "C")),))
    assert run_draw(manifest, "s").remaining == {"A": 100, "B": 300, "C": 150}


# Weight tiers


@pytest.mark.parametrize(
    ("first_timer", "startup", "record", "weight", "tier"),
    [
        (True, False, 0, 3, "first_timer"),
        (True, True, 0, 3, "first_timer"),
        (False, True, 2_000_000_000, 2, "startup"),
        (False, False, 500_000_000, 2, "startup"),
        (False, False, 500_000_001, 1, "general"),
    ],
)
def test_an_applicant_gets_the_highest_tier_it_qualifies_for(first_timer, startup, record, weight, tier):
    tiers = WeightTiers()
    assert weight_for(tiers, first_timer=first_timer, startup=startup, public_supply_krw=record) == weight
    assert tier_name(tiers, first_timer=first_timer, startup=startup, public_supply_krw=record) == tier


def test_custom_tiers_still_give_the_highest_applicable_weight():
    tiers = WeightTiers(first_timer=5, startup_or_small_record=5, general=1, small_record_limit_krw=0)
    assert weight_for(tiers, first_timer=True, startup=True, public_supply_krw=0) == 5
    assert weight_for(tiers, first_timer=False, startup=True, public_supply_krw=1) == 5
    assert tier_name(tiers, first_timer=False, startup=False, public_supply_krw=1) == "general"


def test_a_negative_public_supply_record_is_refused():
    with pytest.raises(SelectionError, match="public-supply record"):
        weight_for(WeightTiers(), first_timer=False, startup=False, public_supply_krw=-1)


def test_a_weight_below_one_is_refused():
    with pytest.raises(SelectionError, match="from 1 to 10"):
        WeightTiers(general=0)


# Manifest parsing


def test_a_manifest_read_back_from_its_json_is_the_same_manifest():
    assert manifest_from_json(GOLDEN_MANIFEST_JSON) == golden_manifest()


def test_the_manifest_json_keeps_non_ascii_text_unescaped():
    manifest = Manifest("시범-2018", FLOAT_RULE, (PoolInstitution("기관", 1),), ())
    assert manifest_json(manifest) == (
        '{"applications":[],"institutions":[{"budget":1,"code":"기관"}],"round":"시범-2018","rule":"pp-draw-1"}'
    )


def replaced(path: str, value: object) -> str:
    data = json.loads(GOLDEN_MANIFEST_JSON)
    *parents, last = [int(part) if part.isdigit() else part for part in path.split(".")]
    target = data
    for part in parents:
        target = target[part]
    if value is KeyError:
        del target[last]
    else:
        target[last] = value
    return json.dumps(data)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON"),
        (b"\xff\xfe", "not valid JSON"),
        ("[]", "top level must be a JSON object"),
        (replaced("rule", KeyError), "missing rule"),
        (replaced("seed", "x"), "unexpected fields: seed"),
        (replaced("round", ""), "round code must be a non-empty text"),
        (replaced("institutions", {}), "institutions must be a JSON list"),
        (replaced("institutions", []), "lists no institutions"),
        (replaced("institutions.1.budget", -5), "INST-B has budget -5"),
        (replaced("institutions.1.code", "INST-A"), "Institution INST-A appears twice"),
        (replaced("applications.0", 7), "application #1 must be a JSON object"),
        (replaced("applications.2.weight", 0), "Application 3 has weight 0"),
        (replaced("applications.2.weight", True), "Application 3 has weight True"),
        (replaced("applications.2.amount", "100"), "Application 3 has amount '100'"),
        (replaced("applications.2.id", 4), "Application 4 appears twice"),
        (replaced("applications.2.id", -1), "application id must be a whole number"),
        (replaced("applications.2.preferred", "INST-A"), "application #3 preferred must be a JSON list"),
        (replaced("applications.2.preferred", [1]), "preferred must be a list of institution codes"),
        (replaced("applications.2.preferred", ["INST-A", "INST-A"]), "same preferred institution twice"),
        (replaced("applications.6.preferred", ["INST-X"]), "Application 7 prefers institution INST-X, which is not"),
        (replaced("applications.2.preferred", ["INST-A", "inst-c"]), "prefers institution inst-c"),
    ],
)
def test_a_malformed_manifest_is_refused_with_a_readable_message(text, message):
    with pytest.raises(MalformedManifestError, match=message) as caught:
        manifest_from_json(text)
    assert isinstance(caught.value, DomainError)


def test_a_manifest_preferring_an_institution_it_does_not_list_cannot_be_made():
    institutions = tuple(PoolInstitution(code, budget) for code, budget in INSTITUTIONS)
    with pytest.raises(MalformedManifestError, match="Application 9 prefers institution KEPCO"):
        Manifest(ROUND, FLOAT_RULE, institutions, (PoolApplication(9, 1, 1, ("INST-A", "KEPCO")),))


def test_a_manifest_for_another_rule_is_not_drawn():
    manifest = manifest_from_json(replaced("rule", "pp-draw-9"))
    with pytest.raises(UnsupportedRuleError, match="pp-draw-9"):
        run_draw(manifest, SEED)


# Publication


def test_the_published_result_is_canonical_json_naming_its_inputs():
    text = result_json(run_draw(golden_manifest(), SEED))
    data = json.loads(text)
    assert "timeline" not in data  # as results were published before rounds named their seed event
    assert json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False) == text
    assert (data["round"], data["rule"], data["seed"]) == (ROUND, FLOAT_RULE, SEED)
    assert data["manifest_sha256"] == GOLDEN_MANIFEST_SHA256
    assert [entry["id"] for entry in data["order"]] == GOLDEN_ORDER
    assert [(s["id"], s["institution"], s["amount"], s["rank"]) for s in data["selected"]] == GOLDEN_SELECTED
    assert (data["waitlist"], data["remaining"]) == (GOLDEN_WAITLIST, GOLDEN_REMAINING)


def test_a_result_with_a_timeline_states_it_and_is_otherwise_the_same():
    result = run_draw(golden_manifest(), SEED)
    stated = {"manifest_frozen_at": "2018-09-21T10:00:00+09:00", "drawn_at": "2018-09-24T10:00:00+09:00"}
    text = result_json(result, stated)
    data = json.loads(text)
    assert json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False) == text
    assert data.pop("timeline") == stated and data == json.loads(result_json(result))


# Withdrawals


def test_a_withdrawal_promotes_the_first_waitlisted_application_that_fits():
    # 5 frees 90M at INST-B (30M -> 120M): 4 (400M) still fits nowhere, 2 (100M, INST-B) now fits.
    before = run_draw(golden_manifest(), SEED)
    after, promoted = refill_after_withdrawal(golden_manifest(), before, 5)
    assert promoted == Allocation(2, "INST-B", 100_000_000, 8)
    assert after.selected[-1] == promoted
    assert 5 not in {a.app_id for a in after.selected}
    assert after.waitlist == (4,)
    assert after.remaining == {"INST-A": 0, "INST-B": 20_000_000, "INST-C": 20_000_000}
    assert after.order == before.order


def test_a_withdrawal_nobody_fits_returns_the_budget_and_promotes_nobody():
    before = run_draw(golden_manifest(), SEED)
    after, promoted = refill_after_withdrawal(golden_manifest(), before, 6)
    assert promoted is None
    assert after.waitlist == (4, 2)
    assert after.remaining == {"INST-A": 200_000_000, "INST-B": 30_000_000, "INST-C": 20_000_000}


@pytest.mark.parametrize("app_id", [4, 99])
def test_only_a_selected_application_can_withdraw(app_id):
    result = run_draw(golden_manifest(), SEED)
    with pytest.raises(NotSelectedError, match=f"Application {app_id} is not selected"):
        refill_after_withdrawal(golden_manifest(), result, app_id)


def test_a_withdrawal_is_refused_against_a_result_from_another_manifest():
    other = Manifest(ROUND, FLOAT_RULE, (PoolInstitution("INST-A", 1),), ())
    with pytest.raises(SelectionError, match="not drawn from this manifest"):
        refill_after_withdrawal(other, run_draw(golden_manifest(), SEED), 5)


# Expected rates


def test_expected_rates_average_the_selections_of_each_tier_over_derived_seeds():
    tier_of = {1: "first_timer", 5: "first_timer", 3: "startup", 6: "startup", 8: "startup"}
    tier_of |= {2: "general", 4: "general", 7: "general"}
    rates = expected_rates(golden_manifest(), SEED, tier_of, n=6)
    drawn = [reference_draw(f"{SEED}#{i}")[1] for i in range(6)]
    for tier in ("first_timer", "startup", "general"):
        members = [app_id for app_id, name in tier_of.items() if name == tier]
        hits = sum(1 for selected in drawn for row in selected if row[0] in members)
        assert rates[tier] == hits / (6 * len(members))


def test_an_application_that_fits_nowhere_has_an_estimated_rate_of_zero():
    rates = estimated_selection_rate(golden_manifest(), SEED, n=50)
    assert rates[4] == 0.0
    assert set(rates) == {app_id for app_id, *_ in APPLICATIONS}


def test_the_estimate_is_the_same_in_a_process_pool_and_in_process():
    manifest = golden_manifest()
    assert estimates.estimated_selection_rate(manifest, SEED, n=40, processes=2) == estimated_selection_rate(
        manifest, SEED, n=40
    )


def test_the_estimate_is_the_same_whatever_the_parts_it_is_counted_in():
    manifest = golden_manifest()
    assert estimated_selection_rate(manifest, SEED, n=40, parts=3) == estimated_selection_rate(manifest, SEED, n=40)


def test_expected_rates_need_a_tier_for_every_application():
    with pytest.raises(SelectionError, match="Application 1 has no weight tier"):
        expected_rates(golden_manifest(), SEED, {2: "general"}, n=5)
