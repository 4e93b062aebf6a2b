"""The frozen pool of a round's draw: institutions, applications, the rule, and their canonical JSON.

DESIGN.md section 4, steps 1 to 3 and 5: what anyone needs to re-run the draw, checked as it is read.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

from .errors import N_, DomainError
from .numbers import is_whole

FLOAT_RULE = "pp-draw-1"  # order by the floating-point key (rounds drawn before the exact rule)
EXACT_RULE = "pp-draw-2"  # order decided with integers; the float key is published for reading only
RULES = (FLOAT_RULE, EXACT_RULE)
RULE_VERSION = EXACT_RULE  # the rule new rounds are frozen and drawn with
MAX_WEIGHT = 10


class SelectionError(DomainError):
    """A draw input or request breaks the selection rules."""


class MalformedManifestError(SelectionError):
    """A pool manifest is not shaped or valued as DESIGN.md section 4 requires."""


class UnsupportedRuleError(SelectionError):
    """A manifest names a draw rule this code does not implement."""


class NotSelectedError(SelectionError):
    """A withdrawal was requested for an application that holds no allocation."""


@dataclass(frozen=True)
class PoolInstitution:
    """An institution taking part in the round, with the budget it puts into it (KRW)."""

    code: str
    budget: int

    def __post_init__(self) -> None:
        if not isinstance(self.code, str) or not self.code:
            raise MalformedManifestError(
                N_("An institution code must be a non-empty text, not %(code)s."), code=repr(self.code)
            )
        if not is_whole(self.budget, 0):
            raise MalformedManifestError(
                N_("Institution %(code)s has budget %(budget)s; it must be a whole number, 0 or more."),
                code=self.code,
                budget=repr(self.budget),
            )


@dataclass(frozen=True)
class PoolApplication:
    """An application in the pool; `preferred` is normalised to sorted institution codes."""

    id: int
    weight: int
    amount: int
    preferred: tuple[str, ...] = ()
    track: str = ""  # the track's kind in a round with tracks; empty in a round without

    def __post_init__(self) -> None:
        if not is_whole(self.id, 1):
            raise MalformedManifestError(
                N_("An application id must be a whole number of 1 or more, not %(id)s."), id=repr(self.id)
            )
        for name in ("weight", "amount"):
            if not is_whole(getattr(self, name), 1):
                raise MalformedManifestError(
                    N_("Application %(id)s has %(name)s %(value)s; it must be a whole number of 1 or more."),
                    id=self.id,
                    name=name,
                    value=repr(getattr(self, name)),
                )
        codes = self.preferred
        if not isinstance(codes, tuple | list) or not all(isinstance(code, str) and code for code in codes):
            raise MalformedManifestError(
                N_("Application %(id)s: preferred must be a list of institution codes."), id=self.id
            )
        if len(set(codes)) != len(codes):
            raise MalformedManifestError(
                N_("Application %(id)s names the same preferred institution twice."), id=self.id
            )
        object.__setattr__(self, "preferred", tuple(sorted(codes)))
        _require_text_track(self)


def _require_text_track(app: PoolApplication) -> None:
    if not isinstance(app.track, str):
        raise MalformedManifestError(N_("Application %(id)s: track must be a text."), id=app.id)


@dataclass(frozen=True)
class PoolTrack:
    """A track of a round with tracks: its kind and its share of each institution's budget (KRW)."""

    track: str
    institutions: tuple[PoolInstitution, ...]

    def __post_init__(self) -> None:
        if not isinstance(self.track, str) or not self.track:
            raise MalformedManifestError(N_("A track must be named by a non-empty text."))
        object.__setattr__(self, "institutions", tuple(sorted(self.institutions, key=lambda inst: inst.code)))


@dataclass(frozen=True)
class Manifest:
    """The frozen pool of a round; institutions are kept sorted by code and applications by id."""

    round_code: str
    rule: str
    institutions: tuple[PoolInstitution, ...]
    applications: tuple[PoolApplication, ...]
    tracks: tuple[PoolTrack, ...] = ()  # empty: the round has no tracks and draws as one pool

    def __post_init__(self) -> None:
        if not isinstance(self.round_code, str) or not self.round_code:
            raise MalformedManifestError(N_("The manifest's round code must be a non-empty text."))
        if not isinstance(self.rule, str) or not self.rule:
            raise MalformedManifestError(N_("The manifest's rule must be a non-empty text."))
        institutions = tuple(sorted(self.institutions, key=lambda inst: inst.code))
        applications = tuple(sorted(self.applications, key=lambda app: app.id))
        if not institutions:
            raise MalformedManifestError(N_("The manifest lists no institutions."))
        _refuse_duplicates([inst.code for inst in institutions], "Institution")
        _refuse_duplicates([app.id for app in applications], "Application")
        _refuse_unknown_preferences(institutions, applications)
        _check_tracks(self.tracks, institutions, applications)
        object.__setattr__(self, "institutions", institutions)
        object.__setattr__(self, "applications", applications)


def _refuse_duplicates(sorted_keys: Sequence[object], noun: str) -> None:
    for before, after in zip(sorted_keys, sorted_keys[1:], strict=False):
        if before == after:
            raise MalformedManifestError(N_("%(noun)s %(key)s appears twice in the manifest."), noun=noun, key=after)


def _refuse_unknown_preferences(
    institutions: Sequence[PoolInstitution], applications: Sequence[PoolApplication]
) -> None:
    """A preferred institution must be one of the manifest's (DESIGN.md section 4, step 5)."""
    codes = {inst.code for inst in institutions}
    for app in applications:
        if unknown := [code for code in app.preferred if code not in codes]:
            raise MalformedManifestError(
                N_("Application %(id)s prefers institution %(code)s, which is not among the manifest's institutions."),
                id=app.id,
                code=unknown[0],
            )


