"""Who may use which endpoint: the one table, and the hook that enforces it.

Every endpoint must appear here; tests/functional/test_access.py walks app.url_map and fails for an
endpoint without a declaration. Object-level checks (supplier A vs supplier B) live in the services.
"""

from __future__ import annotations

from flask import abort, jsonify, redirect, request, url_for
from flask_login import current_user

from .domain.states import UserRole

ANONYMOUS = "anonymous"  # the role of whoever has not signed in (never stored)
ANYONE = frozenset({ANONYMOUS, *UserRole})
SIGNED_IN = frozenset(UserRole)
SUPPLIER = frozenset({UserRole.SUPPLIER})
BUYER = frozenset({UserRole.BUYER})
MINISTRY = frozenset({UserRole.MINISTRY})
EVALUATOR = frozenset({UserRole.EVALUATOR})
BUYER_OR_MINISTRY = frozenset({UserRole.BUYER, UserRole.MINISTRY})
ANONYMOUS_ONLY = frozenset({ANONYMOUS})

ACCESS: dict[str, frozenset[str]] = {
    # --- infrastructure
    "static": ANYONE,
    "health": ANYONE,
    # --- auth
    "auth.login": ANYONE,
    "auth.second_factor": ANYONE,  # the half-done sign-in in the session is the credential
    "auth.enrol_two_factor": ANYONE,  # signed in, or half-way through signing in (the view checks)
    "auth.logout": SIGNED_IN,
    "auth.account": SIGNED_IN,
    "auth.change_password": SIGNED_IN,
    "public.set_language": ANYONE,
    "auth.register": ANYONE,  # signed-in users are sent to their home page
    # --- public
    "public.index": ANYONE,
    "public.catalogue": ANYONE,
    "public.open_data": ANYONE,
    "public.ocds_releases": ANYONE,
    "public.ocds_records": ANYONE,
    "public.ocds_record": ANYONE,
    "public.ocds_bulk": ANYONE,
    "public.product": ANYONE,
    "public.supplier": ANYONE,
    "public.audit_chain": ANYONE,
    "public.privacy": ANYONE,
    "public.terms": ANYONE,
    # --- supplier
    "supplier.dashboard": SUPPLIER,
    "supplier.company": SUPPLIER,
    "supplier.certificates": SUPPLIER,
    "supplier.new_certificate": SUPPLIER,
    "supplier.certificate_file": frozenset({UserRole.SUPPLIER, UserRole.MINISTRY}),  # own company's only (service)
    "supplier.delete_certificate": SUPPLIER,  # own company's only (service)
    "supplier.products": SUPPLIER,
    "supplier.new_product": SUPPLIER,
    "supplier.edit_product": SUPPLIER,
    "supplier.product_status": SUPPLIER,
    # --- ministry
    "ministry.dashboard": MINISTRY,
    "ministry.companies": MINISTRY,
    "ministry.company": MINISTRY,
    "ministry.decide_company": MINISTRY,
    "ministry.edit_company": MINISTRY,
    "ministry.confirm_supply_record": MINISTRY,
    "ministry.certificates": MINISTRY,
    "ministry.decide_certificate": MINISTRY,
    "ministry.audit_log": MINISTRY,
    # --- rounds
    "public.rounds": ANYONE,
    "public.round": ANYONE,
    "public.round_manifest": ANYONE,
    "public.round_result": ANYONE,
    "public.draw_method": ANYONE,
    "ministry.rounds": MINISTRY,
    "ministry.new_round": MINISTRY,
    "ministry.edit_round": MINISTRY,
    "ministry.round_tracks": MINISTRY,
    "ministry.round": MINISTRY,
    "ministry.open_round": MINISTRY,
    "ministry.delete_round": MINISTRY,
    "ministry.close_round": MINISTRY,
    "ministry.score_application": MINISTRY,
    "ministry.freeze_pool": MINISTRY,
    "ministry.announce_seed_event": MINISTRY,
    "ministry.run_draw": MINISTRY,
    "ministry.publish_round": MINISTRY,
    "ministry.move_allocation": MINISTRY,
    "ministry.refill_allocation": MINISTRY,
    "supplier.applications": SUPPLIER,
    "supplier.apply": SUPPLIER,
    "supplier.small_track_page": SUPPLIER,
    "supplier.application": SUPPLIER,  # own company's only (service)
    "supplier.edit_application": SUPPLIER,
    "supplier.withdraw_application": SUPPLIER,
    # --- questions during a round
    "supplier.ask_question": SUPPLIER,
    "supplier.question": SUPPLIER,  # own company's only (service)
    "ministry.round_questions": MINISTRY,
    "ministry.answer_question": MINISTRY,
    # --- objections to a round's published result
    "public.round_result_version": ANYONE,
    "supplier.object_to_result": SUPPLIER,  # own company's application only (service)
    "supplier.objection": SUPPLIER,  # own company's only (service)
    "ministry.objections_list": MINISTRY,
    "ministry.objection": MINISTRY,
    "ministry.decide_objection": MINISTRY,
    "ministry.record_remedy": MINISTRY,
    "ministry.objection_document": MINISTRY,
    "ministry.run_redraw": MINISTRY,
    "public.redraw_manifest": ANYONE,
    "public.redraw_result": ANYONE,
    # --- the demand-driven track: needs, proposals, shortlist, selection
    "public.needs_list": ANYONE,
    "public.need": ANYONE,
    "buyer.needs_list": BUYER,
    "buyer.new_need": BUYER,
    "buyer.need": BUYER,  # own institution's only (service)
    "buyer.send_shortlist": BUYER,  # own institution's only (service)
    "buyer.withdraw_need": BUYER,  # own institution's only (service)
    "supplier.propose": SUPPLIER,
    "supplier.withdraw_proposal": SUPPLIER,  # own company's only (service)
    "ministry.needs_list": MINISTRY,
    "ministry.need": MINISTRY,
    "ministry.select_need": MINISTRY,
    # --- quotas and orders
    "buyer.dashboard": BUYER,
    "buyer.selected_products": BUYER,
    "buyer.record_purchase": BUYER,
    "buyer.orders": BUYER,
    "buyer.order_detail": BUYER,  # own institution's only (service)
    "buyer.deliver_order": BUYER,
    "buyer.inspect_order": BUYER,
    "buyer.cancel_order": BUYER,
    "buyer.evaluate_order": BUYER,
    "supplier.orders": SUPPLIER,  # own company's products only (service)
    "ministry.institutions": MINISTRY,
    "ministry.new_institution": MINISTRY,
    "ministry.institution": MINISTRY,
    "ministry.edit_institution": MINISTRY,
    "ministry.invite_buyer": MINISTRY,
    "ministry.new_mou": MINISTRY,
    "ministry.mou": MINISTRY,
    "ministry.amend_mou": MINISTRY,
    "ministry.join_requests": MINISTRY,
    "ministry.approve_join": MINISTRY,
    "ministry.decline_join": MINISTRY,
    "auth.set_password": ANYONE,  # the one-time token is the credential
    "public.join_institution": ANYONE,
    # --- reports and verification
    "public.verify_lookup": ANYONE,
    "public.verify": ANYONE,
    "public.verify_upload": ANYONE,
    "buyer.reports": BUYER,
    "buyer.purchase_report": BUYER,
    "buyer.relief_register": BUYER,
    "buyer.report_job": BUYER,  # own jobs only (service)
    "buyer.report_job_file": BUYER,  # own jobs only (service)
    "buyer.certificate_pdf": BUYER,
    "buyer.issue_certificate": BUYER,  # own institution's orders only (service)
    "ministry.reports": MINISTRY,
    "ministry.purchase_report": MINISTRY,
    "ministry.relief_register": MINISTRY,
    "ministry.report_job": MINISTRY,
    "ministry.report_job_file": MINISTRY,
    "ministry.jobs": MINISTRY,
    "ministry.retry_job": MINISTRY,
    "ministry.certificate_pdf": MINISTRY,
    # --- mail
    "auth.forgot_password": ANYONE,
    "auth.reset_password": ANYONE,  # the one-time token is the credential
    "auth.check_mail": ANYONE,
    "auth.confirm_email": ANYONE,  # the one-time token is the credential
    "auth.change_email": SIGNED_IN,
    "auth.mail_language": SIGNED_IN,
    "auth.notifications": SIGNED_IN,
    "auth.mark_notification_read": SIGNED_IN,  # the user's own only (service: another's is 404)
    "auth.mark_all_notifications_read": SIGNED_IN,
    "auth.notification_settings": SIGNED_IN,
    # --- personal information: what is held about me, closing my account
    "auth.my_data": SIGNED_IN,
    "auth.my_data_json": SIGNED_IN,
    "auth.close_account": SIGNED_IN,
    "public.unsubscribe": ANYONE,  # the signed token is the credential (RFC 8058 one-click)
    # --- after the pilot: follow-on purchases and corrective actions
    "buyer.record_follow_on": BUYER,  # own institution's completed orders only (service)
    "buyer.cancel_follow_on": BUYER,  # own institution's follow-on purchases only (service)
    "buyer.follow_on_list": BUYER,
    "supplier.follow_ons": SUPPLIER,  # own company's products only (service)
    "supplier.corrective_actions": SUPPLIER,
    "supplier.corrective_action": SUPPLIER,  # own company's only (service)
    "ministry.follow_ons": MINISTRY,
    "ministry.corrective_actions": MINISTRY,
    "ministry.corrective_action": MINISTRY,
    "ministry.decide_corrective_action": MINISTRY,
    # --- the evaluation committee of a round
    "ministry.round_committee": MINISTRY,
    "ministry.name_committee_member": MINISTRY,
    "ministry.remove_committee_member": MINISTRY,
    "ministry.assign_committee_member": MINISTRY,
    "ministry.unassign_committee_member": MINISTRY,
    "ministry.finalise_committee_scores": MINISTRY,
    "ministry.committee_minutes": MINISTRY,
    "evaluator.dashboard": EVALUATOR,
    "evaluator.application": EVALUATOR,  # own assignments only (service: any other id is 404)
    "evaluator.declare": EVALUATOR,
    "evaluator.recuse": EVALUATOR,
    "evaluator.score": EVALUATOR,
    # --- development only: registered with the debugger or DEV_PAGES, never in production
    "dev.mails": ANYONE,
    "dev.mail": ANYONE,
    "dev.mail_html": ANYONE,
    # --- exports (CSV and Excel of the lists; the same rules as the list pages)
    "public.catalogue_export": ANYONE,
    "public.round_result_export": ANYONE,
    "buyer.orders_export": BUYER,  # own institution's orders only (the view passes it)
    "buyer.relief_register_export": BUYER,  # own institution's register only (report_pages)
    "buyer.purchase_report_tracks_export": BUYER,  # own institution's figures only (report_pages)
    "ministry.orders_export": MINISTRY,
    "ministry.mou_ledger_export": MINISTRY,
    "ministry.audit_log_export": MINISTRY,
    "ministry.relief_register_export": MINISTRY,
    "ministry.purchase_report_tracks_export": MINISTRY,
    "ministry.round_outcomes_export": MINISTRY,
    # --- API tokens (account page)
    "auth.api_tokens": BUYER_OR_MINISTRY,
    "auth.create_api_token": BUYER_OR_MINISTRY,
    "auth.revoke_api_token": BUYER_OR_MINISTRY,
}

