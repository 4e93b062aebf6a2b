"""Every audit action the code records has a label for the ministry's audit trail."""

from __future__ import annotations

import ast
from pathlib import Path

from marketplace.domain.reference import AUDIT_ACTIONS

PACKAGE = Path(__file__).resolve().parents[2] / "marketplace"


def recorded_actions() -> set[str]:
    """String constants passed as record_event's action, or assigned to a name `action` beside it."""
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "record_event" and len(node.args) > 1:
                found.update(
                    c.value
                    for c in ast.walk(node.args[1])
                    if isinstance(c, ast.Constant)
                    and isinstance(c.value, str)
                    and "." in c.value
                    and not c.value.endswith(".")
                )  # the fixed part of f"company.{target}"
            if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "action" for t in node.targets):
                found.update(
                    c.value
                    for c in ast.walk(node.value)
                    if isinstance(c, ast.Constant)
                    and isinstance(c.value, str)
                    and c.value.count(".") == 1
                    and " " not in c.value
                )
    return found


def test_every_recorded_action_has_a_label():
    actions = recorded_actions()
    assert {"order.placed", "company.registered", "application.submitted"} <= actions  # the scan finds them
    assert sorted(actions - AUDIT_ACTIONS.keys()) == []


def test_the_decisions_recorded_as_status_targets_have_labels():
    for code in (
        "company.approved",
        "company.rejected",
        "company.suspended",
        "certificate.verified",
        "certificate.rejected",
        "product.listed",
        "product.delisted",
    ):
        assert code in AUDIT_ACTIONS


def test_every_audit_object_label_names_a_model_and_every_model_has_one():
    """AuditEvent.object_type is the recorded object's class name; each mapped model has a label."""
    from marketplace.domain.reference import AUDIT_OBJECTS
    from marketplace.extensions import db

    models = {mapper.class_.__name__ for mapper in db.Model.registry.mappers}
    assert sorted(AUDIT_OBJECTS.keys() - models) == []
    internal = {
        "OneTimeToken",
        "SearchGram",
        "CatalogueVersion",
        "RoundInstitution",
        "CertificateType",
        "StoredFile",
        "AuditEvent",
        "Evaluation",
        "QuotaEntry",
        "LoginFailure",
        "ReliefSerialReservation",
        "ReliefCertificateRendition",
        "RecoveryCode",
        "ChainHead",
        "FormSubmission",
        "SeedEventAnnouncement",
        "OutboxMail",
        "Notification",
        "NotificationPreference",
        "OcdsRelease",
        "PrivacyConsent",
    }  # never the object of an event
    assert sorted(models - internal - AUDIT_OBJECTS.keys()) == []
