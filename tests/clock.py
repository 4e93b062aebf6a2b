"""The tests' one source of "now": the instant the app's own clock reads, and that instant's Seoul date.

Tests never read the machine's date or clock directly: its date and zone are not Seoul's
(between 15:00 and 24:00 UTC Seoul is already a day ahead). CI also runs the date-sensitive tests
under faketime at a month end, at 31 December 23:50 KST and on 29 February.
"""

from __future__ import annotations

from datetime import date, datetime

from marketplace.domain.clock import seoul_date
from marketplace.models.types import utcnow


def now() -> datetime:
    """The current instant, in UTC, as the app reads it."""
    return utcnow()


def today() -> date:
    """Today's date in Seoul, the date every rule of the program uses."""
    return seoul_date(now())
