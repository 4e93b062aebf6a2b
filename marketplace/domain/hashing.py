"""The canonical JSON text a document's fingerprint is taken over, and the SHA-256 fingerprint itself."""

from __future__ import annotations

import hashlib
import json


def canonical_json(data) -> str:
    """UTF-8 JSON with sorted keys and no spaces: the text a document hash is taken over."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def sha256_hex(text: str | bytes) -> str:
    return hashlib.sha256(text.encode("utf-8") if isinstance(text, str) else text).hexdigest()
