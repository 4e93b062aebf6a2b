"""Certificate verification for anyone: by serial number, and by uploading the PDF to compare its bytes."""

from __future__ import annotations

import json

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..forms import attach_error, rerender
from ..rate_limits import per_client
from ..reports import certificates
from ..reports.forms import LookupForm, UploadForm
from .views import bp

PDF_MAGIC = b"%PDF-"


@bp.get("/verify")
def verify_lookup():
    """A box to type a serial number (and one to upload a PDF); a typed serial goes to its page."""
    form = LookupForm(request.args)
    serial = (form.serial.data or "").strip().upper()
    if serial:
        if certificates.find_by_serial(serial) is not None:
            return redirect(url_for("public.verify", serial=serial))
        attach_error(form, "serial", _("No certificate has the serial number %(serial)s.", serial=serial))
        return rerender("public/verify_lookup.html", 404, form=form, upload=UploadForm())
    return render_template("public/verify_lookup.html", form=form, upload=UploadForm())


@bp.get("/verify/<serial>")
def verify(serial: str):
    """The certificate's facts and status (valid, or revoked with the date), with the upload box."""
    certificate = certificates.find_by_serial(serial)
    if certificate is None:
        form = LookupForm(data={"serial": serial[:30]})
        attach_error(form, "serial",
                     _("No certificate has the serial number %(serial)s.", serial=serial[:30]))
        return rerender("public/verify_lookup.html", 404, form=form, upload=UploadForm())
    return _page(certificate, UploadForm(data={"serial": certificate.serial}))


def _page(certificate, upload, result=None, status=200):
    facts = json.loads(certificate.facts_json)
    return render_template("public/verify.html", c=certificate, f=facts, upload=upload, result=result), status


@bp.post("/verify/upload")
@per_client("RATELIMIT_UPLOADS")
def verify_upload():
    """Compare an uploaded PDF's SHA-256 with the issued one (for the given serial, or any certificate)."""
    form = UploadForm()
    data, error = _read_pdf(form)
    serial = (form.serial.data or "").strip().upper()
    certificate = certificates.find_by_serial(serial) if serial else None
    if error:
        attach_error(form, "pdf", error)
        if certificate is not None:
            return _page(certificate, form, status=400)
        return rerender("public/verify_lookup.html", 400, form=LookupForm(), upload=form)
    if certificate is None:
        certificate = certificates.find_by_pdf(data)
        if certificate is None:
            attach_error(form, "pdf", _("This file is not an audit-relief certificate issued here, "
                                        "or it was changed after it was issued."))
            return rerender("public/verify_lookup.html", 200, form=LookupForm(), upload=form)
    matches = certificates.pdf_matches(certificate, data)
    return _page(certificate, UploadForm(data={"serial": certificate.serial}), result=matches)


def _read_pdf(form) -> tuple[bytes, str | None]:
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            return b"", _("The form expired. Reload the page and try again.")
        return b"", _("Check the serial number.")
    upload = request.files.get(form.pdf.name)
    if upload is None or not upload.filename:
        return b"", _("Choose the PDF file to check.")
    limit = current_app.config.get("VERIFY_MAX_BYTES", 5 * 1024 * 1024)
    data = upload.read(limit + 1)
    if len(data) > limit:
        return b"", _("The file is larger than %(size)s MB; an issued certificate is much smaller.",
                      size=limit // (1024 * 1024))
    if not data.startswith(PDF_MAGIC):
        return b"", _("The file is not a PDF.")
    return data, None
