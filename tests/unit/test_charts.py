"""The quota chart's y axis fits the data it shows: a round top, and no commitment that flattens the bars."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from marketplace.charts import nice_top, quota_scale


def point(committed: int, charged: int):
    return SimpleNamespace(committed=committed, charged=charged)


@pytest.mark.parametrize(
    ("value", "top"),
    [(0, 1), (1, 1), (7, 10), (101, 200), (419_650_000, 500_000_000), (230_000, 250_000), (68 * 10**9, 100 * 10**9)],
)
def test_the_top_of_the_axis_is_the_next_round_figure(value, top):
    assert nice_top(value) == top


def test_a_commitment_far_above_the_charged_amounts_is_stated_instead_of_drawn():
    scale = quota_scale([point(68 * 10**9, 3_000_000), point(68 * 10**9, 419_650_000)])
    assert (scale.top, scale.committed_drawn, scale.committed) == (500_000_000, False, 68 * 10**9)
    assert scale.ticks == (0, 125_000_000, 250_000_000, 375_000_000, 500_000_000)


def test_a_commitment_near_the_charged_amounts_is_drawn_and_the_axis_covers_it():
    scale = quota_scale([point(1_000, 300), point(1_000, 800)])
    assert (scale.top, scale.committed_drawn) == (1_000, True)


def test_without_charges_the_axis_covers_the_commitment():
    assert quota_scale([point(5_000, 0)]).top == 5_000 and quota_scale([]).top == 1
