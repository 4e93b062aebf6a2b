"""The main menu for each role; entries whose endpoint is not registered are left out."""

from __future__ import annotations

from flask import current_app, g
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from .access import ANONYMOUS, role_of
from .domain import rounds, small_track, tracks
from .domain.errors import N_
from .domain.reference import (
    CATEGORIES,
    CORRECTIVE_CAUSES,
    CORRECTIVE_STATES,
    JOB_KIND_LABELS,
    REMEDY_LABELS,
    ROLE_LABELS,
    STATUS_LABELS,
)
from .domain.states import STATE_ENUMS, UserRole
from .extensions import db
from .i18n import gettext
from .services import notifications

MENU: dict[str, list[tuple[str, str]]] = {
    ANONYMOUS: [
        ("public.catalogue", N_("Product catalogue")),
        ("public.rounds", N_("Rounds and results")),
        ("public.needs_list", N_("Institutions' needs")),
        ("public.verify_lookup", N_("Verify a certificate")),
        ("auth.register", N_("Register a company")),
    ],
    UserRole.SUPPLIER: [
        ("supplier.dashboard", N_("My company")),
        ("supplier.certificates", N_("Certificates")),
        ("supplier.products", N_("Products")),
        ("supplier.applications", N_("Applications")),
        ("public.needs_list", N_("Institutions' needs")),
        ("supplier.orders", N_("Orders")),
        ("supplier.corrective_actions", N_("Corrective actions")),
        ("public.catalogue", N_("Product catalogue")),
    ],
    UserRole.BUYER: [
        ("buyer.dashboard", N_("Quota")),
        ("buyer.selected_products", N_("Selected products")),
        ("buyer.orders", N_("Purchases")),
        ("buyer.needs_list", N_("Needs")),
        ("buyer.reports", N_("Reports")),
        ("public.catalogue", N_("Product catalogue")),
    ],
    UserRole.MINISTRY: [
        ("ministry.dashboard", N_("Overview")),
        ("ministry.companies", N_("Companies")),
        ("ministry.certificates", N_("Certificates")),
        ("ministry.institutions", N_("Institutions")),
        ("ministry.rounds", N_("Rounds")),
        ("ministry.needs_list", N_("Needs")),
        ("ministry.objections_list", N_("Objections")),
        ("ministry.reports", N_("Reports")),
        ("ministry.corrective_actions", N_("Corrective actions")),
        ("ministry.jobs", N_("Background jobs")),
        ("ministry.audit_log", N_("Audit trail")),
    ],
    UserRole.EVALUATOR: [("evaluator.dashboard", N_("Applications to evaluate"))],
}


def main_menu() -> list[tuple[str, str]]:
    registered = current_app.view_functions
    return [(endpoint, gettext(text)) for endpoint, text in MENU[role_of(current_user)] if endpoint in registered]


def role_label(role: str) -> str:
    return gettext(ROLE_LABELS.get(role, role))


def status_label(status: str) -> str:
    return gettext(STATUS_LABELS[status]) if status in STATUS_LABELS else status


def unread_notifications() -> int:
    """The signed-in user's unread notifications, for the header's badge (one COUNT a page; 0 signed out)."""
    if not current_user.is_authenticated:
        return 0
    if "unread_notifications" not in g:
        try:
            g.unread_notifications = notifications.unread_count(current_user.id)
        except SQLAlchemyError:  # an error page drawn while the database fails still renders, without a badge
            db.session.rollback()
            g.unread_notifications = 0
    return g.unread_notifications


def registered_endpoints():
    return current_app.view_functions


def init_app(app) -> None:
    app.jinja_env.globals.update(
        main_menu=main_menu,
        role_label=role_label,
        status_label=status_label,
        registered_endpoints=registered_endpoints,
        unread_notifications=unread_notifications,
    )
    app.jinja_env.globals.update(corrective_causes=CORRECTIVE_CAUSES, corrective_states=CORRECTIVE_STATES)
    # the state enums by name (OrderStatus.PLACED ...): templates compare states with these, never with strings
    app.jinja_env.globals.update({states.__name__: states for states in STATE_ENUMS})
    # the round vocabularies the supplier's, the ministry's and the public round pages label codes with
    app.jinja_env.globals.update(ROUND_REASONS=rounds.REASONS, TIER_LABELS=rounds.TIER_LABELS, CATEGORIES=CATEGORIES)
    app.jinja_env.globals.update(TRACK_LABELS=tracks.TRACK_LABELS, TRACK_QUALIFY_TEXTS=tracks.QUALIFY_TEXTS)
    app.jinja_env.globals.update(SMALL_TRACK_LIMITS=(small_track.RECORD_LIMIT_KRW, small_track.ORDER_CAP_KRW))
    app.jinja_env.globals.update(JOB_KIND_LABELS=JOB_KIND_LABELS)  # the pages that show background jobs
    app.jinja_env.globals.update(REMEDY_LABELS=REMEDY_LABELS)  # objections' remedies
