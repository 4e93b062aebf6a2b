"""Report documents on paper: a report's template rendered in the report's language, as a PDF."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale

from ..domain.reference import STATUS_LABELS
from .render import render_pdf
from .typeset import keep_words


def render_document(template: str, language: str, **context) -> bytes:
    """The PDF of templates/`template` in `language` (rendered in the pool: raises RenderTimeout)."""
    with force_locale(language):
        html = render_template(template, language=language, status_labels=STATUS_LABELS, **context)
    return render_pdf(keep_words(html), current_app.config)
