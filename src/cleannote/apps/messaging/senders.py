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

from cleannote.apps.messaging.errors import SenderRefused


class SmsSender(Protocol):
    def send(self, to: str, body: str) -> str:
        """Hand the text over; return the provider's id for it. Raise on refusal."""
        ...


class OutboxFolderSender:
    """Writes each text as `<id>.txt` (the number, a blank line, the body) into the folder."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = Path(folder or settings.CLEANNOTE_SMS_OUTBOX_DIR)

    def send(self, to: str, body: str) -> str:
        refuse_undialable(to)
        self.folder.mkdir(parents=True, exist_ok=True)
        message_id = uuid.uuid4().hex
        (self.folder / f"{message_id}.txt").write_text(f"To: {to}\n\n{body}\n", encoding="utf-8")
        return message_id


def refuse_undialable(to: str) -> None:
    """Refuse a number no North American text gateway would take, as the gateways do (an
    invalid "To" number is refused at once, not delivered late): ten digits after an optional
    leading 1, the area code and the exchange each starting 2 to 9 (NANP). The queue took it
    (ten digits is all `do_queue_message` asks); a digit typed wrong at the desk shows here."""
    digits = "".join(c for c in to if c.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10 or digits[0] in "01" or digits[3] in "01":
        raise SenderRefused("the text gateway refused the number as not dialable", bad_address=True)


def sms_sender() -> SmsSender:
    sender_class = import_string(settings.CLEANNOTE_SMS_SENDER)
    sender: SmsSender = sender_class()
    return sender


def send_email(to: str, subject: str, body: str) -> None:
    EmailMessage(subject=subject, body=body, to=[to]).send(fail_silently=False)
