"""Reads of the outbox: one organisation's messages, newest first."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from cleannote.apps.messaging.models import MessageStatus, OutboundMessage
from cleannote.apps.organisations.models import Organisation

OUTBOX_PAGE = 200


def outbox(organisation: Organisation, status: str = "") -> QuerySet[OutboundMessage]:
    rows = OutboundMessage.objects.filter(organisation=organisation)
    if status in MessageStatus.values:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-id")


def message_of(organisation: Organisation, message_id: int) -> OutboundMessage | None:
    return OutboundMessage.objects.filter(organisation=organisation, pk=message_id).first()


def queued_ids(organisation_id: int | None = None) -> list[int]:
    rows = OutboundMessage.objects.filter(status=MessageStatus.QUEUED)
    if organisation_id is not None:
        rows = rows.filter(organisation_id=organisation_id)
    return list(rows.order_by("id").values_list("id", flat=True))


def status_counts(organisation: Organisation) -> dict[str, int]:
    counts = dict.fromkeys(MessageStatus.values, 0)
    for status in OutboundMessage.objects.filter(organisation=organisation).values_list(
        "status", flat=True
    ):
        counts[status] += 1
    return counts


def needs_attention(
    organisation: Organisation, now: dt.datetime, stuck_after: dt.timedelta
) -> list[OutboundMessage]:
    """What a person must act on (ADR 0672): failed messages (fix the address, or retry) and
    ones stuck in sending longer than `stuck_after` (the owner releases them, ADR 0613)."""
    cutoff = now - stuck_after
    stuck = Q(status=MessageStatus.SENDING) & (
        Q(claimed_at__lte=cutoff) | Q(claimed_at__isnull=True, created_at__lte=cutoff)
    )
    return list(
        OutboundMessage.objects.filter(organisation=organisation)
        .filter(Q(status=MessageStatus.FAILED) | stuck)
        .order_by("-created_at", "-id")[:OUTBOX_PAGE]
    )
