"""The auth blueprint: sign in and out, the second factor, the account, registration, invited passwords.

`bp` is made in views.py; importing every route module here puts all of the audience's routes on it,
so the app factory registers `bp` and imports nothing else from this package.
"""

from . import (  # noqa: F401  (each adds its routes to bp)
    api_tokens,
    mail_links,
    notifications,
    privacy,
    registration,
    set_password,
    two_factor,
    views,
)
from .views import bp

__all__ = ["bp"]
