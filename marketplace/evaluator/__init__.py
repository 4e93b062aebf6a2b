"""The evaluator blueprint: a committee member's applications, declaration or recusal, and scores.

`bp` is made in views.py; importing it here puts all of the audience's routes on it, so the app factory
registers `bp` and imports nothing else from this package.
"""

from . import views  # noqa: F401  (adds its routes to bp)
from .views import bp

__all__ = ["bp"]
