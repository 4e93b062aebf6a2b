"""Reference data every installation needs: the qualifying certificate types."""

from sqlalchemy import select

from ..database import begin_write
from ..domain.reference import CERTIFICATE_TYPES
from ..extensions import db
from ..models import CertificateType


def ensure_certificate_types() -> int:
    """Insert the certificate types of DESIGN.md that are missing; return how many were added."""
    begin_write()
    existing = set(db.session.scalars(select(CertificateType.code)))
    added = 0
    for order, (code, name_ko, name_en) in enumerate(CERTIFICATE_TYPES):
        if code not in existing:
            db.session.add(CertificateType(code=code, name_ko=name_ko, name_en=name_en, sort_order=order))
            added += 1
    db.session.commit()
    return added
