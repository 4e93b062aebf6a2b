"""SQLAlchemy models, one module per area; import them from here."""

from .accounts import ROLES, LoginFailure, OneTimeToken, RecoveryCode, User
from .after_pilot import CorrectiveAction, FollowOnPurchase
from .api_tokens import ApiToken
from .audit import AuditEvent, ChainHead, add_append_only_triggers
from .committee import CommitteeAssignment, CommitteeMember
from .companies import Certificate, CertificateType, Company, Product, StoredFile, product_certificates
from .institutions import INSTITUTION_KINDS, Institution, Mou, QuotaEntry
from .jobs import Job
from .mail import OutboxMail
from .needs import Need, NeedProposal
from .notifications import Notification, NotificationPreference
from .objections import Objection, TrackRedraw, objection_documents
from .open_data import OcdsRelease
from .orders import (
    AuditReliefCertificate,
    Evaluation,
    Order,
    ReliefCertificateRendition,
    ReliefSerialReservation,
    ReportDocument,
)
from .privacy import PrivacyConsent, RoundQuestion
from .rounds import (
    Allocation,
    AllocationChange,
    Application,
    Draw,
    Round,
    RoundCategory,
    RoundInstitution,
    RoundTrack,
    SeedEventAnnouncement,
    application_preferences,
)
from .search import SearchGram
from .submissions import FormSubmission

__all__ = [
    "ROLES",
    "INSTITUTION_KINDS",
    "Allocation",
    "ApiToken",
    "AllocationChange",
    "Application",
    "AuditEvent",
    "AuditReliefCertificate",
    "ChainHead",
    "Certificate",
    "CertificateType",
    "Company",
    "CommitteeAssignment",
    "CommitteeMember",
    "CorrectiveAction",
    "Draw",
    "Evaluation",
    "FollowOnPurchase",
    "FormSubmission",
    "Institution",
    "Job",
    "LoginFailure",
    "Mou",
    "Need",
    "NeedProposal",
    "Notification",
    "NotificationPreference",
    "OneTimeToken",
    "OcdsRelease",
    "Order",
    "OutboxMail",
    "PrivacyConsent",
    "Product",
    "QuotaEntry",
    "RecoveryCode",
    "ReliefCertificateRendition",
    "ReliefSerialReservation",
    "ReportDocument",
    "Round",
    "RoundQuestion",
    "Objection",
    "TrackRedraw",
    "objection_documents",
    "RoundCategory",
    "RoundInstitution",
    "RoundTrack",
    "SeedEventAnnouncement",
    "SearchGram",
    "StoredFile",
    "User",
    "application_preferences",
    "product_certificates",
]

for _table in (AuditEvent.__table__, QuotaEntry.__table__):
    add_append_only_triggers(_table)
