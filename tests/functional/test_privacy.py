"""Personal information: consent at sign-up, what is held about me, and closing the account."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.access import ACCESS
from marketplace.domain.privacy import KEPT_ON_CLOSE, POLICY_VERSION, SECTION_LABELS, closed_email
from marketplace.extensions import db
from marketplace.models import (
    Institution,
    LoginFailure,
    OneTimeToken,
    OutboxMail,
    PrivacyConsent,
    RecoveryCode,
    User,
)
from marketplace.services import chains, privacy
from marketplace.services.accounts import create_user
from marketplace.services.institutions import invite_buyer
from tests.builders_reports import ReportBuilders
from tests.builders_rounds import RoundBuilders
from tests.builders_supplier import registration_form
from tests.conftest import DEFAULT_PASSWORD, TOTP_SECRET, AuthActions, totp_code
from tests.functional import test_access

EN = {"Accept-Language": "en"}
# the access test's world (one object of each kind, a signed-in user per role), shared as fixtures
world_template = test_access.world_template
world_app = test_access.world_app
NAME = "Zelda Quixote-Park"
EMAIL = "zelda.quixote@inst.example"
# tables that keep what they hold about a closed account (domain/privacy.py KEPT_ON_CLOSE): the PDFs and
# facts of certificates already issued, and the audit trail, whose rows are never rewritten
MAY_STILL_NAME = {"audit_events", "audit_relief_certificates", "relief_certificate_renditions"}


def strings_in_database() -> dict[str, str]:
    """Each table's rows as one lower-cased text, bytes decoded, for a search of the whole database."""
    found = {}
    for table in db.metadata.sorted_tables:
        parts = []
        for row in db.session.execute(select(table)):
            for value in row:
                if isinstance(value, bytes | memoryview):
                    value = bytes(value).decode("utf-8", "ignore")
                parts.append(json.dumps(value, ensure_ascii=False, default=str) if value is not None else "")
        found[table.name] = " ".join(parts).lower()
    return found


def tables_naming(text: str) -> set[str]:
    return {name for name, content in strings_in_database().items() if text.lower() in content}


# --- consent


def test_registration_without_the_required_consent_is_refused_with_a_message_and_saves_nothing(client):
    form = registration_form()
    del form["agree_privacy"]
    response = client.post("/register", data=form, headers=EN)
    assert response.status_code == 400
    assert b"Agree to the collection and use of your personal information" in response.data
    assert db.session.scalar(select(User).where(User.email == form["email"])) is None


def test_registration_stores_the_consent_with_its_version_moment_and_the_optional_choice(client):
    assert client.post("/register", data=registration_form(notifications="y")).status_code == 302
    user = db.session.scalar(select(User).where(User.email == "owner@saessak.example"))
    consent = db.session.scalar(select(PrivacyConsent).where(PrivacyConsent.user_id == user.id))
    assert (consent.policy_version, consent.context, consent.notifications) == (POLICY_VERSION, "registration", True)
    assert consent.given_at is not None and user.notifications_off is False


def test_notification_mail_is_off_unless_the_optional_box_is_ticked(client):
    assert client.post("/register", data=registration_form()).status_code == 302
    user = db.session.scalar(select(User).where(User.email == "owner@saessak.example"))
    assert user.notifications_off is True
    consent = db.session.scalar(select(PrivacyConsent).where(PrivacyConsent.user_id == user.id))
    assert consent.notifications is False


def test_the_registration_form_names_purpose_items_and_retention(client):
    page = client.get("/register", headers=EN).get_data(as_text=True)
    for words in ("Purpose", "business registration number", "five years after the end of the fiscal year"):
        assert words in page
    assert 'href="/privacy"' in page and 'href="/terms"' in page


