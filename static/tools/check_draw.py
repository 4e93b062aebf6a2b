#!/usr/bin/env python3
"""Check a pilot-purchase round's draw yourself: re-run it from the published manifest and seed.

    python3 check_draw.py ROUND-manifest.json ROUND-result.json [MANIFEST-SHA-256]

Download both files from the round's public page. The script needs Python 3.8 or later and nothing else.
It recomputes the manifest's SHA-256 (and compares it with the fingerprint you pass, copied from the
round page), re-runs the draw with the seed published in the result, and compares the order, keys,
selections, waitlist and budgets left. It prints MATCH and exits 0, or MISMATCH with the differences
and exits 1. A manifest in which an application prefers an institution the manifest does not list is
malformed: the checker refuses it (MISMATCH).

The seed is the outcome of a public event the round named before it opened. Results that state their
timeline (rounds drawn since rounds name their seed event) are checked for its order: the event was
announced and the manifest frozen before the event happened, and the draw ran after it. The checker
prints the event, so that you can compare the seed with the event's published outcome yourself.

The draw (the marketplace's "How the draw works" page says the same in words):
  key = ln(u) / weight, u = (SHA-256("seed:round:id") read as a whole number + 1) / (2^256 + 1);
  order by key, highest first, equal keys by id, lowest first. Rule pp-draw-2 compares keys exactly,
  with whole numbers: a comes before b when (h_a+1)^w_b * D^w_a > (h_b+1)^w_a * D^w_b, D = 2^256 + 1
  (the same inequality with the logarithms taken out), so no computer's floating point can change the
  order; the keys in the result are for reading only and are compared to within 1e-9. Rule pp-draw-1
  (older rounds) orders by the floating-point keys themselves. Then walk that order and give each
  application to the candidate institution (its preferred ones present in the manifest, or all of
  them) with the most budget left that covers its amount, ties to the lowest code; the budget drops by
  the amount; an application that fits nowhere joins the waitlist.

A round with tracks publishes one manifest listing its tracks ("tracks": each track's budget per
institution, adding up to the institution's budget) and each application's "track". Each track is drawn
on its own as above, on its own budgets with its own applications and the same seed; the result lists
each track's draw under "tracks", and its order, selected and waitlist are the tracks' one after the
other (ranks count within the track), its remaining the tracks' budgets left added up.

This file is written straight from that description and shares no code with the marketplace, so that it
checks the marketplace instead of repeating it.
"""

import functools
import hashlib
import json
import math
import sys
from datetime import datetime

RULES = ("pp-draw-1", "pp-draw-2")
D = 2**256 + 1


def draw(manifest, seed):
    """The result of the draw on a manifest (a dict as in the manifest file) with a seed."""
    round_code = manifest["round"]
    keyed = []
    for app in manifest["applications"]:
        digest = hashlib.sha256(f"{seed}:{round_code}:{app['id']}".encode("utf-8")).digest()
        n = int.from_bytes(digest, "big") + 1
        keyed.append((math.log(n / D) / app["weight"], n, app))
    if manifest["rule"] == "pp-draw-1":
        keyed.sort(key=lambda entry: (-entry[0], entry[2]["id"]))
    else:
        keyed.sort(key=functools.cmp_to_key(exactly))
    keyed = [(key, app) for key, _n, app in keyed]

    left = {inst["code"]: inst["budget"] for inst in manifest["institutions"]}
    codes = sorted(left)
    selected, waitlist = [], []
    for rank, (_key, app) in enumerate(keyed, start=1):
        candidates = [code for code in codes if code in app["preferred"]] or codes
        best = None
        for code in candidates:
            if left[code] >= app["amount"] and (best is None or left[code] > left[best]):
                best = code
        if best is None:
            waitlist.append(app["id"])
            continue
        left[best] -= app["amount"]
        selected.append({"id": app["id"], "institution": best, "amount": app["amount"], "rank": rank})
    return {
        "order": [{"id": app["id"], "key": key} for key, app in keyed],
        "selected": selected,
        "waitlist": waitlist,
        "remaining": left,
    }


