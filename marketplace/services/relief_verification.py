"""Verifying an audit-relief certificate: its status for anyone, its facts for whoever proves they hold it.

A serial alone tells whether the certificate exists, its status (valid, superseded by a newer version,
or revoked, with the date), when it was issued and for which institution. The facts need the
verification code printed beside the serial (or in the QR code), or the PDF itself, byte for byte: the
one in the language it was issued in or its rendition in the other (the same facts, each PDF with its
own SHA-256). Every look also checks the stored record against its fingerprints: the SHA-256 of the
facts and of each PDF, and the hashes and statuses the hash-chained audit trail recorded when it was
issued, superseded or revoked. A record that does not match is never reported as valid.
"""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import aliased, undefer

from ..domain.hashing import sha256_hex
from ..domain.relief import code_matches
from ..domain.states import ReliefStatus
from ..extensions import db
from ..models import AuditEvent, AuditReliefCertificate, Institution, Order, ReliefCertificateRendition

Certificate = AuditReliefCertificate
Rendition = ReliefCertificateRendition
STATUS_EVENTS = {
    "relief_certificate.superseded": ReliefStatus.SUPERSEDED,
    "relief_certificate.revoked": ReliefStatus.REVOKED,
}


@dataclass
class Verification:
    """What the verification page may show about one certificate."""

    certificate: Certificate
    institution: Institution
    superseded_by: Certificate | None = None
    problems: list[str] = field(default_factory=list)  # 'facts', 'pdf', 'trail': what does not match
    proof: str | None = None  # 'code' or 'pdf' when the facts may be shown
    code_refused: bool = False
    pdf_hashes: dict[str, str] = field(default_factory=dict)  # language -> the SHA-256 of its PDF

    @property
    def intact(self) -> bool:
        return not self.problems

    @property
    def facts(self) -> dict | None:
        """The attested facts: only with a proof, and only from a record that matches its fingerprint."""
        if self.proof is None or not self.intact:
            return None
        return json.loads(self.certificate.facts_json)


def normalized_serial(serial: str) -> str:
    return (serial or "").strip().upper()[:40]


def exists(serial: str) -> bool:
    return db.session.scalar(select(Certificate.id).where(Certificate.serial == normalized_serial(serial))) is not None


def verify(serial: str, *, code: str | None = None, pdf: bytes | None = None) -> Verification | None:
    """The certificate with this serial, checked; the facts unlocked by the right code or matching PDF."""
    newer = aliased(Certificate)
    row = db.session.execute(
        select(Certificate, Institution, newer)
        .options(undefer(Certificate.pdf))
        .join(Order, Order.id == Certificate.order_id)
        .join(Institution, Institution.id == Order.institution_id)
        .outerjoin(newer, newer.id == Certificate.superseded_by_id)
        .where(Certificate.serial == normalized_serial(serial))
    ).first()
    if row is None:
        return None
    certificate, institution, superseded_by = row
    renditions = _renditions(certificate)
    result = Verification(
        certificate,
        institution,
        superseded_by,
        problems=integrity_problems(certificate, renditions),
        pdf_hashes=pdf_hashes(certificate, renditions),
    )
    if pdf is not None:
        result.proof = "pdf" if pdf_matches(certificate, pdf, renditions) else None
    elif code:
        result.proof = "code" if code_matches(certificate.verification_code, code) else None
        result.code_refused = result.proof is None
    return result


def _renditions(certificate: Certificate) -> list[Rendition]:
    """The certificate's PDFs in the languages other than the one it was issued in, with their bytes."""
    return list(
        db.session.scalars(
            select(Rendition)
            .options(undefer(Rendition.pdf))
            .where(Rendition.certificate_id == certificate.id)
            .order_by(Rendition.language)
            .execution_options(populate_existing=True)
        )
    )


def pdf_hashes(certificate: Certificate, renditions: list[Rendition]) -> dict[str, str]:
    """The SHA-256 recorded for the certificate's PDF in each language (the issuing language first)."""
    return {certificate.language: certificate.pdf_sha256} | {r.language: r.pdf_sha256 for r in renditions}


def pdf_matches(certificate: Certificate, data: bytes, renditions: list[Rendition] | None = None) -> bool:
    """True when the uploaded bytes are exactly the issued PDF in one of its languages (by SHA-256)."""
    digest = sha256_hex(data)
    hashes = pdf_hashes(certificate, _renditions(certificate) if renditions is None else renditions)
    return any(hmac.compare_digest(digest, recorded) for recorded in hashes.values())


def serial_of_pdf(data: bytes) -> str | None:
    """The serial of the certificate whose issued PDF, in any of its languages, has exactly these bytes."""
    digest = sha256_hex(data)
    own = db.session.scalar(select(Certificate.serial).where(Certificate.pdf_sha256 == digest))
    if own is not None:
        return own
    return db.session.scalar(
        select(Certificate.serial)
        .join(Rendition, Rendition.certificate_id == Certificate.id)
        .where(Rendition.pdf_sha256 == digest)
    )


def integrity_problems(certificate: Certificate, renditions: list[Rendition] | None = None) -> list[str]:
    """What of the stored record does not match its fingerprints (an empty list when all match)."""
    renditions = _renditions(certificate) if renditions is None else renditions
    problems = []
    if not hmac.compare_digest(sha256_hex(certificate.facts_json), certificate.facts_sha256):
        problems.append("facts")
    stored = [(certificate.pdf, certificate.pdf_sha256)] + [(r.pdf, r.pdf_sha256) for r in renditions]
    if not all(hmac.compare_digest(sha256_hex(pdf or b""), recorded) for pdf, recorded in stored):
        problems.append("pdf")
    if not _matches_trail(certificate, pdf_hashes(certificate, renditions)):
        problems.append("trail")
    return problems


def _matches_trail(certificate: Certificate, hashes: dict[str, str]) -> bool:
    """The chained audit events recorded this certificate's hashes when it was issued (every PDF stored for
    it, in each language, among them: one issued before there were two has its own only), and its status
    since."""
    events = db.session.execute(
        select(AuditEvent.action, AuditEvent.after)
        .where(AuditEvent.object_type == "AuditReliefCertificate", AuditEvent.object_id == certificate.id)
        .order_by(AuditEvent.seq)
    ).all()
    issued = [after or {} for action, after in events if action == "relief_certificate.issued"]
    if len(issued) != 1:
        return False
    if not _issue_recorded(certificate, issued[0], hashes):
        return False
    status = ReliefStatus.VALID
    for action, _after in events:
        status = STATUS_EVENTS.get(action, status)
    return status == certificate.status


def _issue_recorded(certificate: Certificate, recorded: dict, hashes: dict[str, str]) -> bool:
    """The issue event's serial and hashes are the stored record's, and it recorded every PDF stored for
    the certificate (a PDF lost since only fails its own upload)."""
    if any(
        key in recorded and recorded[key] != getattr(certificate, key)
        for key in ("pdf_sha256", "facts_sha256", "serial")
    ):
        return False
    by_language = recorded.get("pdf_sha256_by_language", {certificate.language: certificate.pdf_sha256})
    return all(by_language.get(language) == sha256 for language, sha256 in hashes.items())
