"""The supplier blueprint: company, certificates, products, round applications and orders.

`bp` is made in views.py; importing every route module here puts all of the audience's routes on it,
so the app factory registers `bp` and imports nothing else from this package.
"""

from . import (  # noqa: F401  (each adds its routes to bp)
    after_pilot,
    applications,
    needs,
    objections,
    orders,
    products,
    questions,
    small_track,
    views,
)
from .views import bp

__all__ = ["bp"]
