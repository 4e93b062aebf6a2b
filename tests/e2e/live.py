"""What the browser tests share: Debian's chromium, a free port, the app served by werkzeug in a thread of
this process on a temporary SQLite database (so a test can move the round clock instead of waiting), and the
institution most walks buy for.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests import clock

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Clock:
    """The round clock, moved forward by the test."""

    def __init__(self):
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return clock.now() + self.offset


def require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed")


def live_app(database: Path, **settings):
    """(app, its base URL) on a new SQLite database with its schema and certificate types, forms with CSRF
    as in production, on a port of its own."""
    from marketplace import create_app
    from marketplace.extensions import db
    from marketplace.services.reference import ensure_certificate_types
    from tests.conftest import base_config

    base = f"http://127.0.0.1:{free_port()}"
    app = create_app(
        {**base_config(f"sqlite:///{database}"), "WTF_CSRF_ENABLED": True, "PUBLIC_BASE_URL": base, **settings}
    )
    with app.app_context():
        db.create_all()
        ensure_certificate_types()
        db.session.remove()
    return app, base


def moved_clock(monkeypatch) -> Clock:
    """A clock the test moves, read by the rounds and by the orders (recorded on the moved day)."""
    from marketplace.services import orders, rounds

    moved = Clock()
    monkeypatch.setattr(rounds, "now", moved)
    monkeypatch.setattr(orders, "utcnow", moved)
    return moved


@contextmanager
def served(app, base: str) -> Iterator[None]:
    """The app served at `base` while the block runs."""
    from werkzeug.serving import make_server

    httpd = make_server("127.0.0.1", int(base.rsplit(":", 1)[1]), app, threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield
    finally:
        httpd.shutdown()


def water_institution(make, moved: Clock):
    """K-water with an MOU of 5,000,000,000 won around the clock's day, its buyer and a ministry officer."""
    from tests.builders_reports import ReportBuilders

    water = make.institution(code="KWATER", name_ko="한국수자원공사", name_en="K-water")
    today = moved().date()
    ReportBuilders(make).mou(
        water, 5_000_000_000, starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=365)
    )
    make.user("ministry", email="staff@mss.example", name="중기부 담당자")
    make.user("buyer", email="buyer@kwater.example", name="김구매", institution=water)
    return water
