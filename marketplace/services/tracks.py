"""A round's tracks: set on the draft by staff, chosen by suppliers, checked at close, split in the manifest."""

from __future__ import annotations

from ..database import begin_write
from ..domain import rounds as rules
from ..domain import selection
from ..domain import tracks as track_rules
from ..domain.eligibility import WeightTiers
from ..domain.errors import N_
from ..domain.states import RoundStatus, TrackKind
from ..domain.tracks import Qualification, TrackRules
from ..extensions import db
from ..models import Company, Round, RoundTrack, User
from . import rounds as round_service
from .audit import record_event


def tiers_of(track: RoundTrack) -> WeightTiers:
    """The track's weights; its small-record tier uses the round's limit, as the round's own weights do."""
    return WeightTiers(
        track.weight_first_timer, track.weight_startup, track.weight_general, track.round.small_record_limit_krw
    )


def rules_of(track: RoundTrack) -> TrackRules:
    return TrackRules(track.kind, track.share_percent, track.cap_krw, tiers_of(track), track.record_limit_krw)


def _facts(round_: Round) -> list[dict]:
    return [
        {
            "kind": t.kind,
            "share_percent": t.share_percent,
            "cap_krw": t.cap_krw,
            "weights": [t.weight_first_timer, t.weight_startup, t.weight_general],
            "record_limit_krw": t.record_limit_krw,
        }
        for t in round_.tracks
    ]


def set_tracks(actor: User | None, code: str, tracks: list[TrackRules]) -> Round:
    """Replace a draft round's tracks (none: the round draws as one pool); audited. Raises TrackError for
    invalid tracks, RoundError once the round has opened: its tracks are then public."""
    begin_write()
    round_ = round_service.get_round(code, lock=True)
    rules.require_status(round_.status, (RoundStatus.DRAFT,), rules.DRAFT_ONLY)
    track_rules.check_tracks(tracks)
    before = _facts(round_)
    round_.tracks.clear()
    db.session.flush()
    for track in track_rules.ordered(tracks):
        round_.tracks.append(
            RoundTrack(
                kind=track.kind,
                share_percent=track.share_percent,
                cap_krw=track.cap_krw,
                weight_first_timer=track.tiers.first_timer,
                weight_startup=track.tiers.startup_or_small_record,
                weight_general=track.tiers.general,
                record_limit_krw=track.record_limit_krw,
            )
        )
    after = _facts(round_)
    if after != before:
        record_event(actor, "round.tracks_set", round_, before={"tracks": before}, after={"tracks": after})
    db.session.commit()
    return round_


def track_of_kind(round_: Round, kind: str) -> RoundTrack:
    """The round's track of this kind; TrackError when it has none."""
    found = next((t for t in round_.tracks if t.kind == kind), None)
    if found is None:
        raise track_rules.TrackError(N_("Choose one of this round's tracks."))
    return found


def is_small_batch(round_: Round) -> bool:
    """A small-value batch: a round whose (only) track is the small-value track."""
    return any(t.kind == TrackKind.SMALL for t in round_.tracks)


def qualification(company: Company, track: RoundTrack) -> Qualification:
    """Whether the company qualifies for the track on the round's closing day, and why."""
    return track_rules.qualification(
        track.kind,
        founded_on=company.founded_on,
        close_day=rules.closing_day(track.round.closes_at),
        public_supply_krw=company.public_supply_krw,
        record_limit_krw=track.record_limit_krw,
        public_supply_count=company.public_supply_count,
    )


def qualifications(company: Company | None, round_: Round) -> list[tuple[RoundTrack, Qualification | None]]:
    """Each of the round's tracks with the company's qualification (None without a company)."""
    return [(t, qualification(company, t) if company is not None else None) for t in round_.tracks]


def require_qualified(company: Company, track: RoundTrack) -> Qualification:
    """The qualification; TrackError with the reason when the company does not qualify."""
    found = qualification(company, track)
    if not found.qualifies:
        raise track_rules.TrackError(found.message, **found.params)
    return found


def track_budgets(round_: Round) -> dict[str, int]:
    """Each track's share of the round's budget in won, by kind (the per-institution parts added up, as the
    manifest splits them); empty for a round without tracks."""
    return {track.track: sum(i.budget for i in track.institutions) for track in manifest_tracks(round_)}


def manifest_tracks(round_: Round) -> tuple[selection.PoolTrack, ...]:
    """Each track's budget per institution, for the manifest (empty for a round without tracks)."""
    if not round_.tracks:
        return ()
    budgets = {b.institution.code: b.budget_krw for b in round_.budgets}
    split = track_rules.split_budgets(budgets, [(t.kind, t.share_percent) for t in round_.tracks])
    return tuple(
        selection.PoolTrack(t.kind, tuple(selection.PoolInstitution(c, b) for c, b in split[t.kind].items()))
        for t in round_.tracks
    )
