"""The only writers of outbound messages: queue one, send it at most once, queue a failed one
again (ADR 0640).

`do_queue_message` is idempotent by its key: a second call with the same key returns the first
row and queues nothing, so a reminder run repeated (or two runs racing) sends one message. The
send task claims the row by moving it from queued to sending in its own committed transaction
before it calls the sender, so a task run twice (an RQ retry, two workers) finds the row
claimed and sends nothing: at most once, never twice. A sender's refusal marks the row failed
with the kind of error (never its text, which may hold an address); a person queues it again
from the outbox.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.messaging.errors import MessageRefused, SenderRefused
from cleannote.apps.messaging.models import BAD_ADDRESS, Channel, MessageStatus, OutboundMessage
from cleannote.apps.messaging.senders import send_email, sms_sender
from cleannote.platform.hooks import Hook
from cleannote.platform.tasks import Enqueued, enqueue

OBJECT_TYPE = "outbound_message"
# A send takes seconds; a row claimed longer ago than this has lost its worker (ADR 0613).
RELEASE_AFTER = dt.timedelta(minutes=10)


def _unknown_address(patient_id: int, channel: str) -> str | None:
    return None


# The chart's address for a patient and channel, when they consent to it ("" when they do not,
# or there is none; None: nobody answers). Patients sits above messaging and answers at start-up
# (ADR 0401), so a retry after the chart was fixed goes to the fixed address (ADR 0672).
current_address: Hook[[int, str], str | None] = Hook("messaging.current_address", _unknown_address)


def _checked(channel: str, to: str, body: str, purpose: str, idempotency_key: str) -> None:
    if channel not in Channel.values:
        raise MessageRefused("channel", f"{channel!r} is not one of {', '.join(Channel.values)}")
    if not to.strip():
        raise MessageRefused("to", "no address or number to send to")
    if channel == Channel.EMAIL and "@" not in to:
        raise MessageRefused("to", "an email address needs an @")
    if channel == Channel.SMS and sum(c.isdigit() for c in to) < 10:
        raise MessageRefused("to", "a text needs a phone number of at least 10 digits")
    if not body.strip():
        raise MessageRefused("body", "the message is empty")
    if not purpose.strip():
        raise MessageRefused("purpose", "say what the message is for")
    if not idempotency_key.strip() or len(idempotency_key) > 200:
        raise MessageRefused("idempotency_key", "needs 1 to 200 characters")


@transaction.atomic
def do_queue_message(
    actor: Actor,
    *,
    channel: str,
    to: str,
    body: str,
    purpose: str,
    idempotency_key: str,
    subject: str = "",
    reference_type: str = "",
    reference_id: int | None = None,
    patient_id: int | None = None,
) -> OutboundMessage:
    """Queue one message, or return the one already queued under `idempotency_key`."""
    _checked(channel, to, body, purpose, idempotency_key)
    existing = OutboundMessage.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.organisation_id != actor.organisation.pk:
            raise MessageRefused("idempotency_key", "is already used by another organisation")
        return existing
    try:
        with transaction.atomic():
            message = OutboundMessage.objects.create(
                organisation=actor.organisation,
                channel=channel,
                to=to.strip(),
                subject=subject,
                body=body,
                purpose=purpose,
                idempotency_key=idempotency_key,
                created_at=timezone.now(),
                reference_type=reference_type,
                reference_id=reference_id,
                patient_id=patient_id,
            )
    except IntegrityError:
        # Another writer queued the same key between our look and our insert: theirs stands.
        return OutboundMessage.objects.get(idempotency_key=idempotency_key)
    do_record_audit_event(actor, AuditAction.CREATE, OBJECT_TYPE, message.pk, patient_id=patient_id)
    return message


@transaction.atomic
def do_retry_message(actor: Actor, message: OutboundMessage) -> OutboundMessage:
    """Queue a failed message again (the outbox's Retry); any other status is refused.

    A message to a patient goes to the chart's consented address as it is now (ADR 0672):
    after the desk fixed a mistyped number, the retry uses the fixed one. With none on the
    chart (or nobody answering the hook), the message keeps its own address."""
    row = (
        OutboundMessage.objects.select_for_update()
        .filter(pk=message.pk, organisation=actor.organisation)
        .first()
    )
    if row is None or row.status != MessageStatus.FAILED:
        raise MessageRefused("status", "only a failed message can be sent again")
    to, changed = row.to, ""
    if row.patient_id is not None:
        on_chart = current_address(row.patient_id, row.channel)
        if on_chart and on_chart.strip() != row.to:
            _checked(row.channel, on_chart, row.body, row.purpose, row.idempotency_key)
            to, changed = on_chart.strip(), "to the chart's current address"
    OutboundMessage.objects.filter(pk=row.pk).update(status=MessageStatus.QUEUED, error="", to=to)
    row.refresh_from_db()
    message.status, message.error, message.to = row.status, row.error, row.to
    do_record_audit_event(
        actor,
        AuditAction.UPDATE,
        OBJECT_TYPE,
        row.pk,
        patient_id=row.patient_id,
        reason=f"queued again {changed}".strip(),
    )
    return row


def is_stuck(message: OutboundMessage, now: dt.datetime) -> bool:
    """Sending for longer than RELEASE_AFTER (claimed, or queued if the claim time is unknown)."""
    since = message.claimed_at or message.created_at
    return message.status == MessageStatus.SENDING and now - since >= RELEASE_AFTER


@transaction.atomic
def do_release_message(actor: Actor, message: OutboundMessage, reason: str) -> OutboundMessage:
    """Put a message stuck in sending back to queued (the outbox's Release, owner only).

    The person says why; the reason goes in the audit row. Refused unless the row is still
    sending and was claimed at least RELEASE_AFTER ago: a younger claim may be a live worker.
    The release is the one place a message can go out twice (the dead worker may have handed it
    to the sender before dying), which is why a person decides it and the button says so.
    """
    reason = " ".join(reason.split())
    if not reason:
        raise MessageRefused("reason", "say why the message is released (for the audit log)")
    cutoff = timezone.now() - RELEASE_AFTER
    claimed = (
        OutboundMessage.objects.filter(
            pk=message.pk, organisation=actor.organisation, status=MessageStatus.SENDING
        )
        .filter(
            models.Q(claimed_at__lte=cutoff)
            | models.Q(claimed_at__isnull=True, created_at__lte=cutoff)
        )
        .update(status=MessageStatus.QUEUED, error="", claimed_at=None)
    )
    if not claimed:
        minutes = int(RELEASE_AFTER.total_seconds() // 60)
        raise MessageRefused(
            "status", f"only a message sending for more than {minutes} minutes can be released"
        )
    message.refresh_from_db()
    do_record_audit_event(
        actor,
        AuditAction.UPDATE,
        OBJECT_TYPE,
        message.pk,
        patient_id=message.patient_id,
        reason=f"released from sending: {reason}",
    )
    return message


def _claim(message_id: int) -> OutboundMessage | None:
    """Move the row from queued to sending, committed before anything is sent; None when it
    is not queued (already claimed, sent or failed), so the caller sends nothing."""
    with transaction.atomic():
        claimed = OutboundMessage.objects.filter(pk=message_id, status=MessageStatus.QUEUED).update(
            status=MessageStatus.SENDING, attempts=F("attempts") + 1, claimed_at=timezone.now()
        )
        if not claimed:
            return None
        return OutboundMessage.objects.select_related("organisation").get(pk=message_id)


def _carry(message: OutboundMessage) -> None:
    if message.channel == Channel.EMAIL:
        send_email(message.to, message.subject, message.body)
    else:
        sms_sender().send(message.to, message.body)


@transaction.atomic
def _finish(message: OutboundMessage, error: str) -> None:
    message.status = MessageStatus.FAILED if error else MessageStatus.SENT
    message.error = error
    message.sent_at = None if error else timezone.now()
    # Only while no newer claim holds the row: a slow worker finishing after a person released
    # it still records what happened (released but not yet resent: now sent, so never resent),
    # but never overwrites a newer attempt's state (ADR 0613).
    OutboundMessage.objects.filter(
        pk=message.pk,
        status__in=(MessageStatus.SENDING, MessageStatus.QUEUED),
        attempts=message.attempts,
    ).update(status=message.status, error=message.error, sent_at=message.sent_at)
    system = Actor(user=None, organisation=message.organisation)
    do_record_audit_event(
        system, AuditAction.EXPORT, OBJECT_TYPE, message.pk, patient_id=message.patient_id
    )


def send_message(message_id: int) -> str:
    """The send task: send one queued message at most once; returns the row's status after."""
    message = _claim(message_id)
    if message is None:
        status = OutboundMessage.objects.filter(pk=message_id).values_list("status", flat=True)
        return status.first() or "missing"
    try:
        _carry(message)
    except SenderRefused as refused:  # the sender's own words, which carry no address
        prefix = f"{BAD_ADDRESS}: " if refused.bad_address else ""
        _finish(message, f"{prefix}{refused.kind}"[:200])
    except Exception as exc:  # any sender failure is recorded on the row, never raised
        _finish(message, f"{type(exc).__name__}: the {message.channel} sender refused it")
    else:
        _finish(message, "")
    return message.status


def send_messages(message_ids: Iterable[int]) -> dict[str, int]:
    """The batch task: each message through `send_message`; counts by resulting status."""
    counts: dict[str, int] = {}
    for message_id in message_ids:
        status = send_message(message_id)
        counts[status] = counts.get(status, 0) + 1
    return counts


def enqueue_sends(message_ids: Iterable[int]) -> Enqueued:
    """Run `send_messages` for these rows as a task (in-process, or on RQ with REDIS_URL)."""
    return enqueue(send_messages, sorted(set(message_ids)))
