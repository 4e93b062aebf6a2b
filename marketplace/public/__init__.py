"""public blueprint."""

from . import rounds as _rounds  # noqa: F401  (adds the round pages to the blueprint)