def test_an_invited_buyer_must_consent_to_set_the_password_and_the_consent_is_kept(client, make):
    ministry = make.user("ministry")
    institution = make.institution()
    user, token = invite_buyer(ministry, institution.id, "invited@inst.example", "Invited Person")
    form = {"name": "Invited Person", "new": "a long passphrase 42", "confirm": "a long passphrase 42"}
    refused = client.post(f"/set-password/{token}", data=form, headers=EN)
    assert refused.status_code == 400 and b"Agree to the terms of use" in refused.data
    accepted = client.post(f"/set-password/{token}", data=dict(form, agree_terms="y", agree_privacy="y"))
    assert accepted.status_code == 302
    consent = db.session.scalar(select(PrivacyConsent).where(PrivacyConsent.user_id == user.id))
    assert (consent.context, consent.notifications) == ("invitation", False)


# --- what is held about me


def test_the_download_has_a_labelled_section_for_every_column_that_refers_to_a_user(app, make):
    user = make.user("supplier")
    data = privacy.personal_data(user.id)
    links = {f"{table.name}.{column.name}" for table, column in privacy.user_links()}
    assert links <= data["sections"].keys()
    assert set(data["sections"]) <= set(SECTION_LABELS)
    assert links | {"account", "audit_events.about_account", "company", "institution"} == set(SECTION_LABELS)


def test_the_download_holds_every_column_of_the_account_and_the_rows_that_refer_to_it(auth, client, make):
    user = make.user("buyer", name=NAME, email=EMAIL)
    order = ReportBuilders(make).purchase(buyer=user)
    auth.login(user)
    response = client.get("/account/data.json")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)["sections"]
    account = data["account"][0]
    assert set(account) == {column.name for column in User.__table__.columns}
    assert account["email"] == EMAIL and account["name"] == NAME
    assert account["password_hash"] == privacy.WITHHELD_TEXT  # named, not shown
    assert [row["id"] for row in data["orders.buyer_id"]] == [order.id]
    assert any(row["action"] == "user.login" for row in data["audit_events.actor_id"])
    assert data["institution"][0]["id"] == user.institution_id


