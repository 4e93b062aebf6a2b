"""A round's tracks in OCDS: one `tender.lots` entry per track (the Lots extension), and the awards of its
applications linked to it by `relatedLots`.

A lot's id is the track's kind (`startup`, `general`, ...), its title the track's name in Korean with `title_en`
beside it (as the release's other titles), its value the track's share of the round's budget in won, and its
description states the share and the cap per application (the extension has no field for a cap). A round without
tracks has no lots: it is drawn as one pool.
"""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as translated

from ..domain.tracks import TRACK_LABELS, split_budgets
from ..models import Application, Round, RoundTrack

LOTS_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json"
)


def _label(kind: str, language: str) -> str:
    message = next((label for known, label in TRACK_LABELS.items() if known == kind), None)
    if message is None:
        return kind
    with force_locale(language):
        return translated(message)


def lot(track: RoundTrack, budget_krw: int) -> dict:
    return {
        "id": track.kind,
        "title": _label(track.kind, "ko"),
        "title_en": _label(track.kind, "en"),
        "description": (
            f"회차 예산의 {track.share_percent}%, 신청당 상한 {track.cap_krw:,}원"
            f" ({track.share_percent}% of the round's budget; cap per application KRW {track.cap_krw:,})"
        ),
        "value": {"amount": int(budget_krw), "currency": "KRW"},
    }


def lots(round_: Round) -> list[dict]:
    """The round's tracks as lots, in their published order (none for a round without tracks)."""
    # split as the manifest splits it (services/tracks.py, which this module cannot import: it records events)
    split = split_budgets(
        {b.institution.code: b.budget_krw for b in round_.budgets}, [(t.kind, t.share_percent) for t in round_.tracks]
    )
    return [lot(track, sum(split[track.kind].values())) for track in round_.tracks]


def related_lots(application: Application) -> dict:
    """The `relatedLots` of an application's award: its track; nothing in a round without tracks."""
    return {"relatedLots": [application.track.kind]} if application.track is not None else {}
