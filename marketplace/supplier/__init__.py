"""supplier blueprint."""

from . import applications as _applications  # noqa: F401  (adds the round application pages)