def test_the_readable_page_shows_the_same_sections(auth, client, make):
    user = make.user("supplier", name=NAME)
    auth.login(user)
    page = client.get("/account/data", headers=EN).get_data(as_text=True)
    assert NAME in page and "Your consents" in page and "Failed sign-ins" in page and "/account/data.json" in page
    assert "(held, not shown: a secret or a file)" in page  # the password hash's place
    korean = client.get("/account/data", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert "보유 중이나 표시하지 않음" in korean and "동의 기록" in korean


# --- closing the account


@pytest.fixture
def buyer_with_history(app, make):
    """A buyer named everywhere the service can name a person: invitation link and mail, a request to
    join, sign-in failures, recovery codes, an order, an issued certificate and audit events."""
    ministry = make.user("ministry")
    institution = make.institution(contact_name=NAME, contact_email=EMAIL)
    user, _token = invite_buyer(ministry, institution.id, EMAIL, NAME)
    user.password_hash = make.user("buyer").password_hash
    user.email_confirmed_at = user.created_at
    db.session.add(LoginFailure(user_id=user.id, client="203.0.113.9", failures=2))
    db.session.add(RecoveryCode(user_id=user.id, code_sha256="c" * 64))
    user.pending_email = f"new.{EMAIL}"  # an address change waiting for its link
    db.session.add(
        OneTimeToken(
            token_sha256="d" * 64,
            purpose="confirm_email",
            user_id=user.id,
            expires_at=user.created_at + timedelta(days=1),
            email=user.pending_email,
        )
    )
    db.session.commit()
    reports = ReportBuilders(make)
    order = reports.purchase(buyer=user)
    certificate = reports.relief_certificate(order)
    return db.session.get(User, user.id), certificate


def test_closing_removes_the_person_everywhere_but_the_records_the_program_must_keep(auth, client, buyer_with_history):
    user, certificate = buyer_with_history
    before = tables_naming(EMAIL) | tables_naming(NAME)
    assert {"users", "one_time_tokens", "outbox_mails", "institutions"} <= before  # the search finds them
    auth.login(user)
    response = client.post("/account/close", data={"password": DEFAULT_PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    assert tables_naming(EMAIL) - MAY_STILL_NAME == set()
    assert tables_naming(NAME) - MAY_STILL_NAME == set()
    closed = db.session.get(User, user.id)
    assert closed.email == closed_email(user.id) and closed.closed_at is not None and not closed.active
    for model in (OneTimeToken, LoginFailure, RecoveryCode):
        assert db.session.scalars(select(model).where(model.user_id == user.id)).all() == []
    assert db.session.scalars(select(OutboxMail).where(OutboxMail.user_id == user.id)).all() == []
    assert db.session.get(Institution, user.institution_id).code  # the institution itself stays


def test_closing_removes_the_notifications_and_revokes_the_api_tokens(auth, client, make):
    from marketplace.database import begin_write
    from marketplace.models import ApiToken, Notification, NotificationPreference
    from marketplace.services.api_tokens import authenticate, create_token
    from marketplace.services.notifications import notify

    user = make.user("buyer")
    made = create_token(user, "ERP", "read", 30)
    begin_write()
    notify(user, "quota_low", "privacy-test", {"mou": "M-1", "left": 1, "percent": 10})
    db.session.add(NotificationPreference(user_id=user.id, kind="quota_low", in_app=True, mail=False))
    db.session.commit()
    assert authenticate(made.secret) is not None
    auth.login(user)
    assert client.post("/account/close", data={"password": DEFAULT_PASSWORD, "confirm": "y"}).status_code == 302
    assert db.session.scalars(select(Notification).where(Notification.recipient_id == user.id)).all() == []
    assert (
        db.session.scalars(select(NotificationPreference).where(NotificationPreference.user_id == user.id)).all() == []
    )
    token = db.session.get(ApiToken, made.token.id, populate_existing=True)
    assert token.revoked_at is not None and authenticate(made.secret) is None


def test_after_closing_certificates_still_verify_and_both_chains_are_intact(auth, client, runner, buyer_with_history):
    user, certificate = buyer_with_history
    auth.login(user)
    assert client.post("/account/close", data={"password": DEFAULT_PASSWORD, "confirm": "y"}).status_code == 302
    assert chains.verify_chain("audit").intact and chains.verify_chain("ledger").intact
    verified = runner.invoke(args=["audit", "verify"])
    assert verified.exit_code == 0 and "INTACT audit" in verified.output and "BROKEN" not in verified.output
    page = client.get(f"/verify/{certificate.serial}", query_string={"code": certificate.verification_code})
    assert page.status_code == 200 and certificate.facts_sha256.encode() in page.data


def test_closing_ends_every_session_and_refuses_sign_in_and_frees_the_address(
    app, auth, client, buyer_with_history, sign_in_clock
):
    user, _certificate = buyer_with_history
    other = app.test_client()
    assert AuthActions(other, sign_in_clock).login(user).status_code == 302
    assert other.get("/account").status_code == 200
    auth.login(user)
    assert client.post("/account/close", data={"password": DEFAULT_PASSWORD, "confirm": "y"}).status_code == 302
    assert other.get("/account").status_code == 302  # the other browser's session ended too
    assert client.get("/account").status_code == 302
    refused = AuthActions(app.test_client(), sign_in_clock).login(EMAIL)
    assert refused.status_code == 400
    again = create_user(email=EMAIL, name="Someone New", role="buyer", password="a long passphrase 42")
    assert again.id != user.id


def test_closing_needs_the_password_and_says_so(auth, client, make):
    user = make.user("supplier")
    auth.login(user)
    response = client.post("/account/close", data={"password": "not the password", "confirm": "y"}, headers=EN)
    assert response.status_code == 400 and b"The password or the code is not correct." in response.data
    assert db.session.get(User, user.id).closed_at is None
    assert client.post("/account/close", data={"password": DEFAULT_PASSWORD}).status_code == 400  # no tick


def test_with_two_step_sign_in_closing_needs_a_fresh_code_too(auth, client, make, sign_in_clock):
    user = make.user("supplier", totp_secret=TOTP_SECRET)
    auth.login(user)
    form = {"password": DEFAULT_PASSWORD, "confirm": "y"}
    assert client.post("/account/close", data=form).status_code == 400
    sign_in_clock.advance(seconds=60)
    assert client.post("/account/close", data=dict(form, code=totp_code(sign_in_clock))).status_code == 302
    assert db.session.get(User, user.id).closed_at is not None


def test_the_last_user_of_a_company_with_an_open_application_cannot_close(auth, client, make):
    user = make.user("supplier")
    rounds = RoundBuilders(make)
    rounds.application(rounds.round(), make.product(user.company))
    auth.login(user)
    response = client.post("/account/close", data={"password": DEFAULT_PASSWORD, "confirm": "y"}, headers=EN)
    assert response.status_code == 400 and b"last user of your company" in response.data
    colleague = make.user("supplier", company=user.company)
    assert colleague.company_id == user.company_id
    assert client.post("/account/close", data={"password": DEFAULT_PASSWORD, "confirm": "y"}).status_code == 302


def test_the_close_page_says_what_is_removed_and_what_is_kept_and_why(auth, client, make):
    auth.login(make.user("buyer"))
    page = client.get("/account/close", headers=EN).get_data(as_text=True)
    assert "Public Records Act" in page and "hash chain" in page and "audit-relief certificates" in page
    assert set(KEPT_ON_CLOSE) >= {"orders", "audit_events", "audit_relief_certificates"}


# --- the policy pages


@pytest.mark.parametrize("path", ["/privacy", "/terms"])
def test_the_policies_are_public_in_both_languages_with_version_and_effective_date(client, path):
    korean = client.get(path, headers={"Accept-Language": "ko"}).get_data(as_text=True)
    english = client.get(path, headers=EN).get_data(as_text=True)
    assert POLICY_VERSION in korean and POLICY_VERSION in english
    assert "국가재정법" in korean or path == "/terms"
    assert "Korean text is authoritative" in english


def test_the_privacy_policy_names_controller_items_retention_processor_rights_and_officer(client):
    page = client.get("/privacy", headers=EN).get_data(as_text=True)
    for words in (
        "Ministry of SMEs and Startups",
        "business registration number",
        "five years after the end of the fiscal year",
        "Mail delivery is entrusted",
        "see and download everything",
        "Privacy officer",
        "names of selected companies",
    ):
        assert words in page, words


# --- every page links both policies in its footer


@pytest.mark.parametrize("role", ["anonymous", "supplier", "buyer", "ministry"])
def test_every_html_page_links_the_privacy_policy_and_the_terms_in_its_footer(
    world_app, world_template, sign_in_clock, role
):
    world = world_template[1]
    client = world_app.test_client()
    if role != "anonymous":
        assert AuthActions(client, sign_in_clock).login(getattr(world, role)).status_code == 302
    seen = 0
    for rule in test_access.RULES:
        if "GET" not in rule.methods or role not in ACCESS.get(rule.endpoint, ()) or rule.endpoint == "auth.logout":
            continue
        response = client.get(world.url_for(rule))
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        footer = response.get_data(as_text=True).rpartition("<footer")[2]
        assert 'href="/privacy"' in footer and 'href="/terms"' in footer, rule.rule
        seen += 1
    assert seen >= 10


def test_the_audit_trail_shows_a_closed_accounts_address_blanked_but_keeps_it_stored(
    app, auth, client, make, buyer_with_history, sign_in_clock
):
    user, _certificate = buyer_with_history
    auth.login(user)
    assert client.post("/account/close", data={"password": DEFAULT_PASSWORD, "confirm": "y"}).status_code == 302
    staff = app.test_client()
    AuthActions(staff, sign_in_clock).login(make.user("ministry"))
    page_response = staff.get("/ministry/audit?action=buyer.invited", headers=EN)
    export_response = staff.get("/ministry/audit/export.csv", query_string={"action": "buyer."}, headers=EN)
    assert page_response.status_code == 200 and export_response.status_code == 200
    page, export = page_response.get_data(as_text=True), export_response.get_data(as_text=True)
    assert 'title="buyer.invited"' in page and export.count("\n") >= 2  # the event is listed
    assert EMAIL not in page and EMAIL not in export and NAME not in page and NAME not in export
    assert "audit_events" in tables_naming(EMAIL)  # the stored event is unchanged
    assert chains.verify_chain("audit").intact
