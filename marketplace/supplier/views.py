"""The supplier's pages: company, certificates, products."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("supplier", __name__, url_prefix="/supplier")


@bp.get("/")
def dashboard():
    """The supplier's overview: company status, certificates, products."""
    return render_template("supplier/dashboard.html")
