"""The ministry blueprint: approvals, institutions and MOUs, rounds and allocations, reports, audit trail.

`bp` is made in views.py; importing every route module here puts all of the audience's routes on it,
so the app factory registers `bp` and imports nothing else from this package.
"""

from . import (  # noqa: F401  (each adds its routes to bp)
    after_pilot,
    allocations,
    approvals,
    committee,
    company_edit,
    exports,
    institutions,
    jobs,
    needs,
    objections,
    questions,
    reports,
    round_tracks,
    rounds,
    views,
)
from .views import bp

__all__ = ["bp"]
