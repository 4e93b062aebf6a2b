"""The public page of the audit trail's daily chain heads."""

from __future__ import annotations

from flask import render_template

from ..services.chains import chain_length, daily_heads
from .views import bp


@bp.get("/audit-chain")
def audit_chain():
    """Each day's last audit-chain link (sequence number and hash), so anyone can keep them."""
    return render_template("public/audit_chain.html", heads=daily_heads(), length=chain_length())