def draw_tracks(manifest, seed):
    """The result of a manifest with tracks: each track drawn on its own budgets, then put together."""
    parts = []
    for track in manifest["tracks"]:
        own = {"round": manifest["round"], "rule": manifest["rule"], "institutions": track["institutions"],
               "applications": [app for app in manifest["applications"] if app["track"] == track["track"]]}
        parts.append(dict(draw(own, seed), track=track["track"]))
    combined = {part: [entry for p in parts for entry in p[part]] for part in ("order", "selected", "waitlist")}
    combined["remaining"] = {inst["code"]: sum(p["remaining"][inst["code"]] for p in parts)
                             for inst in manifest["institutions"]}
    combined["tracks"] = [{"track": p["track"], "order": p["order"], "selected": p["selected"],
                           "waitlist": p["waitlist"], "remaining": p["remaining"]} for p in parts]
    return combined


def track_problems(manifest):
    """A manifest with tracks is malformed unless each application is in a listed track and each
    institution's track budgets add up to its budget."""
    names = [track["track"] for track in manifest["tracks"]]
    found = [f"malformed manifest: application {app['id']} names track {app.get('track')}, which is not listed"
             for app in manifest["applications"] if app.get("track") not in names]
    for inst in manifest["institutions"]:
        shares = [i["budget"] for track in manifest["tracks"] for i in track["institutions"] if i["code"] == inst["code"]]
        if len(shares) != len(names) or sum(shares) != inst["budget"]:
            found.append(f"malformed manifest: the tracks' budgets for {inst['code']} do not add up to its budget")
    return found


def exactly(a, b):
    """Rule pp-draw-2: -1 when a comes first (higher key, or equal key and lower id), 1 when b does."""
    (_, n_a, app_a), (_, n_b, app_b) = a, b
    left = n_a ** app_b["weight"] * D ** app_a["weight"]
    right = n_b ** app_a["weight"] * D ** app_b["weight"]
    if left != right:
        return -1 if left > right else 1
    return -1 if app_a["id"] < app_b["id"] else 1


def same_order(ours, theirs):
    """The same ids in the same order, with keys equal to within 1e-9 (they are for reading only)."""
    if not isinstance(theirs, list) or len(ours) != len(theirs):
        return False
    for a, b in zip(ours, theirs):
        if not isinstance(b, dict) or a["id"] != b.get("id") or not isinstance(b.get("key"), (int, float)):
            return False
        if not math.isclose(a["key"], b["key"], rel_tol=1e-9, abs_tol=1e-12):
            return False
    return True


def differences(manifest_bytes, result, fingerprint=None):
    """What does not match, as lines of text; an empty list when everything does."""
    found = []
    digest = hashlib.sha256(manifest_bytes).hexdigest()
    if fingerprint and fingerprint.lower() != digest:
        found.append(f"manifest SHA-256 is {digest}, not the published {fingerprint}")
    if result.get("manifest_sha256") != digest:
        found.append(f"the result was drawn on manifest {result.get('manifest_sha256')}, this one is {digest}")
    manifest = json.loads(manifest_bytes.decode("utf-8"))
    if manifest.get("rule") not in RULES:
        found.append(f"this checker knows rules {', '.join(RULES)}, the manifest says {manifest.get('rule')}")
        return found
    tracked = "tracks" in manifest
    malformed = unknown_preferences(manifest) + (track_problems(manifest) if tracked else [])
    if malformed:
        return found + malformed
    found += timeline_problems(result.get("timeline"))
    for part in ("round", "rule"):
        if result.get(part) != manifest.get(part):
            found.append(f"the result is for {part} {result.get(part)}, the manifest for {manifest.get(part)}")
    ours = draw_tracks(manifest, result["seed"]) if tracked else draw(manifest, result["seed"])
    found += outcome_differences(ours, result, "")
    for n, track in enumerate(ours["tracks"] if tracked else []):
        theirs = result.get("tracks") or []
        published = theirs[n] if n < len(theirs) and isinstance(theirs[n], dict) else {}
        if published.get("track") != track["track"]:
            found.append(f"track {n + 1} is {track['track']} in the manifest, {published.get('track')} in the result")
        found += outcome_differences(track, published, f"track {track['track']}: ")
    if not tracked and "tracks" in result:
        found.append("the result lists tracks, the manifest none")
    return found


