"""The public blueprint: home, catalogue, suppliers, rounds and results, verification, joining, the chain.

`bp` is made in views.py; importing every route module here puts all of the audience's routes on it,
so the app factory registers `bp` and imports nothing else from this package.
"""

from . import chain, exports, join, needs, open_data, policies, rounds, unsubscribe, verify, views  # noqa: F401  (each adds its routes to bp)
from .views import bp

__all__ = ["bp"]
