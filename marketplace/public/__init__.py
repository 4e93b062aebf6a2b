"""public blueprint."""

from . import rounds as _rounds  # noqa: F401  (adds the round pages to the blueprint)
from . import verify as _verify  # noqa: F401,E402  (adds certificate verification to the blueprint)
