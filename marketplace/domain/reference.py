"""Fixed vocabularies: regions, size classes, product categories, contract methods, certificate types."""

from .errors import N_
from .states import UserRole

REGIONS = {
    "seoul": N_("Seoul"),
    "busan": N_("Busan"),
    "daegu": N_("Daegu"),
    "incheon": N_("Incheon"),
    "gwangju": N_("Gwangju"),
    "daejeon": N_("Daejeon"),
    "ulsan": N_("Ulsan"),
    "sejong": N_("Sejong"),
    "gyeonggi": N_("Gyeonggi"),
    "gangwon": N_("Gangwon"),
    "chungbuk": N_("North Chungcheong"),
    "chungnam": N_("South Chungcheong"),
    "jeonbuk": N_("North Jeolla"),
    "jeonnam": N_("South Jeolla"),
    "gyeongbuk": N_("North Gyeongsang"),
    "gyeongnam": N_("South Gyeongsang"),
    "jeju": N_("Jeju"),
}

SIZE_CLASSES = {"micro": N_("Micro enterprise"), "small": N_("Small enterprise"), "medium": N_("Medium enterprise")}

CATEGORIES = {
    "energy": N_("Energy and power"),
    "water": N_("Water and environment"),
    "construction": N_("Construction and materials"),
    "transport": N_("Transport and safety"),
    "ict": N_("ICT and software"),
    "electronics": N_("Electronics and sensors"),
    "machinery": N_("Machinery and equipment"),
    "medical": N_("Medical and health"),
    "office": N_("Office and facilities"),
    "other": N_("Other"),
}

INSTITUTION_KIND_LABELS = {
    "central_agency": N_("Central government agency"),
    "public_enterprise": N_("Public enterprise"),
    "quasi_governmental": N_("Quasi-governmental institution"),
    "local_government": N_("Local government"),
    "education_office": N_("Education office"),
    "other": N_("Other public institution"),
}

CONTRACT_METHODS = {
    "private_contract": N_("Private contract (수의계약)"),
    "limited_tender": N_("Limited tender"),
    "general_tender": N_("General tender"),
    "shopping_mall": N_("Public procurement shopping mall"),
}

# (code, Korean name, English name): the qualifying certificate types of DESIGN.md section 1.
CERTIFICATE_TYPES = (
    ("EPC", "성능인증", "Performance certification (EPC)"),
    ("PPS_EXCELLENT", "우수조달물품", "PPS excellent procurement product"),
    ("NEP", "신제품인증", "New excellent product (NEP)"),
    ("GS", "GS인증", "GS software certification"),
    ("INNOVATION", "혁신제품", "Innovation product"),
    ("WIN_WIN", "상생협력제품", "Win-win cooperation product"),
    ("INVENTION", "우수발명품", "Excellent invention product"),
    ("VENTURE", "벤처창업혁신조달상품", "Venture/startup innovative procurement product"),
    ("GREEN", "녹색기술제품", "Green technology product"),
    ("OTHER", "기타 중소벤처기업부 고시 인증", "Other type notified by the ministry"),
)

ROLE_LABELS: dict[str, str] = {
    UserRole.SUPPLIER: N_("Supplier"),
    UserRole.BUYER: N_("Buyer"),
    UserRole.MINISTRY: N_("Ministry staff"),
}

