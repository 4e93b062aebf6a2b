"""Uploaded files: what a file is, judged by its first bytes, the size cap, and what a new company may hold."""

from dataclasses import dataclass

from .errors import N_, DomainError

# (signature, content type, extension). A file's name says nothing about what it is.
SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)
EXTENSIONS = {content_type: extension for _sig, content_type, extension in SIGNATURES}


class UploadRefused(DomainError):
    """The file is empty, too large, or not a PDF, PNG or JPEG."""


def sniff_content_type(head: bytes) -> str:
    """Return the content type of a PDF, PNG or JPEG from its magic bytes; raise UploadRefused otherwise."""
    for signature, content_type, _extension in SIGNATURES:
        if head.startswith(signature):
            return content_type
    raise UploadRefused(N_("Upload a PDF, PNG or JPEG file. This file is none of these, whatever its name."))


def check_upload(data: bytes, max_bytes: int) -> str:
    """Check size (1 byte to max_bytes) and kind; return the content type or raise UploadRefused."""
    if not data:
        raise UploadRefused(N_("The file is empty. Choose the scanned certificate."))
    if len(data) > max_bytes:
        raise UploadRefused(
            N_("The file is larger than %(limit)s. Upload a smaller scan."), limit=size_label(max_bytes)
        )
    return sniff_content_type(data[:16])


def size_label(size: int) -> str:
    mb, rest = divmod(size, 1024 * 1024)
    return f"{mb} MB" if mb and not rest else f"{size:,} B"


@dataclass(frozen=True)
class UnapprovedAllowance:
    """What a company not yet approved may upload in all: anyone can register one, so it is kept small."""

    max_files: int
    max_total_bytes: int

    def check(self, held_files: int, held_bytes: int, new_bytes: int) -> None:
        """Raise UploadRefused if one more file of new_bytes would pass either cap."""
        if held_files + 1 > self.max_files:
            raise UploadRefused(
                N_(
                    "Until your company is approved, the number of certificates it can upload "
                    "is limited to %(count)s. Wait for the ministry's approval to add more."
                ),
                count=self.max_files,
            )
        if held_bytes + new_bytes > self.max_total_bytes:
            raise UploadRefused(
                N_(
                    "Until your company is approved its certificate scans may total at most "
                    "%(limit)s. Upload a smaller scan or wait for the ministry's approval."
                ),
                limit=size_label(self.max_total_bytes),
            )


def safe_download_name(original: str, content_type: str, fallback: str) -> str:
    """A download name that keeps the user's file name but always ends in the real extension."""
    stem = (original or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    stem = "".join(ch for ch in stem if ch.isprintable() and ch not in '"<>:|?*').strip(". ")
    if "." in stem:
        stem = stem.rsplit(".", 1)[0]
    return f"{(stem or fallback)[:120]}.{EXTENSIONS[content_type]}"
