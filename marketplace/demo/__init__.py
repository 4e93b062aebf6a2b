"""Sample data for demonstrations (flask seed-demo), clearly marked as sample.

Each area has a module with `seed() -> list[str]` (lines to print) that does nothing when its data
is already there. They run in the order below; a module not written yet is skipped.
"""

from __future__ import annotations

import importlib

ORDER = ("base", "mous", "rounds", "orders")  # in time order: the audit trail records them so

DEMO_PASSWORD = "demo-password-2018"  # noqa: S105 - printed on purpose for the demo logins


def seed_all() -> list[str]:
    lines: list[str] = []
    for name in ORDER:
        try:
            module = importlib.import_module(f"marketplace.demo.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"marketplace.demo.{name}":
                raise
            continue
        lines.extend(module.seed())
    return lines