# Keyed by the stored strings: several state enums share a value ("pending") and so its label.
STATUS_LABELS = {
    "filed": N_("Filed, waiting for a decision"),
    "upheld": N_("Upheld"),
    "dismissed": N_("Dismissed"),
    "remedied": N_("Upheld, remedy recorded"),
    "asked": N_("Waiting for an answer"),
    "answered": N_("Answered"),
    "pending": N_("Pending review"),
    "approved": N_("Approved"),
    "rejected": N_("Rejected"),
    "suspended": N_("Suspended"),
    "verified": N_("Verified"),
    "revoked": N_("Revoked"),
    "draft": N_("Draft"),
    "listed": N_("Listed"),
    "delisted": N_("Delisted"),
    "open": N_("Open"),
    "closed": N_("Closed"),
    "drawn": N_("Drawn"),
    "published": N_("Published"),
    "submitted": N_("Submitted"),
    "withdrawn": N_("Withdrawn"),
    "eligible": N_("Eligible"),
    "ineligible": N_("Ineligible"),
    "selected": N_("Selected"),
    "waitlisted": N_("Waitlisted"),
    "not_selected": N_("Not selected"),
    "placed": N_("Placed"),
    "delivered": N_("Delivered"),
    "inspected": N_("Inspected"),
    "evaluated": N_("Evaluated"),
    "cancelled": N_("Cancelled"),
    "accepted": N_("Accepted"),
    "valid": N_("Valid"),
    "active": N_("Active"),
    "expired": N_("Expired"),
    "moved": N_("Moved"),
    "superseded": N_("Superseded"),
    "mismatch": N_("Does not match its record"),
    "queued": N_("Waiting for a worker"),
    "running": N_("Running"),
    "done": N_("Done"),
    "failed": N_("Failed"),
    "recorded": N_("Recorded"),
}

# A corrective action's states (CorrectiveActionState): their own words, as "accepted" here is a plan's.
# The remedy of an upheld objection (ObjectionRemedyKind), and the one staff may not choose.
REMEDY_LABELS = {
    "rescored": N_("Rescoring"),
    "reinstated": N_("Reinstatement from the waitlist"),
    "new_draw": N_("A new draw"),
}

CORRECTIVE_STATES = {
    "opened": N_("Awaiting a plan"),
    "plan_submitted": N_("Plan submitted"),
    "accepted": N_("Plan accepted"),
    "rejected": N_("Plan rejected"),
    "closed": N_("Closed by the ministry"),
}

# Why a corrective action was opened (CorrectiveAction.cause).
CORRECTIVE_CAUSES = {
    "low_evaluation": N_("Post-use evaluation under the threshold"),
    "rejected_inspection": N_("Goods rejected at inspection"),
}

# What each kind of background job does, for the pages that show jobs.
JOB_KIND_LABELS = {
    "draw_estimate": N_("Expected rates of a draw (1,000 derived seeds)"),
    "purchase_report": N_("Purchase report"),
}

