"""The buyer blueprint: quota, selected products, pilot purchases, reports and certificates.

`bp` is made in views.py; importing every route module here puts all of the audience's routes on it,
so the app factory registers `bp` and imports nothing else from this package.
"""

from . import exports, follow_ons, needs, reports, views  # noqa: F401  (each adds its routes to bp)
from .views import bp

__all__ = ["bp"]