def outcome_differences(ours, result, where):
    found = []
    if not same_order(ours["order"], result.get("order")):
        found.append(f"{where}order differs: {first_difference(ours['order'], result.get('order'))}")
    for part in ("selected", "waitlist", "remaining"):
        if ours[part] != result.get(part):
            found.append(f"{where}{part} differs: {first_difference(ours[part], result.get(part))}")
    return found


def unknown_preferences(manifest):
    """The manifest is malformed when an application prefers an institution the manifest does not list."""
    codes = {inst["code"] for inst in manifest["institutions"]}
    for app in manifest["applications"]:
        for code in app["preferred"]:
            if code not in codes:
                return [f"malformed manifest: application {app['id']} prefers institution {code}, "
                        f"which is not among the manifest's institutions"]
    return []


def moment(text):
    """An ISO 8601 time with its offset as published ('2018-09-22T20:45:00+09:00'), or None."""
    try:
        parsed = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo is not None else None


def timeline_problems(timeline):
    """The order the seed's fairness rests on: announced and frozen before the event, drawn after it."""
    if timeline is None:
        return []  # drawn before rounds named their seed event: nothing stated to check
    event = timeline.get("seed_event") if isinstance(timeline, dict) else None
    if not isinstance(event, dict):
        return ["the result's timeline names no seed event"]
    at, frozen, drawn = moment(event.get("at")), moment(timeline.get("manifest_frozen_at")), moment(
        timeline.get("drawn_at"))
    if at is None or frozen is None or drawn is None:
        return ["the result's timeline lacks the seed event's, the freeze's or the draw's time"]
    found = []
    announced = moment(event.get("announced_at"))
    if announced is not None and announced >= at:
        found.append(f"the seed event ({event.get('at')}) was announced at {event.get('announced_at')}, not before it")
    if frozen >= at:
        found.append(f"the manifest was frozen at {timeline.get('manifest_frozen_at')}, not before the seed event "
                     f"({event.get('at')})")
    if drawn < at:
        found.append(f"the draw ran at {timeline.get('drawn_at')}, before the seed event ({event.get('at')})")
    return found


def first_difference(ours, theirs):
    if isinstance(ours, list) and isinstance(theirs, list):
        for n, (a, b) in enumerate(zip(ours, theirs), start=1):
            if a != b:
                return f"entry {n}: re-run gives {a}, published {b}"
        return f"re-run has {len(ours)} entries, published {len(theirs)}"
    return f"re-run gives {ours}, published {theirs}"


def main(argv):
    if len(argv) not in (3, 4):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    with open(argv[1], "rb") as manifest_file, open(argv[2], "rb") as result_file:
        manifest_bytes, result = manifest_file.read(), json.loads(result_file.read().decode("utf-8"))
    found = differences(manifest_bytes, result, argv[3] if len(argv) == 4 else None)
    if found:
        print(f"MISMATCH: round {result.get('round')}")
        for line in found:
            print(f"  {line}")
        return 1
    print(f"MATCH: round {result['round']}, seed {result['seed']!r}: {len(result['selected'])} selected, "
          f"{len(result['waitlist'])} on the waitlist, manifest SHA-256 {result['manifest_sha256']}")
    event = (result.get("timeline") or {}).get("seed_event")
    if event:
        print(f"  the seed must be the outcome of: {event['description_en']} / {event['description_ko']} "
              f"({event['at']}); manifest frozen {result['timeline']['manifest_frozen_at']}, "
              f"draw run {result['timeline']['drawn_at']}")
    else:
        print("  this result names no seed event (drawn before rounds named theirs in advance)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
