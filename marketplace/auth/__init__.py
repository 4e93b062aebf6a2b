"""The auth blueprint: sign in and out, the second factor, the account, registration, invited passwords.

`bp` is made in views.py; importing every route module here puts all of the audience's routes on it,
so the app factory registers `bp` and imports nothing else from this package.
"""

from . import mail_links, privacy, registration, set_password, two_factor, views  # noqa: F401  (each adds its routes to bp)
from .views import bp

__all__ = ["bp"]
