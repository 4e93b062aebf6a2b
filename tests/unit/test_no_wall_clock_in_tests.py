"""Tests read "now" through tests/clock.py (or the now/today fixtures), never from the wall clock directly."""

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
WALL_CLOCK = re.compile(r"\bdate\.today\(|\bdatetime\.(now|today|utcnow)\(|\btime\.localtime\(")


def test_no_test_reads_the_machine_date_or_zone():
    offenders = [
        f"{path.relative_to(TESTS)}:{number}"
        for path in TESTS.rglob("*.py")
        if path.name != "clock.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if WALL_CLOCK.search(line)
    ]
    assert offenders == [], "use tests.clock.now()/today() or the now/today fixtures: " + ", ".join(offenders)
