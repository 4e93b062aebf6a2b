"""The purchase report prints what became of its rounds and orders after the result: the committee's minutes
hash, objections by outcome, follow-on purchases and corrective actions; all of it is in the data hash."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.domain.hashing import canonical_json, sha256_hex
from marketplace.services import corrective_actions, follow_ons
from marketplace.services import report_data as data
from marketplace.services import report_documents as documents
from tests import clock
from tests.builders_outcomes import FOLLOW_ON_KRW, build_outcomes
from tests.pdf_checks import pdf_text


@pytest.fixture
def done(app, make):
    return build_outcomes(make)


def data_hash(report) -> str:
    return sha256_hex(canonical_json(report.canonical()))


def test_the_round_report_counts_objections_follow_ons_and_corrective_actions(done):
    report = data.load_purchase_report(data.Scope(None, round_code=done.world.round.code), clock.today())
    (outcome,) = report.rounds
    assert outcome.code == done.world.round.code and outcome.minutes_sha256 == done.digest
    assert (outcome.objections.filed, outcome.objections.upheld) == (0, 0)
    assert (outcome.objections.remedied, outcome.objections.dismissed) == (1, 0)
    assert (report.follow_on_count, report.follow_on_krw) == (1, FOLLOW_ON_KRW)
    assert (report.corrective_open, report.corrective_resolved) == (1, 0)
    assert report.canonical()["rounds"] == [
        {
            "code": done.world.round.code,
            "minutes_sha256": done.digest,
            "objections": {"filed": 0, "upheld": 0, "remedied": 1, "dismissed": 0},
        }
    ]


def test_a_date_range_report_names_the_rounds_of_its_orders_and_an_institutions_counts_only_its_own(done):
    today = clock.today()
    program = data.load_purchase_report(data.Scope(None, today - timedelta(days=1), today), today)
    assert [o.code for o in program.rounds] == [done.world.round.code]
    bbb = data.load_purchase_report(data.Scope(done.world.bbb.id, today - timedelta(days=1), today), today)
    assert (bbb.follow_on_count, bbb.corrective_open) == (1, 0)
    aaa = data.load_purchase_report(data.Scope(done.world.aaa.id, today - timedelta(days=1), today), today)
    assert (aaa.follow_on_count, aaa.follow_on_krw, aaa.corrective_open) == (0, 0, 1)


def test_the_data_hash_changes_when_a_later_fact_changes_and_not_otherwise(done):
    scope = data.Scope(None, round_code=done.world.round.code)
    first = data_hash(data.load_purchase_report(scope, clock.today()))
    assert data_hash(data.load_purchase_report(scope, clock.today())) == first
    follow_ons.cancel_follow_on(done.world.buyers["BBB"], done.purchase.id, "recorded twice")
    cancelled = data.load_purchase_report(scope, clock.today())
    assert (cancelled.follow_on_count, cancelled.follow_on_krw) == (0, 0) and data_hash(cancelled) != first
    supplier = done.world.suppliers[done.world.w.id]
    due = clock.today() + timedelta(days=5)
    corrective_actions.submit_plan(supplier, done.action.id, "retrain the line", due)
    corrective_actions.decide(done.world.staff, done.action.id, "accept", "")
    resolved = data.load_purchase_report(scope, clock.today())
    assert (resolved.corrective_open, resolved.corrective_resolved) == (0, 1)
    assert data_hash(resolved) != data_hash(cancelled)


@pytest.mark.parametrize(("language", "words"), [("ko", "결정 대기 중인 이의신청"), ("en", "Objections dismissed")])
def test_the_pdf_prints_the_minutes_hash_and_the_counts_in_both_languages(app, make, done, language, words):
    scope = data.Scope(None, round_code=done.world.round.code, language=language)
    document = documents.purchase_report(make.user("ministry"), scope)
    text = "\n".join(pdf_text(document.pdf))
    assert done.digest in "".join(text.split())  # a long hash may wrap
    flowing = " ".join(text.split())  # a column heading may wrap onto two lines
    assert words in flowing and ("3,000,000원" if language == "ko" else "3,000,000") in text
