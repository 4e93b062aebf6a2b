"""Certificate verification for anyone: status by serial; the facts with the code or the PDF's exact bytes."""

from __future__ import annotations

from flask import current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..domain.reference import AUDIT_ACTIONS
from ..forms import attach_error, rerender
from ..i18n import at_kst
from ..rate_limits import verification_attempts
from ..services import relief_verification
from .forms import CodeForm, LookupForm, UploadForm
from .views import bp

PDF_MAGIC = b"%PDF-"


@bp.get("/verify")
def verify_lookup():
    """A box for the serial (and code), one to upload a PDF; a typed serial goes to its page."""
    form = LookupForm(request.args)
    serial = relief_verification.normalized_serial(form.serial.data or "")
    if serial:
        if not form.validate():
            return rerender("public/verify_lookup.html", 400, form=form, upload=UploadForm())
        if relief_verification.exists(serial):
            return redirect(url_for("public.verify", serial=serial, code=(form.code.data or "").strip() or None))
        return _unknown(serial, form)
    return render_template("public/verify_lookup.html", form=form, upload=UploadForm())


def _unknown(serial: str, form: LookupForm | None = None):
    form = form or LookupForm(data={"serial": serial[:30]})
    attach_error(form, "serial", _("No certificate has the serial number %(serial)s.", serial=serial[:30]))
    return rerender("public/verify_lookup.html", 404, form=form, upload=UploadForm())


@bp.get("/verify/<serial>")
@verification_attempts
def verify(serial: str):
    """The certificate's status, issue date and institution; its facts with the right ?code=."""
    code = request.args.get("code", "")[:100]  # any text: what is not the code is refused as a wrong one
    result = relief_verification.verify(serial, code=code)
    if result is None:
        return _unknown(relief_verification.normalized_serial(serial))
    g.verification_refused = result.code_refused
    return _page(result, code_form=CodeForm(data={"code": code[:40]}) if result.code_refused else None)


def _page(result, *, code_form=None, upload=None, upload_matches=None, status=200):
    upload = upload or UploadForm(data={"serial": result.certificate.serial})
    return render_template(
        "public/verify.html",
        v=result,
        f=result.facts,
        upload=upload,
        at_kst=at_kst,
        audit_actions=AUDIT_ACTIONS,
        code_form=code_form or CodeForm(formdata=None),
        upload_matches=upload_matches,
    ), status


@bp.post("/verify/upload")
@verification_attempts
def verify_upload():
    """Compare an uploaded PDF's SHA-256 with the issued one (for the given serial, or any certificate)."""
    form = UploadForm()
    data, error = _read_pdf(form)
    serial = relief_verification.normalized_serial(form.serial.data or "")
    if error:
        attach_error(form, "pdf", error)
        result = relief_verification.verify(serial) if serial else None
        if result is not None:
            return _page(result, upload=form, status=400)
        return rerender("public/verify_lookup.html", 400, form=LookupForm(), upload=form)
    result = relief_verification.verify(serial, pdf=data) if serial else None
    if result is None:  # no serial given, or not ours: the bytes may still be an issued certificate
        found = relief_verification.serial_of_pdf(data)
        result = relief_verification.verify(found, pdf=data) if found is not None else None
        if result is None:
            attach_error(
                form,
                "pdf",
                _("This file is not an audit-relief certificate issued here, or it was changed after it was issued."),
            )
            return rerender("public/verify_lookup.html", 200, form=LookupForm(), upload=form)
    return _page(result, upload_matches=result.proof == "pdf")


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
        return b"", _(
            "The file is larger than %(size)s MB; an issued certificate is much smaller.", size=limit // (1024 * 1024)
        )
    if not data.startswith(PDF_MAGIC):
        return b"", _("The file is not a PDF.")
    return data, None