# The JSON API (/api/v1) never reads the session: its blueprint authenticates by Bearer token (api/auth.py)
# against this table of its own, and a session's role does not matter there (every API endpoint is ANYONE
# in ACCESS). A token acts with its user's role (a buyer: own institution only; ministry: read all).
API_PUBLIC = "public"
API_READ = "token-read"  # any live token of a buyer or ministry user
API_WRITE = "token-write"  # a live token with the write scope
API_ACCESS: dict[str, str] = {
    "api.openapi": API_PUBLIC,
    "api.docs": API_PUBLIC,
    "api.products": API_PUBLIC,
    "api.product": API_PUBLIC,
    "api.supplier": API_PUBLIC,
    "api.rounds": API_PUBLIC,
    "api.round_": API_PUBLIC,
    "api.needs_list": API_PUBLIC,
    "api.need": API_PUBLIC,
    "api.verify": API_PUBLIC,
    "api.me": API_READ,
    "api.mous": API_READ,
    "api.allocations": API_READ,
    "api.order_list": API_READ,
    "api.order_detail": API_READ,
    "api.place_order": API_WRITE,
}
ACCESS.update(dict.fromkeys(API_ACCESS, ANYONE))


def role_of(user) -> str:
    return user.role if getattr(user, "is_authenticated", False) else ANONYMOUS


def enforce_access():
    """before_request: refuse endpoints not declared, send anonymous users to log in, 403 others."""
    endpoint = request.endpoint
    if endpoint is None:
        return None  # 404/405 follow
    if request.blueprint == "api":
        return None  # the API checks its token against API_ACCESS (api/auth.py), never the session
    allowed = ACCESS.get(endpoint)
    if allowed is None:
        abort(403)
    role = role_of(current_user)
    if role in allowed:
        return None
    if role == ANONYMOUS:
        if request.accept_mimetypes.best == "application/json":
            return jsonify(error="login required"), 401
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    abort(403)
