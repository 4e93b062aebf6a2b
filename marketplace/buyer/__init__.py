"""buyer blueprint."""

from . import reports as _reports  # noqa: F401,E402  (adds the report downloads to the blueprint)
