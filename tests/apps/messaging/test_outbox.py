"""The outbox (ADR 0640): queuing is idempotent by key, a message is sent at most once however
often its task runs, a sender's failure is recorded without the address, and the outbox page is
for owners and front desk with Retry on a failed message."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core import mail

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.messaging import actions
from cleannote.apps.messaging.actions import (
    do_queue_message,
    do_retry_message,
    send_message,
    send_messages,
)
from cleannote.apps.messaging.errors import MessageRefused
from cleannote.apps.messaging.models import MessageStatus, OutboundMessage


class RefusingSender:
    def send(self, to: str, body: str) -> str:
        raise ConnectionError(f"could not reach the gateway for {to}")


@pytest.fixture(autouse=True)
def sms_folder(settings, tmp_path: Path) -> Path:
    settings.CLEANNOTE_SMS_OUTBOX_DIR = tmp_path / "sms"
    settings.CLEANNOTE_SMS_SENDER = "cleannote.apps.messaging.senders.OutboxFolderSender"
    return tmp_path / "sms"


def _actor(clinic) -> Actor:
    return Actor(user=clinic.front_desk.user, organisation=clinic.organisation)


def _queue(
    clinic, key: str = "reminder:1:email", channel: str = "email", **extra
) -> OutboundMessage:
    fields = {
        "channel": channel,
        "to": "pat@example.com" if channel == "email" else "+1 217 555 0100",
        "subject": "Your appointment",
        "body": "Hi Pat, see you Tuesday at 9:00 AM.",
        "purpose": "reminder",
        "idempotency_key": key,
        "reference_type": "appointment",
        "reference_id": 1,
        "patient_id": clinic.patient.pk,
    }
    fields.update(extra)
    return do_queue_message(_actor(clinic), **fields)


def test_queuing_the_same_key_twice_returns_the_first_message(clinic):
    first = _queue(clinic)
    second = _queue(clinic, body="A different body")
    assert second.pk == first.pk
    assert OutboundMessage.objects.count() == 1
    assert second.body == "Hi Pat, see you Tuesday at 9:00 AM."
    assert AuditEvent.objects.filter(object_type="outbound_message", action="create").count() == 1


def test_a_key_of_another_organisation_is_refused(clinic, other_clinic):
    _queue(clinic)
    other = Actor(user=other_clinic.therapist.user, organisation=other_clinic.organisation)
    with pytest.raises(MessageRefused, match="idempotency_key"):
        do_queue_message(
            other,
            channel="email",
            to="hal@example.com",
            body="Hi",
            purpose="reminder",
            idempotency_key="reminder:1:email",
        )


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("channel", "fax", "is not one of email, sms"),
        ("to", "  ", "no address or number"),
        ("to", "pat.example.com", "needs an @"),
        ("body", "", "the message is empty"),
        ("purpose", "", "say what the message is for"),
        ("idempotency_key", "", "needs 1 to 200 characters"),
    ],
)
def test_bad_input_is_refused_naming_the_field(clinic, field, value, problem):
    with pytest.raises(MessageRefused) as refused:
        _queue(clinic, **{field: value})
    assert refused.value.field == field
    assert problem in str(refused.value)
    assert not OutboundMessage.objects.exists()


def test_a_text_needs_ten_digits(clinic):
    with pytest.raises(MessageRefused, match="10 digits"):
        _queue(clinic, channel="sms", to="555-0100")


def test_an_email_is_sent_once_however_often_the_task_runs(clinic):
    message = _queue(clinic)
    assert send_message(message.pk) == MessageStatus.SENT
    # The task retried (an RQ retry, a second worker): the row is claimed, nothing is sent.
    assert send_message(message.pk) == MessageStatus.SENT
    assert send_messages([message.pk, message.pk]) == {"sent": 2}
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["pat@example.com"]
    assert mail.outbox[0].subject == "Your appointment"
    message.refresh_from_db()
    assert message.attempts == 1
    assert message.sent_at is not None


def test_a_task_that_died_after_claiming_never_sends_again(clinic, monkeypatch):
    message = _queue(clinic)

    def dies(_message: OutboundMessage) -> None:
        raise SystemExit("worker killed mid-send")

    monkeypatch.setattr(actions, "_carry", dies)
    with pytest.raises(SystemExit):
        send_message(message.pk)
    monkeypatch.undo()
    message.refresh_from_db()
    assert message.status == MessageStatus.SENDING
    # RQ runs the job again: the claim stands, so it does not send a possible duplicate.
    assert send_message(message.pk) == MessageStatus.SENDING
    assert mail.outbox == []


def test_a_text_goes_to_the_outbox_folder(clinic, sms_folder):
    message = _queue(clinic, key="reminder:1:sms", channel="sms")
    assert send_message(message.pk) == MessageStatus.SENT
    send_message(message.pk)
    files = list(sms_folder.glob("*.txt"))
    assert len(files) == 1
    assert files[0].read_text() == "To: +1 217 555 0100\n\nHi Pat, see you Tuesday at 9:00 AM.\n"


def test_a_refused_send_is_failed_without_the_address_then_retried(clinic, settings):
    settings.CLEANNOTE_SMS_SENDER = f"{__name__}.RefusingSender"
    message = _queue(clinic, key="reminder:1:sms", channel="sms")
    assert send_message(message.pk) == MessageStatus.FAILED
    message.refresh_from_db()
    assert message.error == "ConnectionError: the sms sender refused it"
    assert "555" not in message.error
    settings.CLEANNOTE_SMS_SENDER = "cleannote.apps.messaging.senders.OutboxFolderSender"
    # Queued again (by Retry): sent.
    message.refresh_from_db()
    do_retry_message(_actor(clinic), message)
    assert send_message(message.pk) == MessageStatus.SENT
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.error == ""


def test_retry_of_a_sent_message_is_refused(clinic):
    message = _queue(clinic)
    send_message(message.pk)
    message.refresh_from_db()
    with pytest.raises(MessageRefused, match="only a failed message"):
        do_retry_message(_actor(clinic), message)


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 200), ("front_desk", 200), ("therapist", 403), ("biller", 403)],
)
def test_the_outbox_is_for_owner_and_front_desk(clinic, login, who, status):
    _queue(clinic)
    response = login(getattr(clinic, who)).get("/outbox/")
    assert response.status_code == status
    if status == 200:
        assert b"pat@example.com" in response.content
        listed = AuditEvent.objects.filter(action="list", object_type="outbound_message").last()
        assert listed is not None


def test_the_outbox_retries_a_failed_message_and_sends_the_queued(clinic, login, settings):
    settings.CLEANNOTE_SMS_SENDER = f"{__name__}.RefusingSender"
    failed = _queue(clinic, key="k-sms", channel="sms")
    send_message(failed.pk)
    queued = _queue(clinic, key="k-email")
    client = login(clinic.front_desk)
    page = client.get("/outbox/").content.decode()
    assert "Failed" in page
    assert "ConnectionError" in page
    assert f'action="/outbox/{failed.pk}/retry/"' in page
    assert "Send 1 queued now" in page
    settings.CLEANNOTE_SMS_SENDER = "cleannote.apps.messaging.senders.OutboxFolderSender"
    assert client.post(f"/outbox/{failed.pk}/retry/").status_code == 302
    failed.refresh_from_db()
    assert failed.status == MessageStatus.SENT
    assert client.post("/outbox/send-queued/").status_code == 302
    queued.refresh_from_db()
    assert queued.status == MessageStatus.SENT
    assert len(mail.outbox) == 1
    # Retry of a sent one: a clear message, not a 500.
    again = client.post(f"/outbox/{failed.pk}/retry/", follow=True)
    assert "only a failed message can be sent again" in again.content.decode()


def test_another_organisations_message_is_a_404(clinic, other_clinic, login):
    message = _queue(clinic)
    client = login(clinic.owner)
    assert client.post(f"/outbox/{message.pk + 1000}/retry/").status_code == 404
    assert message.organisation_id == clinic.organisation.pk
