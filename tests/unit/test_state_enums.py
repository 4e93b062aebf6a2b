"""States are enums: every state column's CHECK is built from its enum; no code compares a state with a string."""

from __future__ import annotations

import re
from enum import StrEnum

import pytest
from sqlalchemy import CheckConstraint, String

import marketplace.models  # noqa: F401 - the tables
from marketplace.domain import states
from marketplace.domain.quota import ENTRY_LABELS
from marketplace.domain.reference import CORRECTIVE_CAUSES, CORRECTIVE_STATES, ROLE_LABELS, STATUS_LABELS
from marketplace.extensions import db
from marketplace.models.types import check_in
from tests.state_literals import python_comparisons, scan, template_comparisons

# Every column holding a state, and its enum.
STATE_COLUMNS = {
    ("users", "role"): states.UserRole,
    ("companies", "status"): states.CompanyStatus,
    ("certificates", "status"): states.CertificateStatus,
    ("products", "status"): states.ProductStatus,
    ("institutions", "status"): states.InstitutionStatus,
    ("quota_entries", "kind"): states.QuotaEntryKind,
    ("rounds", "status"): states.RoundStatus,
    ("applications", "status"): states.ApplicationStatus,
    ("allocations", "status"): states.AllocationStatus,
    ("allocation_changes", "kind"): states.AllocationChangeKind,
    ("orders", "status"): states.OrderStatus,
    ("orders", "inspection_result"): states.InspectionResult,
    ("audit_relief_certificates", "status"): states.ReliefStatus,
    ("audit_relief_certificates", "order_status"): states.OrderStatus,
    ("jobs", "kind"): states.JobKind,
    ("jobs", "state"): states.JobState,
    ("users", "language"): states.Language,
    ("one_time_tokens", "purpose"): states.TokenPurpose,
    ("outbox_mails", "status"): states.MailStatus,
    ("follow_on_purchases", "status"): states.FollowOnStatus,
    ("corrective_actions", "state"): states.CorrectiveActionState,
    ("corrective_actions", "cause"): states.CorrectiveActionCause,
    ("notifications", "kind"): states.NotificationKind,
    ("notification_preferences", "kind"): states.NotificationKind,
    ("api_tokens", "scope"): states.ApiTokenScope,
    ("round_questions", "status"): states.QuestionStatus,
    ("objections", "state"): states.ObjectionState,
    ("objections", "remedy_kind"): states.ObjectionRemedyKind,
    ("track_redraws", "state"): states.RedrawState,
    ("privacy_consents", "context"): states.ConsentContext,
    ("round_tracks", "kind"): states.TrackKind,
    ("needs", "status"): states.NeedStatus,
    ("need_proposals", "status"): states.ProposalStatus,
}
# State columns whose names do not look like one: a user's mail language, a one-time link's purpose.
NAMED_OTHERWISE = {
    ("users", "language"),
    ("one_time_tokens", "purpose"),
    ("corrective_actions", "cause"),
    ("api_tokens", "scope"),
    ("privacy_consents", "context"),
}
# Columns named like a state that hold something else: the audit trail keeps the actor's role as it
# was, "system" included (and the table is append-only); a report's kind names its template; an
# institution's kind is a vocabulary like regions and size classes (reference.INSTITUTION_KIND_LABELS).
NOT_STATES = {("audit_events", "actor_role"), ("report_documents", "kind"), ("institutions", "kind")}
# Comparisons of a state-like name with a string that is not a stored state: the render pool's kind
# and the kind of a catalogue search term.
ALLOWED_LITERALS = {
    ("marketplace/reports/render.py", "kind", ("reports",)),
    ("marketplace/services/catalogue.py", "kind", ("gram",)),
}
IN_LIST = re.compile(r"^(\w+) IN \(((?:'[^']*'(?:, )?)+)\)$")


def enum_checks() -> dict[tuple[str, str], CheckConstraint]:
    """The CHECK constraints built by check_in, by (table, column)."""
    found = {}
    for table in db.metadata.tables.values():
        for constraint in table.constraints:
            if isinstance(constraint, CheckConstraint) and "states" in constraint.info:
                column = IN_LIST.match(str(constraint.sqltext)).group(1)
                found[(table.name, column)] = constraint
    return found


def admitted(constraint: CheckConstraint) -> list[str]:
    """The values a `column IN ('a', 'b')` CHECK admits, in order."""
    match = IN_LIST.match(str(constraint.sqltext))
    assert match, constraint.sqltext
    return re.findall(r"'([^']*)'", match.group(2))