# What each audit action means, for the ministry's audit trail (codes without a label are shown as codes).
AUDIT_ACTIONS = {
    "user.created": N_("Account created"),
    "user.login": N_("Signed in"),
    "user.locked": N_("Account locked"),
    "user.login_throttled": N_("Sign-in slowed down after failed attempts"),
    "user.two_factor_enrolled": N_("Two-step sign-in set up"),
    "user.recovery_code_used": N_("Recovery code used"),
    "user.password_changed": N_("Password changed"),
    "user.password_set": N_("Password set (invitation)"),
    "user.password_reset": N_("Password reset by e-mail"),
    "user.email_confirmed": N_("E-mail address confirmed"),
    "user.email_change_requested": N_("E-mail address change requested"),
    "user.notifications_off": N_("E-mail notifications turned off"),
    "company.registered": N_("Company registered"),
    "company.updated": N_("Company details changed"),
    "company.updated_by_ministry": N_("Company details changed by the ministry"),
    "company.resubmitted": N_("Company resubmitted for review"),
    "company.approved": N_("Company approved"),
    "company.rejected": N_("Company rejected"),
    "company.suspended": N_("Company suspended"),
    "company.supply_record_confirmed": N_("Public-supply record confirmed"),
    "certificate.uploaded": N_("Certificate uploaded"),
    "certificate.verified": N_("Certificate verified"),
    "certificate.rejected": N_("Certificate rejected"),
    "certificate.revoked": N_("Certificate revoked"),
    "certificate.deleted": N_("Certificate deleted by its supplier"),
    "product.created": N_("Product created"),
    "product.updated": N_("Product changed"),
    "product.listed": N_("Product listed"),
    "product.delisted": N_("Product delisted"),
    "product.draft": N_("Product back to draft"),
    "institution.created": N_("Institution added"),
    "institution.updated": N_("Institution changed"),
    "institution.join_requested": N_("Institution asked to join"),
    "institution.approved": N_("Join request approved"),
    "institution.declined": N_("Join request declined"),
    "buyer.invited": N_("Buyer invited"),
    "mou.created": N_("MOU added"),
    "mou.amended": N_("MOU amended"),
    "round.created": N_("Round created"),
    "round.updated": N_("Draft round changed"),
    "round.deleted": N_("Draft round deleted"),
    "round.opened": N_("Round opened"),
    "round.closed": N_("Round closed"),
    "round.seed_event_announced": N_("Seed event announced"),
    "round.pool_frozen": N_("Pool frozen"),
    "round.drawn": N_("Draw run"),
    "round.published": N_("Results published"),
    "application.submitted": N_("Application submitted"),
    "application.resubmitted": N_("Application resubmitted"),
    "application.edited": N_("Application changed"),
    "application.withdrawn": N_("Application withdrawn"),
    "application.checked": N_("Application checked at close"),
    "application.scored": N_("Application scored"),
    "allocation.withdrawn": N_("Selection withdrawn"),
    "allocation.refilled_from_waitlist": N_("Freed budget given to the waitlist"),
    "allocation.moved": N_("Allocation moved to another institution"),
    "order.placed": N_("Purchase recorded"),
    "order.delivered": N_("Delivery confirmed"),
    "order.inspected": N_("Inspection recorded"),
    "order.evaluated": N_("Product evaluated"),
    "order.cancelled": N_("Purchase cancelled"),
    "follow_on.recorded": N_("Follow-on purchase recorded"),
    "follow_on.cancelled": N_("Follow-on purchase cancelled"),
    "corrective_action.opened": N_("Corrective action opened"),
    "corrective_action.plan_submitted": N_("Corrective plan submitted"),
    "corrective_action.accepted": N_("Corrective plan accepted"),
    "corrective_action.rejected": N_("Corrective plan rejected"),
    "corrective_action.closed": N_("Corrective action closed by the ministry"),
    "relief_certificate.issued": N_("Audit-relief certificate issued"),
    "relief_certificate.revoked": N_("Audit-relief certificate revoked"),
    "relief_certificate.superseded": N_("Audit-relief certificate superseded by a new version"),
    "report.generated": N_("Report generated"),
    "job.retried": N_("Failed background job queued again"),
    "api_token.created": N_("API token created"),
    "api_token.revoked": N_("API token revoked"),
    "user.closed": N_("Account closed by its owner"),
    "question.asked": N_("Question asked"),
    "question.answered": N_("Answer published"),
    "objection.filed": N_("Objection filed"),
    "objection.upheld": N_("Objection upheld"),
    "objection.dismissed": N_("Objection dismissed"),
    "objection.rescored": N_("Scores corrected after an upheld objection"),
    "objection.reinstated": N_("Allocation from the waitlist after an upheld objection"),
}

# What kind of record an audit event is about (AuditEvent.object_type is the model's class name).
AUDIT_OBJECTS = {
    "User": N_("Account"),
    "Company": N_("Company"),
    "Certificate": N_("Certificate"),
    "Product": N_("Product"),
    "Institution": N_("Institution"),
    "Mou": N_("MOU"),
    "Round": N_("Round"),
    "Application": N_("Application"),
    "Draw": N_("Draw"),
    "Allocation": N_("Selection"),
    "Order": N_("Purchase"),
    "AuditReliefCertificate": N_("Audit-relief certificate"),
    "ReportDocument": N_("Report"),
    "AllocationChange": N_("Allocation change"),
    "Job": N_("Background job"),
    "FollowOnPurchase": N_("Follow-on purchase"),
    "CorrectiveAction": N_("Corrective action"),
    "ApiToken": N_("API token"),
    "RoundQuestion": N_("Question"),
    "Objection": N_("Objection"),
}
