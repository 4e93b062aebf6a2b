"""The ministry's audit trail in words: each before/after key by its label, each coded value by its name,
amounts as money and moments in Seoul time (the stored event keeps the raw keys and codes)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import NamedTuple

from .domain.audit_fields import FIELD_LABELS, REPORT_KINDS, SCORE_LABELS, STATE_KEYS, SYSTEM_ROLE, is_money
from .domain.privacy import masked
from .domain.reference import (
    CATEGORIES,
    CERTIFICATE_TYPES,
    CONTRACT_METHODS,
    CORRECTIVE_CAUSES,
    CORRECTIVE_STATES,
    INSTITUTION_KIND_LABELS,
    REGIONS,
    ROLE_LABELS,
    SIZE_CLASSES,
    STATUS_LABELS,
)
from .domain.rounds import REASONS, TIER_LABELS
from .domain.states import ObjectionState
from .i18n import current_language, gettext, krw, kst


class AuditLine(NamedTuple):
    label: str
    text: str
    css: str = ""  # app-money: kept on one line; app-token: a long hash or id that may break anywhere


CERTIFICATE_TYPE_NAMES = {code: (ko, en) for code, ko, en in CERTIFICATE_TYPES}
VOCABULARIES = {
    "region": REGIONS,
    "category": CATEGORIES,
    "size_class": SIZE_CLASSES,
    "role": ROLE_LABELS,
    "tier": TIER_LABELS,
    "kind": {**INSTITUTION_KIND_LABELS, **REPORT_KINDS},
    **{key: STATUS_LABELS for key in STATE_KEYS},
    # corrective actions and objections record a "state" (their codes do not overlap)
    "state": {**{str(code): STATUS_LABELS[code] for code in ObjectionState}, **CORRECTIVE_STATES},
    "cause": CORRECTIVE_CAUSES,
    "contract_method": CONTRACT_METHODS,
}


def field_label(key: str) -> str:
    """The key's label; an unlabelled key reads as words (a test keeps every recorded key labelled)."""
    return gettext(FIELD_LABELS[key]) if key in FIELD_LABELS else key.replace("_", " ")


def role_name(role: str | None) -> str:
    if role in ROLE_LABELS:
        return gettext(ROLE_LABELS[role])
    return gettext(SYSTEM_ROLE) if role in (None, "", "system") else role


def _named(vocabulary: dict[str, str], code) -> str:
    return gettext(vocabulary[code]) if code in vocabulary else str(code)


def _moment(value: str) -> str:
    try:
        return kst(datetime.fromisoformat(value))
    except (TypeError, ValueError):
        return value


def _seed_event(value: dict) -> str:
    description = value.get("description_en") if current_language() == "en" else ""
    description = description or value.get("description_ko") or "-"
    return f"{description} ({_moment(value['at'])})" if value.get("at") else description


def _scores(value: list) -> str | None:
    if len(value) != len(SCORE_LABELS):
        return None
    pairs = zip(SCORE_LABELS, value, strict=True)
    return " · ".join(f"{gettext(label)} {'-' if score is None else score}" for label, score in pairs)


def _weights(value: list) -> str | None:
    if len(value) != len(TIER_LABELS):
        return None
    return " · ".join(f"{gettext(label)} {w}" for label, w in zip(TIER_LABELS.values(), value, strict=True))


_LISTS = {
    "scores": _scores,
    "weights": _weights,
    "reasons": lambda value: "; ".join(_named(REASONS, code) for code in value) or "-",
}


def _list(key: str, value: list) -> str:
    shown = _LISTS[key](value) if key in _LISTS else None
    return shown if shown is not None else ", ".join(str(item) for item in value) or "-"


def _certificate_type(value) -> str:
    ko, en = CERTIFICATE_TYPE_NAMES[value]
    return en if current_language() == "en" else ko


def _budgets(value: dict) -> str:
    return ", ".join(f"{code} {krw(amount)}" for code, amount in sorted(value.items()))


# (applies to key and value, shows it): the first rule that applies shows the value; tried in this order.
_RULES = (
    (lambda key, value: isinstance(value, bool), lambda key, value: gettext("Yes") if value else gettext("No")),
    (lambda key, value: value is None or value == "" or value == [], lambda key, value: "-"),
    (lambda key, value: isinstance(value, int) and is_money(key), lambda key, value: krw(value)),
    (lambda key, value: key in VOCABULARIES, lambda key, value: _named(VOCABULARIES[key], value)),
    (lambda key, value: key == "type" and value in CERTIFICATE_TYPE_NAMES, lambda key, value: _certificate_type(value)),
    (lambda key, value: key == "budgets" and isinstance(value, dict), lambda key, value: _budgets(value)),
    (lambda key, value: key == "seed_event" and isinstance(value, dict), lambda key, value: _seed_event(value)),
    (lambda key, value: isinstance(value, list), _list),
    (lambda key, value: isinstance(value, dict), lambda key, value: json.dumps(value, ensure_ascii=False)),
    (lambda key, value: isinstance(value, str) and key.endswith("_at"), lambda key, value: _moment(value)),
)


def value_text(key: str, value) -> str:
    """One value as the page shows it."""
    for applies, show in _RULES:
        if applies(key, value):
            return show(key, value)
    return str(value)


def audit_fields(values) -> list[AuditLine]:
    """An audit event's before/after values as labelled lines."""
    if not isinstance(values, dict):
        return [] if values is None else [AuditLine("", json.dumps(values, ensure_ascii=False))]
    lines = []
    for key, value in values.items():
        text = value_text(key, value)
        lines.append(AuditLine(field_label(key), text, _css(key, value, text)))
    return lines


def _css(key: str, value, text: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and is_money(key):
        return "app-money"
    return "app-token" if len(text) > 24 and " " not in text else ""


def init_app(app) -> None:
    app.jinja_env.filters.update(audit_fields=audit_fields, masked_personal=masked)
    app.jinja_env.globals.update(audit_role=role_name)
