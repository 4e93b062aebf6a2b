"""A notification's sentence in the reader's language, from the plain values it stored (pages and mails)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from .domain import notifications as rules
from .domain.rounds import REASONS
from .i18n import current_language, gettext, krw, kst, label

MONEY = frozenset({"amount", "left"})
MOMENTS = frozenset({"closes", "deadline"})


class _Values(dict):
    """The sentence's %(name)s values; a value an older notification did not store shows as a dash."""

    def __missing__(self, key: str) -> str:
        return "-"


def _shown(key: str, value) -> str:
    if key in MONEY and isinstance(value, int):
        return krw(value)
    if key in MOMENTS and isinstance(value, str):
        try:
            return kst(datetime.fromisoformat(value))
        except ValueError:
            return value
    if key == "reasons" and isinstance(value, list):
        return " ".join(label(REASONS, str(code)) for code in value)
    return str(value)


def values_of(params: Mapping) -> dict:
    """The values to put in the sentence: a name stored in both languages (x_ko, x_en) as x in the reader's."""
    values = _Values()
    english = current_language() == "en"
    for key, value in params.items():
        if key.endswith("_ko"):
            base = key[:-3]
            values[base] = (params.get(f"{base}_en") if english else None) or value
        elif not key.endswith("_en"):
            values[key] = _shown(key, value)
    return values


def notification_text(kind: str, params: Mapping) -> str:
    """The notification's sentence, translated, with its values."""
    return gettext(rules.sentence(kind, str(params.get("variant", "")))) % values_of(params)


def kind_label(kind: str) -> str:
    """What a kind of notification is about, for the settings page and mail subjects."""
    return gettext(rules.KIND_LABELS.get(kind, kind))


def init_app(app) -> None:
    app.jinja_env.globals.update(notification_text=notification_text, notification_kind_label=kind_label)
