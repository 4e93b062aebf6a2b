"""The weighted round draw (DESIGN.md section 4), in one import: the pool manifest, the draw, refills and rates.

Anyone holding the published manifest and seed can re-run the draw and get the same result. The parts live
in manifest.py (the frozen pool and its JSON), draw.py (keys, order, allocation), refill.py (withdrawals,
refills and moves after the draw) and rates.py (selection rates over derived seeds).
"""

from __future__ import annotations

from .draw import Allocation, DrawResult, RankedApplication, draw_key, exact_before, rank_by_key, result_json, run_draw
from .manifest import (
    EXACT_RULE,
    FLOAT_RULE,
    MAX_WEIGHT,
    RULE_VERSION,
    RULES,
    MalformedManifestError,
    Manifest,
    NotSelectedError,
    PoolApplication,
    PoolInstitution,
    PoolTrack,
    SelectionError,
    UnsupportedRuleError,
    manifest_from_json,
    manifest_json,
    manifest_sha256,
)
from .rates import Mapper, count_selections, estimated_selection_rate, expected_rates, tier_rates
from .refill import move_allocation, promote_from_waitlist, refill_after_withdrawal, reinstate_from_waitlist

__all__ = [
    "EXACT_RULE",
    "FLOAT_RULE",
    "MAX_WEIGHT",
    "RULES",
    "RULE_VERSION",
    "Allocation",
    "DrawResult",
    "MalformedManifestError",
    "Manifest",
    "Mapper",
    "NotSelectedError",
    "PoolApplication",
    "PoolInstitution",
    "PoolTrack",
    "RankedApplication",
    "SelectionError",
    "UnsupportedRuleError",
    "count_selections",
    "draw_key",
    "estimated_selection_rate",
    "exact_before",
    "expected_rates",
    "manifest_from_json",
    "manifest_json",
    "manifest_sha256",
    "move_allocation",
    "promote_from_waitlist",
    "rank_by_key",
    "refill_after_withdrawal",
    "reinstate_from_waitlist",
    "result_json",
    "run_draw",
    "tier_rates",
]
