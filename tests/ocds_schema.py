"""Validate what the app serves against the OCDS 1.1.5 package schemas kept in the package (no download)."""

from __future__ import annotations

import csv
import json
from functools import cache
from pathlib import Path

from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from marketplace.services.ocds_packages import SCHEMA_DIR


@cache
def _schema(name: str) -> dict:
    return json.loads((SCHEMA_DIR / name).read_text())


@cache
def _registry() -> Registry:
    resources = [
        (schema["id"], Resource.from_contents(schema, default_specification=DRAFT4))
        for schema in map(_schema, ("release-schema.json", "release-package-schema.json", "record-package-schema.json"))
    ]
    return Registry().with_resources(resources)


def errors(package: dict, kind: str) -> list[str]:
    """Every schema error of a release ('release') or record ('record') package, date-times checked too."""
    checker = FormatChecker()
    assert "date-time" in checker.checkers, "rfc3339-validator is needed for date-time to be checked"
    validator = Draft4Validator(_schema(f"{kind}-package-schema.json"), registry=_registry(), format_checker=checker)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(package)]


@cache
def codelist(name: str) -> set[str]:
    with Path(SCHEMA_DIR / "codelists" / f"{name}.csv").open(encoding="utf-8") as handle:
        return {row["Code"] for row in csv.DictReader(handle)}


def codes_outside_codelists(release: dict) -> list[str]:
    """Codes of the closed and open codelists the app uses that are not in them."""
    found = []

    def check(value, name):
        if value is not None and value not in codelist(name):
            found.append(f"{name}: {value}")

    for tag in release.get("tag", []):
        check(tag, "releaseTag")
    check(release.get("initiationType"), "initiationType")
    tender = release.get("tender", {})
    for key, name in (
        ("status", "tenderStatus"),
        ("procurementMethod", "method"),
        ("awardCriteria", "awardCriteria"),
        ("mainProcurementCategory", "procurementCategory"),
    ):
        check(tender.get(key), name)
    for method in tender.get("submissionMethod", []):
        check(method, "submissionMethod")
    documents = list(tender.get("documents", []))
    milestones = list(tender.get("milestones", []))
    for party in release.get("parties", []):
        for role in party.get("roles", []):
            check(role, "partyRole")
    for award in release.get("awards", []):
        check(award.get("status"), "awardStatus")
        check((award.get("value") or {}).get("currency"), "currency")
    for contract in release.get("contracts", []):
        check(contract.get("status"), "contractStatus")
        documents += contract.get("documents", [])
        milestones += (contract.get("implementation") or {}).get("milestones", [])
        for related in contract.get("relatedProcesses", []):
            for relationship in related.get("relationship") or []:
                check(relationship, "relatedProcess")
            check(related.get("scheme"), "relatedProcessScheme")
    for milestone in milestones:
        check(milestone.get("status"), "milestoneStatus")
        check(milestone.get("type"), "milestoneType")
    for document in documents:
        check(document.get("documentType"), "documentType")
    return found
