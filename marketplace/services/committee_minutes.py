"""The committee's minutes as plain JSON values: members, recusals with reasons, each member's scores and
comments, the trimmed mean, the pass mark and the outcome per application. Stored canonical with their
SHA-256 on the round when staff finalise (services/committee.py); the PDF (reports/minutes.py) prints them."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING

from ..domain import committee as rules
from ..domain.errors import N_
from ..models import CommitteeAssignment, Round, User
from ..reports.minutes import render_minutes
from . import rounds as round_service

if TYPE_CHECKING:
    from .committee import CommitteePage


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _member_line(row: CommitteeAssignment) -> dict:
    return {
        "member": row.user.name,
        "declared_at": _iso(row.declared_at),
        "recused_at": _iso(row.recused_at),
        "recusal_reason": row.recusal_reason,
        "scores": [row.score_innovation, row.score_capability, row.score_need],
        "comments": [row.comment_innovation, row.comment_capability, row.comment_need],
        "total": row.total,
    }


def build(page: CommitteePage, actor: User, moment: datetime) -> dict:
    """The minutes of `page`'s round as finalised at `moment` by `actor`."""
    round_ = page.round
    applications = []
    for application in page.applications:
        rows = page.assignments[application.id]
        totals = [r.total for r in rows if r.total is not None]
        score = rules.committee_score(totals)
        low, high = rules.trimmed_out(totals)
        applications.append(
            {
                "receipt_no": application.receipt_no,
                "company_ko": application.company.name_ko,
                "company_en": application.company.name_en,
                "product_ko": application.product.name_ko,
                "product_en": application.product.name_en,
                "members": [_member_line(r) for r in rows],
                "left_out": None if low is None else [low, high],
                "score": None if score is None else str(score),
                "passes": rules.passes(score, round_.pass_mark),
            }
        )
    return {
        "round": {"code": round_.code, "title_ko": round_.title_ko, "title_en": round_.title_en},
        "pass_mark": round_.pass_mark,
        "trim_from": rules.TRIM_FROM,
        "finalised_at": moment.isoformat(),
        "finalised_by": actor.name,
        "members": [m.user.name for m in page.members],
        "applications": applications,
    }


def stored(round_: Round) -> dict | None:
    """The round's finalised minutes, or None before staff finalised its committee's scores."""
    return json.loads(round_.minutes_json) if round_.minutes_json else None


def minutes_pdf(code: str, language: str) -> tuple[bytes, str]:
    """The finalised minutes of the round as a PDF in `language`, and its file name. Raises NotFound, or
    CommitteeError before staff finalised the scores."""
    round_ = round_service.get_round(code)
    minutes = stored(round_)
    if minutes is None or round_.minutes_sha256 is None:
        raise rules.CommitteeError(N_("The minutes exist once staff finalise the committee's scores."))
    return render_minutes(minutes, round_.minutes_sha256, language), f"committee-minutes-{round_.code}-{language}.pdf"
