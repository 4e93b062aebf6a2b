"""The evaluation committee's minutes on paper: the stored minutes (canonical JSON) rendered in one language."""

from __future__ import annotations

from ..i18n import at_kst
from .documents import render_document


def render_minutes(minutes: dict, minutes_sha256: str, language: str) -> bytes:
    """The minutes' PDF in `language`: members, recusals with reasons, each member's scores, the trimmed
    mean, the pass mark and the outcome per application, and the SHA-256 of the JSON it prints."""
    return render_document(
        "reports/committee_minutes.html", language, m=minutes, minutes_sha256=minutes_sha256, at=at_kst
    )
