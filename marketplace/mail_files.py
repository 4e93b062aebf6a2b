"""Development mail: a Flask-Mailman backend that keeps each message in a maildir (MAIL_DIR), and reads them back.

Without MAIL_URL nothing leaves the machine: `make run` needs no mail server, and /dev/mail
(marketplace/dev.py) shows what would have been sent. Any mail reader opens the maildir as well.
"""

from __future__ import annotations

import mailbox
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from flask_mailman.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    """Adds each message to the maildir at the mailman's file_path."""

    def send_messages(self, email_messages) -> int:
        box = mailbox.Maildir(self.mailman.file_path, create=True)
        for message in email_messages:
            box.add(message.message().as_bytes())
        return len(email_messages)


@dataclass(frozen=True)
class KeptMail:
    key: str
    message: EmailMessage

    def part(self, subtype: str) -> str:
        body = self.message.get_body(preferencelist=(subtype,))
        return body.get_content() if body is not None else ""


def _parse(raw: bytes) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)  # noqa: S101 - policy.default always gives EmailMessage
    return message


def kept_mails(directory: str, limit: int = 100) -> list[KeptMail]:
    """The newest `limit` mails in the maildir, newest first (none when it does not exist yet)."""
    box = mailbox.Maildir(directory, create=True)
    found = []
    for key in box.iterkeys():
        with box.get_file(key) as raw:
            found.append(KeptMail(key, _parse(raw.read())))
    found.sort(key=lambda mail: (str(mail.message["Date"].datetime) if mail.message["Date"] else "", mail.key))
    return found[::-1][:limit]


def kept_mail(directory: str, key: str) -> KeptMail | None:
    box = mailbox.Maildir(directory, create=True)
    try:
        with box.get_file(key) as raw:
            return KeptMail(key, _parse(raw.read()))
    except (KeyError, FileNotFoundError):
        return None
