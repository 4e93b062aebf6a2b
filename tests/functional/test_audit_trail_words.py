"""The ministry's audit trail speaks the reader's language: labelled keys, named states, formatted money."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask_babel import force_locale

from marketplace.audit_display import audit_fields, value_text
from marketplace.domain.audit_fields import FIELD_LABELS, STATE_KEYS, is_money
from marketplace.domain.reference import STATUS_LABELS
from marketplace.extensions import db
from marketplace.models import AuditEvent
from tests.conftest import AuthActions
from tests.factories import Builders

SAMPLES = Path(__file__).resolve().parents[1] / "unit" / "audit_samples.jsonl"
SNAKE = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b")
MONEY = {"ko": re.compile(r"^-?\d{1,3}(,\d{3})*원$"), "en": re.compile(r"^KRW -?\d{1,3}(,\d{3})*$")}


def samples() -> list[dict]:
    """One recorded event per action and shape of its values, as the test suite's services recorded them."""
    return [json.loads(line) for line in SAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]


def keys_of(values) -> set[str]:
    return set(values) if isinstance(values, dict) else set()


def test_every_key_the_services_record_has_a_label():
    recorded = set().union(*(keys_of(s["before"]) | keys_of(s["after"]) for s in samples()))
    assert {"quota_before_krw", "balance_after", "status", "budgets", "seed_event"} <= recorded
    assert sorted(recorded - FIELD_LABELS.keys()) == []


@pytest.mark.parametrize("language", ["ko", "en"])
def test_every_sample_reads_without_raw_keys_states_or_unformatted_amounts(app, language):
    with app.test_request_context(), force_locale(language):
        for sample in samples():
            for values in (sample["before"], sample["after"]):
                lines = audit_fields(values)
                for (key, value), line in zip((values or {}).items(), lines, strict=True):
                    assert not SNAKE.search(line.label), (sample["action"], line)
                    assert line.label != key
                    if key in STATE_KEYS:
                        assert line.text != value and line.text != value.replace("_", " "), (sample, line)
                    if is_money(key) and isinstance(value, int):
                        assert MONEY[language].match(line.text) and line.css == "app-money", (key, line)
                    if isinstance(value, str) and SNAKE.fullmatch(value):
                        assert line.text != value, (sample["action"], key, value)


def test_coded_values_are_named_and_moments_are_in_seoul_time(app):
    with app.test_request_context(), force_locale("en"):
        assert value_text("status", "not_selected") == "Not selected"
        assert value_text("reasons", ["company_not_approved"]).startswith("The company was not approved")
        assert value_text("tier", "first_timer") == "First-timer in public procurement"
        assert value_text("kind", "purchase_report") == "Purchase report"
        assert value_text("type", "PPS_EXCELLENT") == "PPS excellent procurement product"
        assert value_text("revoked_at", "2018-11-02T01:30:00+00:00") == "2018-11-02 10:30 KST"
        assert value_text("budgets", {"LH": 3_000_000_000, "KEPCO": 5_000_000_000}) == (
            "KEPCO KRW 5,000,000,000, LH KRW 3,000,000,000"
        )
        assert value_text("scores", [35, 25, None]) == "Innovation 35 · Capability 25 · Need -"
    with app.test_request_context(), force_locale("ko"):
        assert value_text("balance_after", 6_000_000_000) == "6,000,000,000원"
        assert value_text("status", "placed") not in ("placed", "Placed")


class _Cells(HTMLParser):
    """The text of each <dt>/<dd> and the page's whole visible text."""

    def __init__(self):
        super().__init__()
        self.cells: list[tuple[str, str]] = []
        self.text: list[str] = []
        self._open: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag in ("dt", "dd"):
            self._open = tag
            self.cells.append((tag, ""))

    def handle_endtag(self, tag):
        if tag == self._open:
            self._open = None

    def handle_data(self, data):
        self.text.append(data)
        if self._open:
            tag, text = self.cells[-1]
            self.cells[-1] = (tag, text + data)


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_audit_trail_of_the_demo_shows_no_raw_key_or_state(demo_app, sign_in_clock, language):
    client = demo_app.test_client()
    auth, make = AuthActions(client, sign_in_clock), Builders()
    actions = set(db.session.scalars(db.select(AuditEvent.action).distinct()))
    assert {"mou.created", "order.placed", "order.cancelled", "round.drawn", "round.published"} <= actions
    auth.login(make.user("ministry"), language=language)
    states = set(STATUS_LABELS)
    page, pages = 1, 1
    while page <= pages:
        response = client.get(f"/ministry/audit?page={page}")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        parser = _Cells()
        parser.feed(html)
        visible = " ".join(parser.text)
        assert not SNAKE.search(visible), SNAKE.search(visible).group(0)
        for tag, text in parser.cells:
            assert text.strip() not in states, (tag, text)
        pages = max([pages, *(int(n) for n in re.findall(r"page=(\d+)", html))])
        page += 1
    assert pages > 1 or len(actions) > 5
