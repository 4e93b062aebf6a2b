"""Audit-relief certificates on paper: the facts rendered to a one-page PDF with the serial, code and QR code.

Issuing, revoking and verifying are use cases in services/relief_certificates.py and
services/relief_verification.py; the facts come from services/relief_facts.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

from flask import current_app, render_template
from flask_babel import force_locale

from ..domain.hashing import canonical_json, sha256_hex
from ..domain.reference import AUDIT_ACTIONS, AUDIT_OBJECTS, CONTRACT_METHODS
from ..domain.relief import verification_url
from ..i18n import at_kst
from .render import CERTIFICATE_CSS, render_pdf
from .typeset import keep_words


@dataclass(frozen=True)
class Rendered:
    """A certificate ready to store: its canonical facts, their SHA-256 and its PDF in each language
    (language -> bytes, the issuing language first)."""

    facts_json: str
    facts_sha256: str
    pdfs: dict[str, bytes]

    @property
    def pdf(self) -> bytes:
        """The PDF in the issuing language."""
        return next(iter(self.pdfs.values()))


def code_url(serial: str, code: str) -> str:
    """The address in the QR code: the verification page with the code, so scanning shows the facts."""
    return f"{verification_url(current_app.config['PUBLIC_BASE_URL'], serial)}?code={quote(code)}"


def qr_svg(url: str) -> str:
    """The QR code of `url` as inline SVG (segno escapes nothing here: the URL is ours, not user text)."""
    import segno

    return segno.make(url, error="m").svg_inline(scale=3, border=2, omitsize=True)


def certificate_html(facts: dict, facts_sha256: str, code: str, language: str) -> str:
    """The certificate's HTML in `language`, its lines breaking only where print allows (typeset.py)."""
    with force_locale(language):
        return keep_words(
            render_template(
                "reports/certificate.html",
                f=facts,
                facts_sha256=facts_sha256,
                code=code,
                qr=qr_svg(code_url(facts["serial"], code)),
                language=language,
                at=at_kst,
                contract_methods=CONTRACT_METHODS,
                audit_actions=AUDIT_ACTIONS,
                audit_objects=AUDIT_OBJECTS,
            )
        )


def render(facts: dict, code: str, languages: Sequence[str]) -> Rendered:
    """The canonical facts, their hash and a PDF that prints them in each of `languages` (the same facts,
    serial and code in each; ~0.1 s a language)."""
    facts_json = canonical_json(facts)
    facts_sha256 = sha256_hex(facts_json)
    pdfs = {
        language: render_pdf(
            certificate_html(facts, facts_sha256, code, language),
            current_app.config,
            pooled=False,
            stylesheet=CERTIFICATE_CSS,
        )
        for language in languages
    }
    return Rendered(facts_json, facts_sha256, pdfs)
