"""Sample MOUs for the 26 institutions (flask seed-demo), signed before the published round opens.

Runs after demo/base.py (institutions, ministry login) and before demo/rounds.py, so that the audit trail
and the quota ledger record them in time order. Each MOU starts with the round's fiscal year and runs to
the end of the year after the seeding day; the six first institutions sign before that fiscal year, the
others a month before the round opens. Through the services, as at the day each is signed. Idempotent:
an institution that has an MOU gets none.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..extensions import db
from ..models import Institution, Mou, User
from ..models.types import as_at
from ..services import quota
from ..services.clock import seoul_today
from .timeline import Story, at_kst, story_for

# KRW committed by the six first institutions: 43,000,000,000 in total, as the 2018 MOU did.
FIRST_SIX = {
    "KEPCO": 12_000_000_000,
    "LH": 10_000_000_000,
    "EX": 7_000_000_000,
    "KRC": 5_000_000_000,
    "KWATER": 6_000_000_000,
    "KR": 3_000_000_000,
}
JOINED_AMOUNTS = (500_000_000, 1_000_000_000, 1_500_000_000, 2_000_000_000)


def seed() -> list[str]:
    staff = db.session.scalar(select(User).where(User.email == "ministry@demo.example"))
    if staff is None:
        return ["mous: skipped (run the base demo data first)"]
    added, missing = _create(staff, story_for(seoul_today()))
    if not added and not missing:
        return []
    note = f", {missing} institutions missing (run demo/base first)" if missing else ""
    return [f"mous: {added} MOUs added (first six total KRW {sum(FIRST_SIX.values()):,}){note}"]


def _create(staff: User, story: Story) -> tuple[int, int]:
    """Create the missing MOUs, each as at its signing day; (how many were added, institutions missing)."""
    institutions = {i.code: i for i in db.session.scalars(select(Institution))}
    with_mou = set(db.session.scalars(select(Mou.institution_id)))
    added = missing = 0
    for code, amount, signed in _wanted(story):
        institution = institutions.get(code)
        if institution is None:
            missing += 1
            continue
        if institution.id in with_mou:
            continue
        terms = quota.MouTerms(
            f"MOU-{story.fiscal_start.year}-{code}", signed, story.fiscal_start, story.mous_end, amount
        )
        with as_at(at_kst(signed)):
            quota.create_mou(staff, institution, terms)
        added += 1
    return added, missing


def _wanted(story: Story) -> list[tuple[str, int, date]]:
    """(institution code, committed KRW, signing day) of each sample MOU."""
    wanted = [(code, amount, story.first_mous_signed) for code, amount in FIRST_SIX.items()]
    wanted += [
        (f"INST{n:02d}", JOINED_AMOUNTS[n % len(JOINED_AMOUNTS)], story.joined_mous_signed) for n in range(7, 27)
    ]
    return wanted
