"""The supplier's product pages: list, new, edit, list publicly and delist."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain.errors import DomainError, NotFound
from ..domain.states import ProductStatus
from ..forms import attach_error, rerender
from ..i18n import domain_message
from ..services import products
from ..services.clock import seoul_today
from .forms import ProductForm
from .views import bp


def _input(form: ProductForm) -> products.ProductInput:
    return products.ProductInput(
        name_ko=form.name_ko.data,
        name_en=form.name_en.data or "",
        model=form.model.data or "",
        description=form.description.data or "",
        specification=form.specification.data or "",
        category=form.category.data,
        unit_price_krw=form.unit_price_krw.krw,
        unit=form.unit.data,
        certificate_ids=list(form.certificate_ids.data or []),
    )


@bp.get("/products", endpoint="products")
def products_list():
    """The company's products, their status and whether the public sees them today."""
    today = seoul_today()
    rows = products.supplier_products(current_user)
    return render_template(
        "supplier/products.html", products=rows, public={p.id for p in rows if products.is_public(p, today)}
    )


@bp.route("/products/new", methods=["GET", "POST"])
def new_product():
    """Add a product as a draft."""
    form = ProductForm(products.linkable_certificates(current_user))
    if not form.validate_on_submit():
        return rerender("supplier/product_form.html", 400 if form.is_submitted() else 200, form=form, product=None)
    try:
        product = products.create_product(current_user, _input(form))
    except DomainError as error:
        attach_error(form, None, error)
        return rerender("supplier/product_form.html", form=form, product=None)
    flash(_("The product was saved as a draft."), "success")
    return redirect(url_for("supplier.edit_product", product_id=product.id))


@bp.route("/products/<int:product_id>/edit", methods=["GET", "POST"])
def edit_product(product_id: int):
    """Edit a product of the company, and list or delist it."""
    product = products.own_product(current_user, product_id)
    form = ProductForm(products.linkable_certificates(current_user), obj=product)
    if not form.is_submitted():
        form.unit_price_krw.data = str(product.unit_price_krw)
        form.certificate_ids.data = [c.id for c in product.certificates]
        return render_template("supplier/product_form.html", form=form, product=product)
    if not form.validate():
        return rerender("supplier/product_form.html", form=form, product=product)
    try:
        products.update_product(current_user, product_id, _input(form))
    except DomainError as error:
        attach_error(form, None, error)
        return rerender("supplier/product_form.html", form=form, product=product)
    flash(_("The product was saved."), "success")
    return redirect(url_for("supplier.edit_product", product_id=product_id))


@bp.post("/products/<int:product_id>/status")
def product_status(product_id: int):
    """List or delist a product; listing is refused with the reason when the rule is not met."""
    try:
        product = products.change_product_status(
            current_user, product_id, request.form.get("action", ""), seoul_today()
        )
    except NotFound:
        raise
    except DomainError as error:
        product = products.own_product(current_user, product_id)
        form = ProductForm(products.linkable_certificates(current_user), obj=product, formdata=None)
        form.certificate_ids.data = [c.id for c in product.certificates]
        return rerender("supplier/product_form.html", form=form, product=product, status_error=domain_message(error))
    flash(
        _("The product is now listed.") if product.status == ProductStatus.LISTED else _("The product was delisted."),
        "success",
    )
    return redirect(url_for("supplier.products"))
