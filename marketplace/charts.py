"""Axes of the server-rendered charts (templates/macros/charts.html), scaled to the data they show."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

TICKS = 4  # gridlines above zero
COMMITTED_SPAN = 4  # the committed line is drawn when it is at most this many times the highest charged bar


class _Point(Protocol):
    committed: int
    charged: int


@dataclass(frozen=True)
class QuotaScale:
    """The y axis of a quota chart: its top (a round figure), its gridline values, and whether the
    committed amount is drawn as a line (False: it would flatten the charged bars to nothing, so the
    axis fits the charged amounts and the legend states the committed amount instead)."""

    top: int
    ticks: tuple[int, ...]
    committed_drawn: bool
    committed: int


def nice_top(value: int) -> int:
    """The smallest round figure (1, 2, 2.5 or 5 times a power of ten) at or above `value`; 1 for 0."""
    if value <= 0:
        return 1
    power = 10 ** (len(str(value)) - 1)
    return next(int(step * power) for step in (1, 2, Decimal("2.5"), 5, 10) if value <= step * power)


def quota_scale(points: Sequence[_Point]) -> QuotaScale:
    """The y axis for cumulative charged bars under a committed line (see QuotaScale)."""
    charged = max((p.charged for p in points), default=0)
    committed = max((p.committed for p in points), default=0)
    drawn = charged <= 0 or committed <= COMMITTED_SPAN * charged
    top = nice_top(max(charged, committed if drawn else 0))
    ticks = tuple(top * i // TICKS for i in range(TICKS + 1))
    return QuotaScale(top, ticks, drawn, points[-1].committed if points else 0)


def init_app(app) -> None:
    app.jinja_env.globals.update(quota_scale=quota_scale)
