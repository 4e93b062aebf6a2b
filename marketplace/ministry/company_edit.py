"""Ministry staff correct a company's profile: the supplier cannot once it is approved."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain.errors import DomainError
from ..forms import attach_error, filled, rerender
from ..services import approvals, companies
from ..services.clock import seoul_today
from ..shared_forms import company_input
from .forms import CompanyEditForm
from .views import bp


@bp.route("/companies/<int:company_id>/edit", methods=["GET", "POST"])
def edit_company(company_id: int):
    """Change a company's details with a reason; audited, and a changed supply record is unconfirmed."""
    company = approvals.company_detail(company_id)
    form = CompanyEditForm(obj=company)
    if not form.is_submitted():
        form.public_supply_krw.data = f"{company.public_supply_krw:,}"
        return render_template("ministry/company_form.html", company=company, form=form)
    if not form.validate():
        return rerender("ministry/company_form.html", company=company, form=form)
    try:
        companies.update_company_by_ministry(
            current_user, company_id, company_input(form), filled(form.reason.data), seoul_today()
        )
    except DomainError as error:
        attach_error(form, None, error)
        return rerender("ministry/company_form.html", company=company, form=form)
    flash(_("The company's details were changed."), "success")
    return redirect(url_for("ministry.company", company_id=company_id))
