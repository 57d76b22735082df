"""A message the sender refused, or one stuck in sending, needs attention (ADR 0672): the
outbox lists it first with its way forward. A text to a mistyped number is refused by the
gateway (not dialable), so the desk fixes the number on the chart and Retry sends to the
fixed one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.messaging.actions import RELEASE_AFTER, do_queue_message, send_message
from cleannote.apps.messaging.errors import SenderRefused
from cleannote.apps.messaging.models import MessageStatus, OutboundMessage
from cleannote.apps.messaging.selectors import needs_attention
from cleannote.apps.messaging.senders import refuse_undialable
from cleannote.apps.patients.chart_actions import do_update_patient


@pytest.fixture(autouse=True)
def sms_folder(settings, tmp_path: Path) -> Path:
    settings.CLEANNOTE_SMS_OUTBOX_DIR = tmp_path / "sms"
    settings.CLEANNOTE_SMS_SENDER = "cleannote.apps.messaging.senders.OutboxFolderSender"
    return tmp_path / "sms"


@pytest.mark.parametrize(
    ("number", "dialable"),
    [
        ("217-555-0100", True),
        ("+1 (217) 555-0100", True),
        ("12175550100", True),
        ("217-055-0100", False),  # no exchange starts with 0
        ("217-155-0100", False),  # nor with 1
        ("017-555-0100", False),  # no area code starts with 0
        ("117-555-0100", False),  # nor with 1
        ("217-555-01000", False),  # eleven digits, not after a 1
        ("2175550", False),
    ],
)
def test_the_gateway_takes_only_dialable_numbers(number, dialable) -> None:
    if dialable:
        refuse_undialable(number)
        return
    with pytest.raises(SenderRefused) as refused:
        refuse_undialable(number)
    assert refused.value.bad_address
    assert number not in str(refused.value)


def _desk(clinic) -> Actor:  # type: ignore[no-untyped-def]
    return Actor(user=clinic.front_desk.user, organisation=clinic.organisation)


def _mistyped_text(clinic) -> OutboundMessage:  # type: ignore[no-untyped-def]
    do_update_patient(
        _desk(clinic),
        clinic.patient,
        reason="Mobile number taken by phone",
        phone="217-055-0148",
        sms_consent=True,
        sms_consent_on=dt.date(2026, 1, 1),
    )
    message = do_queue_message(
        _desk(clinic),
        channel="sms",
        to="217-055-0148",
        body="Hi Pat, see you Tuesday at 9:00 AM.",
        purpose="reminder",
        idempotency_key="reminder:7:sms",
        patient_id=clinic.patient.pk,
    )
    assert send_message(message.pk) == MessageStatus.FAILED
    message.refresh_from_db()
    return message


def test_a_refused_number_fails_as_a_bad_address_without_the_number(clinic) -> None:
    message = _mistyped_text(clinic)
    assert message.bad_address
    assert message.error.startswith("bad address: ")
    assert "055" not in message.error
    assert needs_attention(clinic.organisation, timezone.now(), RELEASE_AFTER) == [message]


def test_the_desk_fixes_the_number_on_the_chart_and_the_retry_uses_it(
    clinic, login, sms_folder
) -> None:
    message = _mistyped_text(clinic)
    desk = login(clinic.front_desk)
    page = desk.get(reverse("messaging:outbox")).content.decode()
    section = page[page.index('id="outbox-attention"') :]
    section = section[: section.index("</section>")]
    assert f'id="attention-{message.pk}"' in section
    fix = reverse("patients:edit_details", args=[clinic.patient.pk])
    assert f'href="{fix}"' in section
    assert desk.get(fix).status_code == 200
    # when the desk corrects the number on the chart and retries
    do_update_patient(
        _desk(clinic), clinic.patient, reason="Number corrected", phone="217-555-0148"
    )
    response = desk.post(reverse("messaging:retry", args=[message.pk]))
    assert response.status_code == 302
    # then the text went to the corrected number, and nothing needs attention
    message.refresh_from_db()
    assert (message.status, message.to, message.attempts) == (
        MessageStatus.SENT,
        "217-555-0148",
        2,
    )
    (sent,) = sms_folder.glob("*.txt")
    assert sent.read_text().startswith("To: 217-555-0148")
    assert needs_attention(clinic.organisation, timezone.now(), RELEASE_AFTER) == []
    assert 'id="outbox-attention"' not in desk.get(reverse("messaging:outbox")).content.decode()


def test_a_retry_without_a_fix_fails_again_and_says_so(clinic, login) -> None:
    message = _mistyped_text(clinic)
    response = login(clinic.front_desk).post(
        reverse("messaging:retry", args=[message.pk]), follow=True
    )
    assert f"Message {message.pk} failed again" in response.content.decode()
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED


def test_a_message_stuck_in_sending_needs_the_owners_release(clinic, login) -> None:
    message = do_queue_message(
        _desk(clinic),
        channel="email",
        to="pat@example.com",
        body="Hi Pat",
        purpose="reminder",
        idempotency_key="reminder:8:email",
    )
    long_ago = timezone.now() - RELEASE_AFTER - dt.timedelta(minutes=1)
    OutboundMessage.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENDING, claimed_at=long_ago
    )
    assert [m.pk for m in needs_attention(clinic.organisation, timezone.now(), RELEASE_AFTER)] == [
        message.pk
    ]
    owner_page = login(clinic.owner).get(reverse("messaging:outbox")).content.decode()
    assert f'href="#release-{message.pk}"' in owner_page
    assert f'id="release-{message.pk}"' in owner_page
    desk_page = login(clinic.front_desk).get(reverse("messaging:outbox")).content.decode()
    assert "The owner can release it" in desk_page
