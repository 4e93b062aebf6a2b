"""Uploaded files kept in the database: checked by content, hashed, stored under a server-made name."""

from __future__ import annotations

import hashlib
import uuid

from ..domain.uploads import check_upload, safe_download_name
from ..extensions import db
from ..models import StoredFile, User


def new_stored_file(user: User | None, data: bytes, original_name: str, *, max_bytes: int) -> StoredFile:
    """Build (not commit) a StoredFile after checking size and magic bytes; raise UploadRefused.

    The caller adds it to its own change and commits once, so a refused or failed upload leaves nothing.
    """
    content_type = check_upload(data, max_bytes)
    stored = StoredFile(
        storage_name=uuid.uuid4().hex,
        original_name=(original_name or "")[:255],
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        uploaded_by_id=user.id if user else None,
    )
    db.session.add(stored)
    return stored


def download_name(stored: StoredFile, fallback: str) -> str:
    return safe_download_name(stored.original_name, stored.content_type, fallback)
