"""The browser the walks drive (a module may keep one of its own for all its tests)."""

from __future__ import annotations

import pytest

from tests.e2e.live import ARGS, CHROMIUM


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield chromium
        chromium.close()
