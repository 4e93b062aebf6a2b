"""The app's calendar: today's date in Seoul by the app's clock."""

from __future__ import annotations

from datetime import date

from ..domain.clock import seoul_date
from ..models.types import utcnow


def seoul_today() -> date:
    """Today's date in Korea: certificate validity, listing and order dates follow the Korean calendar."""
    return seoul_date(utcnow())