def state_like_columns() -> set[tuple[str, str]]:
    pattern = re.compile(r"^(?:\w+_)?(?:status|role|kind|state|result)$")
    return {
        (table.name, column.name)
        for table in db.metadata.tables.values()
        for column in table.columns
        if pattern.match(column.name) and isinstance(column.type, String)
    }


def test_every_state_column_has_a_check_built_from_its_enum():
    checks = enum_checks()
    assert checks.keys() == STATE_COLUMNS.keys()
    for key, states_enum in STATE_COLUMNS.items():
        assert checks[key].info["states"] is states_enum, key


@pytest.mark.parametrize("key", sorted(STATE_COLUMNS), ids="{0[0]}.{0[1]}".format)
def test_the_check_admits_exactly_the_enums_values_in_their_order(key):
    assert admitted(enum_checks()[key]) == [state.value for state in STATE_COLUMNS[key]]


def test_a_string_column_named_like_a_state_is_a_state_column_or_declared_as_something_else():
    assert state_like_columns() - NOT_STATES == STATE_COLUMNS.keys() - NAMED_OTHERWISE


def test_each_value_fits_its_column():
    for (table, column), states_enum in STATE_COLUMNS.items():
        length = db.metadata.tables[table].columns[column].type.length
        assert max(len(state.value) for state in states_enum) <= length, (table, column)


def test_check_in_names_the_constraint_by_the_column_unless_told_and_keeps_the_enum_order():
    class Light(StrEnum):
        RED = "red"
        GREEN = "green"

    assert str(check_in("light", Light).sqltext) == "light IN ('red', 'green')"
    assert check_in("light", Light).name == "light"
    assert check_in("light", Light, name="colour").name == "colour"


def test_a_state_enum_member_is_its_stored_string():
    assert states.OrderStatus.CANCELLED == "cancelled"
    assert f"{states.OrderStatus.CANCELLED}" == "cancelled" and str(states.RoundStatus.OPEN) == "open"
    assert {"cancelled": 1}[states.OrderStatus.CANCELLED] == 1  # looked up by a row's plain string, and back
    assert (
        tuple(
            value
            for value in vars(states).values()
            if isinstance(value, type) and issubclass(value, StrEnum) and value.__module__ == states.__name__
        )
        == states.STATE_ENUMS
    )


def test_every_state_a_page_shows_has_a_label():
    shown = [
        states.CompanyStatus,
        states.CertificateStatus,
        states.ProductStatus,
        states.InstitutionStatus,
        states.RoundStatus,
        states.ApplicationStatus,
        states.AllocationStatus,
        states.OrderStatus,
        states.InspectionResult,
        states.ReliefStatus,
        states.JobState,
        states.FollowOnStatus,
        states.QuestionStatus,
    ]
    assert sorted({s.value for enum in shown for s in enum} - STATUS_LABELS.keys()) == []
    assert set(ROLE_LABELS) == set(states.UserRole)
    assert set(ENTRY_LABELS) == set(states.QuotaEntryKind)
    assert set(CORRECTIVE_STATES) == set(states.CorrectiveActionState)
    assert set(CORRECTIVE_CAUSES) == set(states.CorrectiveActionCause)


def test_the_scan_finds_bare_strings_compared_with_states():
    python = python_comparisons(
        "if order.status == 'placed' or x.role != \"buyer\": pass\n"
        "q.where(Round.status.in_(('open', 'closed')))\n"
        "ok = row['status'] in ('a', 'b') and facts.get('company_status') == 'approved'\n"
        "fine = order.status == OrderStatus.PLACED and action == 'order.placed' and kind in KINDS\n"
    )
    assert [(line, name) for line, name, _strings in python] == [
        (1, "status"),
        (1, "role"),
        (2, "status"),
        (3, "status"),
        (3, "company_status"),
    ]
    template = template_comparisons(
        "{% if round.status == 'open' and a.status in ('selected', 'waitlisted') %}{% endif %}\n"
        "{{ 'x' if current_user.role != 'ministry' }}{% if round.status == RoundStatus.OPEN %}{% endif %}"
    )
    assert [(line, name, strings) for line, name, strings in template] == [
        (1, "status", ["open"]),
        (1, "status", ["selected", "waitlisted"]),
        (2, "role", ["ministry"]),
    ]


def test_no_python_module_or_template_compares_a_state_with_a_bare_string():
    found = scan()
    python = [hit for hit in found["python"] if (hit[0], hit[2], tuple(hit[3])) not in ALLOWED_LITERALS]
    assert python == []
    assert found["templates"] == []
    # the allow-list names only comparisons that still exist
    assert {(hit[0], hit[2], tuple(hit[3])) for hit in found["python"]} == ALLOWED_LITERALS
