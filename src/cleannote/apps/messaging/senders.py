"""Who carries a message out: email through Django's email framework, texts through a sender
class named by a setting (ADR 0640).

Email uses whatever `EMAIL_BACKEND` the settings name (the console or file backend for the
demo, SMTP in production; README "Email and text messages"). A text goes to the class named by
`CLEANNOTE_SMS_SENDER`: anything with `send(to, body) -> str` (the provider's message id). The
default, `OutboxFolderSender`, writes each text as a file in `CLEANNOTE_SMS_OUTBOX_DIR`, for the
demo and the tests; a Twilio-like service is a small class that posts to its API and returns the
id it answers.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string


class SmsSender(Protocol):
    def send(self, to: str, body: str) -> str:
        """Hand the text over; return the provider's id for it. Raise on refusal."""
        ...


class OutboxFolderSender:
    """Writes each text as `<id>.txt` (the number, a blank line, the body) into the folder."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = Path(folder or settings.CLEANNOTE_SMS_OUTBOX_DIR)

    def send(self, to: str, body: str) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        message_id = uuid.uuid4().hex
        (self.folder / f"{message_id}.txt").write_text(f"To: {to}\n\n{body}\n", encoding="utf-8")
        return message_id


def sms_sender() -> SmsSender:
    sender_class = import_string(settings.CLEANNOTE_SMS_SENDER)
    sender: SmsSender = sender_class()
    return sender


def send_email(to: str, subject: str, body: str) -> None:
    EmailMessage(subject=subject, body=body, to=[to]).send(fail_silently=False)
