"""OCDS release and record packages: pages with a cursor, one record per round, bulk files per year."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import ocdsmerge
from flask import current_app
from sqlalchemy import func, select

from ..domain.errors import NotFound
from ..extensions import db
from ..models import OcdsRelease, Round
from ..models.types import utcnow
from .ocds_lots import LOTS_EXTENSION
from .ocds_releases import moment_text

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "open_data" / "schema"
VERSION = "1.1"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
RELEASE_PAGE = 100
RECORD_PAGE = 20
BULK_BATCH = 500


@dataclass(frozen=True)
class Page:
    items: list[dict]
    next_cursor: int | None


def prefix() -> str:
    return str(current_app.config.get("OCDS_PREFIX", "ocds-pp0000"))


def ocid(round_code: str) -> str:
    return f"{prefix()}-{round_code}"


def release(row: OcdsRelease, round_code: str) -> dict:
    """The served release: ocid and id made from the configured prefix, then the stored content."""
    the_ocid = ocid(round_code)
    return {
        "ocid": the_ocid,
        "id": f"{the_ocid}-{row.id}",
        "date": moment_text(row.date),
        "tag": list(row.tag),
        "initiationType": "tender",
        **row.data,
    }


def _base_url() -> str:
    return str(current_app.config.get("PUBLIC_BASE_URL", "")).rstrip("/")


def _publisher() -> dict:
    return {"name": "중소벤처기업부 혁신제품 시범구매 (Ministry of SMEs and Startups, pilot purchase)"}


def package_head(uri: str, published: datetime | None = None) -> dict:
    return {
        "uri": uri,
        "version": VERSION,
        "publishedDate": moment_text(published or utcnow()),
        "publisher": _publisher(),
        "license": LICENSE,
        "publicationPolicy": f"{_base_url()}/open-data",
        "extensions": [LOTS_EXTENSION],  # a round's tracks are its tender's lots
    }


def release_page(since: datetime | None, cursor: int | None, limit: int = RELEASE_PAGE) -> Page:
    """Releases in publication order after `cursor` (a release row id), dated at or after `since`."""
    query = select(OcdsRelease, Round.code).join(Round, Round.id == OcdsRelease.round_id).order_by(OcdsRelease.id)
    if since is not None:
        query = query.where(OcdsRelease.date >= since)
    if cursor is not None:
        query = query.where(OcdsRelease.id > cursor)
    rows = db.session.execute(query.limit(limit + 1)).all()
    items = [release(row, code) for row, code in rows[:limit]]
    return Page(items, rows[limit - 1][0].id if len(rows) > limit else None)


@cache
def _merger() -> ocdsmerge.Merger:
    return ocdsmerge.Merger(json.loads((SCHEMA_DIR / "release-schema.json").read_text()))


def record(round_: Round) -> dict:
    """A round's record: every release, and the compiled release that merges them (ocdsmerge)."""
    rows = db.session.scalars(
        select(OcdsRelease).where(OcdsRelease.round_id == round_.id).order_by(OcdsRelease.id)
    ).all()
    releases = [release(row, round_.code) for row in rows]
    return {
        "ocid": ocid(round_.code),
        "releases": releases,
        "compiledRelease": _merger().create_compiled_release(releases),
    }


def _published_rounds():
    has_release = select(OcdsRelease.round_id).where(OcdsRelease.round_id == Round.id).exists()
    return select(Round).where(has_release).order_by(Round.id)


def record_page(cursor: int | None, limit: int = RECORD_PAGE) -> Page:
    """Records of the rounds that have releases, by round, after `cursor` (a round id)."""
    query = _published_rounds()
    if cursor is not None:
        query = query.where(Round.id > cursor)
    rounds = db.session.scalars(query.limit(limit + 1)).all()
    return Page([record(r) for r in rounds[:limit]], rounds[limit - 1].id if len(rounds) > limit else None)


def record_for(the_ocid: str) -> dict:
    """The record of one contracting process; raises NotFound for an unknown ocid or one with no release."""
    head = prefix() + "-"
    code = the_ocid[len(head) :] if the_ocid.startswith(head) else None
    round_ = db.session.scalar(_published_rounds().where(Round.code == code)) if code else None
    if round_ is None:
        raise NotFound("No contracting process has this ocid.")
    return record(round_)


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)


def has_releases_in(year: int) -> bool:
    start, end = _year_bounds(year)
    found = select(OcdsRelease.id).where(OcdsRelease.date >= start, OcdsRelease.date < end).limit(1)
    return db.session.scalar(found) is not None


def release_years() -> list[int]:
    """The years in which releases were dated (UTC), newest first: one bulk file each (read through the date
    index: the first and last date, then one probe per year between them)."""
    first, last = db.session.execute(select(func.min(OcdsRelease.date), func.max(OcdsRelease.date))).one()
    if first is None or last is None:
        return []
    span = range(last.astimezone(UTC).year, first.astimezone(UTC).year - 1, -1)
    return [year for year in span if has_releases_in(year)]


def bulk_year(year: int, uri: str) -> Iterator[str]:
    """A release package of every release dated in `year` (UTC), as JSON text in pieces: rows are read in
    batches by id, so memory stays flat however many there are."""
    start, end = _year_bounds(year)
    head = json.dumps(package_head(uri), ensure_ascii=False)
    yield head[:-1] + ', "releases": ['
    cursor, first = 0, True
    while True:
        rows = db.session.execute(
            select(OcdsRelease, Round.code)
            .join(Round, Round.id == OcdsRelease.round_id)
            .where(OcdsRelease.date >= start, OcdsRelease.date < end, OcdsRelease.id > cursor)
            .order_by(OcdsRelease.id)
            .limit(BULK_BATCH)
        ).all()
        if not rows:
            break
        for row, code in rows:
            yield ("" if first else ",") + json.dumps(release(row, code), ensure_ascii=False)
            first = False
        cursor = rows[-1][0].id
        db.session.expunge_all()
    yield "]}"
