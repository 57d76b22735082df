"""Releasing a message stuck in "sending" (ADR 0613): only after RELEASE_AFTER, only by the
owner, with a reason in the audit row; a slow worker that finishes after a release records
what it did and never overwrites a newer attempt."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.messaging import actions
from cleannote.apps.messaging.actions import (
    RELEASE_AFTER,
    _claim,
    _finish,
    do_queue_message,
    do_release_message,
    send_message,
)
from cleannote.apps.messaging.errors import MessageRefused
from cleannote.apps.messaging.models import MessageStatus, OutboundMessage


@pytest.fixture(autouse=True)
def sms_folder(settings, tmp_path: Path) -> Path:
    settings.CLEANNOTE_SMS_OUTBOX_DIR = tmp_path / "sms"
    settings.CLEANNOTE_SMS_SENDER = "cleannote.apps.messaging.senders.OutboxFolderSender"
    return tmp_path / "sms"


def _owner(clinic) -> Actor:
    return Actor(user=clinic.owner.user, organisation=clinic.organisation)


def stuck_message(clinic, minutes_ago: int, key: str = "reminder:9:email") -> OutboundMessage:
    """A queued email whose worker claimed it `minutes_ago` and died before the result."""
    message = do_queue_message(
        Actor(user=clinic.front_desk.user, organisation=clinic.organisation),
        channel="email",
        to="pat@example.com",
        subject="Your appointment",
        body="Hi Pat, see you Tuesday at 9:00 AM.",
        purpose="reminder",
        idempotency_key=key,
        patient_id=clinic.patient.pk,
    )
    claimed = _claim(message.pk)
    assert claimed is not None
    OutboundMessage.objects.filter(pk=message.pk).update(
        claimed_at=timezone.now() - dt.timedelta(minutes=minutes_ago)
    )
    message.refresh_from_db()
    return message


@pytest.mark.parametrize(
    ("minutes_ago", "released"),
    [(0, False), (9, False), (10, True), (45, True)],
)
def test_a_message_is_released_only_after_ten_minutes_sending(clinic, minutes_ago, released):
    assert dt.timedelta(minutes=10) == RELEASE_AFTER
    message = stuck_message(clinic, minutes_ago)
    if released:
        do_release_message(_owner(clinic), message, "  worker  crashed overnight ")
        message.refresh_from_db()
        assert message.status == MessageStatus.QUEUED
        assert message.claimed_at is None
        event = AuditEvent.objects.filter(object_type="outbound_message").latest("pk")
        assert event.reason == "released from sending: worker crashed overnight"
        assert event.patient_id == clinic.patient.pk
    else:
        with pytest.raises(MessageRefused, match="more than 10 minutes"):
            do_release_message(_owner(clinic), message, "impatient")
        message.refresh_from_db()
        assert message.status == MessageStatus.SENDING


def test_a_release_needs_a_reason_and_a_sending_row(clinic):
    message = stuck_message(clinic, 30)
    with pytest.raises(MessageRefused, match="say why"):
        do_release_message(_owner(clinic), message, "   ")
    OutboundMessage.objects.filter(pk=message.pk).update(status=MessageStatus.SENT)
    with pytest.raises(MessageRefused, match="only a message sending"):
        do_release_message(_owner(clinic), message, "stuck")


def test_a_released_message_is_sent_once_by_the_next_task(clinic):
    message = stuck_message(clinic, 30)
    do_release_message(_owner(clinic), message, "worker crashed")
    assert send_message(message.pk) == MessageStatus.SENT
    assert send_message(message.pk) == MessageStatus.SENT
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.attempts == 2


def test_a_slow_worker_finishing_after_a_release_marks_it_sent_so_it_is_not_resent(clinic):
    message = stuck_message(clinic, 30)
    slow = OutboundMessage.objects.get(pk=message.pk)  # the slow worker's copy of its claim
    do_release_message(_owner(clinic), message, "looked dead")
    _finish(slow, "")  # the slow worker did hand it to the sender after all
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert send_message(message.pk) == MessageStatus.SENT
    assert mail.outbox == []  # nothing sent a second time


def test_a_slow_worker_never_overwrites_the_newer_attempt(clinic, monkeypatch):
    message = stuck_message(clinic, 30)
    slow = OutboundMessage.objects.get(pk=message.pk)
    do_release_message(_owner(clinic), message, "looked dead")
    monkeypatch.setattr(actions, "_carry", lambda m: (_ for _ in ()).throw(OSError("down")))
    assert send_message(message.pk) == MessageStatus.FAILED  # the new attempt failed
    _finish(slow, "")  # the old worker's late success must not hide the newer failure
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.attempts == 2


@pytest.mark.parametrize(("who", "status"), [("owner", 302), ("front_desk", 403)])
def test_only_the_owner_may_release(clinic, login, who, status):
    message = stuck_message(clinic, 30)
    response = login(getattr(clinic, who)).post(
        f"/outbox/{message.pk}/release/", {"reason": "worker crashed"}
    )
    assert response.status_code == status
    message.refresh_from_db()
    assert message.status == (MessageStatus.QUEUED if who == "owner" else MessageStatus.SENDING)


def test_the_outbox_offers_release_with_its_warning_only_on_a_stuck_row(clinic, login):
    young = stuck_message(clinic, 2, key="young")
    old = stuck_message(clinic, 20, key="old")
    html = login(clinic.owner).get("/outbox/").content.decode()
    assert f'id="release-{old.pk}"' in html
    assert f'id="release-{young.pk}"' not in html
    assert "may already have gone out once: releasing can send it twice" in html
    desk = login(clinic.front_desk).get("/outbox/").content.decode()
    assert f'id="release-{old.pk}"' not in desk
    assert "the owner can release it" in desk


def test_a_refused_release_is_said_on_the_page(clinic, login):
    message = stuck_message(clinic, 3)
    response = login(clinic.owner).post(
        f"/outbox/{message.pk}/release/", {"reason": "x"}, follow=True
    )
    assert f"Message {message.pk} was not released" in response.content.decode()