def _check_tracks(
    tracks: Sequence[PoolTrack], institutions: Sequence[PoolInstitution], applications: Sequence[PoolApplication]
) -> None:
    """With tracks: each application in exactly one listed track, and each institution's track budgets
    adding up to its round budget. Without: no application names a track."""
    names = [t.track for t in tracks]
    if len(set(names)) != len(names):
        raise MalformedManifestError(N_("A track appears twice in the manifest."))
    for app in applications:
        if (app.track not in names) if tracks else app.track:
            raise MalformedManifestError(
                N_("Application %(id)s names track %(track)s, which the manifest does not list."),
                id=app.id,
                track=app.track or "-",
            )
    if tracks:
        _check_track_budgets(tracks, {inst.code: inst.budget for inst in institutions})


def _check_track_budgets(tracks: Sequence[PoolTrack], budgets: dict[str, int]) -> None:
    for track in tracks:
        _refuse_duplicates([inst.code for inst in track.institutions], "Institution")
        if {inst.code for inst in track.institutions} != set(budgets):
            raise MalformedManifestError(
                N_("Track %(track)s must list each of the manifest's institutions."), track=track.track
            )
    for code, budget in budgets.items():
        shares = sum(inst.budget for t in tracks for inst in t.institutions if inst.code == code)
        if shares != budget:
            raise MalformedManifestError(
                N_("The tracks' budgets for institution %(code)s do not add up to its budget."), code=code
            )


def canonical_json(data: object) -> str:
    """Sorted keys, no spaces, UTF-8 text as is: the form manifests and results are published and hashed in."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _application_json(app: PoolApplication, tracked: bool) -> dict:
    data = {"id": app.id, "weight": app.weight, "amount": app.amount, "preferred": list(app.preferred)}
    return data | {"track": app.track} if tracked else data


def manifest_json(manifest: Manifest) -> str:
    """Return the canonical JSON of the manifest (DESIGN.md section 4, step 2).

    A round with tracks adds "tracks" (each with its budget per institution) and each application's
    "track"; a round without is written exactly as before tracks existed.
    """
    tracked = bool(manifest.tracks)
    tracks = {
        "tracks": [
            {"track": t.track, "institutions": [{"code": i.code, "budget": i.budget} for i in t.institutions]}
            for t in manifest.tracks
        ]
    }
    return canonical_json(
        {
            "round": manifest.round_code,
            "rule": manifest.rule,
            "institutions": [{"code": i.code, "budget": i.budget} for i in manifest.institutions],
            "applications": [_application_json(a, tracked) for a in manifest.applications],
        }
        | (tracks if tracked else {})
    )


def manifest_sha256(manifest: Manifest) -> str:
    """Return the hex SHA-256 of the manifest's canonical JSON, encoded as UTF-8."""
    return hashlib.sha256(manifest_json(manifest).encode("utf-8")).hexdigest()


def _object(value: object, keys: set[str], where: str) -> dict:
    if not isinstance(value, dict):
        raise MalformedManifestError(N_("The manifest's %(where)s must be a JSON object."), where=where)
    if missing := sorted(keys - value.keys()):
        raise MalformedManifestError(
            N_("The manifest's %(where)s is missing %(fields)s."), where=where, fields=", ".join(missing)
        )
    if extra := sorted(value.keys() - keys):
        raise MalformedManifestError(
            N_("The manifest's %(where)s has unexpected fields: %(fields)s."),
            where=where,
            fields=", ".join(extra),
        )
    return value


def _array(value: object, where: str) -> list:
    if not isinstance(value, list):
        raise MalformedManifestError(N_("The manifest's %(where)s must be a JSON list."), where=where)
    return value


def manifest_from_json(text: str | bytes) -> Manifest:
    """Parse a published manifest, checking its shape and values.

    Raises MalformedManifestError with a readable message for anything that is not a manifest,
    including an application preferring an institution the manifest does not list.
    """
    try:
        data = json.loads(text)
    except (ValueError, TypeError) as exc:
        raise MalformedManifestError(N_("The manifest is not valid JSON: %(error)s."), error=str(exc)) from exc
    tracked = isinstance(data, dict) and "tracks" in data
    top = _object(
        data, {"round", "rule", "institutions", "applications"} | ({"tracks"} if tracked else set()), "top level"
    )
    institutions = _institutions(top["institutions"], "institution")
    app_keys = {"id", "weight", "amount", "preferred"} | ({"track"} if tracked else set())
    applications = []
    for n, item in enumerate(_array(top["applications"], "applications"), start=1):
        item = _object(item, app_keys, f"application #{n}")
        preferred = tuple(_array(item["preferred"], f"application #{n} preferred"))
        applications.append(
            PoolApplication(item["id"], item["weight"], item["amount"], preferred, item.get("track", ""))
        )
    tracks = []
    for n, item in enumerate(_array(top["tracks"], "tracks") if tracked else [], start=1):
        item = _object(item, {"track", "institutions"}, f"track #{n}")
        tracks.append(PoolTrack(item["track"], tuple(_institutions(item["institutions"], f"track #{n} institution"))))
    return Manifest(top["round"], top["rule"], tuple(institutions), tuple(applications), tuple(tracks))


def _institutions(value: object, where: str) -> list[PoolInstitution]:
    institutions = []
    for n, item in enumerate(_array(value, f"{where}s"), start=1):
        item = _object(item, {"code", "budget"}, f"{where} #{n}")
        institutions.append(PoolInstitution(item["code"], item["budget"]))
    return institutions
