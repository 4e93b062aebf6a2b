"""A real PNG for upload fields whose content is checked."""

from __future__ import annotations

import io


def png(qr) -> bytes:
    out = io.BytesIO()
    qr.save(out, kind="png", scale=4)
    return out.getvalue()
