"""The outbox page for owners and front desk: every message with its status, Retry on a failed
one, Release on one stuck in sending (owner, ADR 0613), and "Send queued now" (ADR 0640).
Listing shows addresses, so it is an audited list."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cleannote.apps.audit.actions import do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.messaging import selectors
from cleannote.apps.messaging.actions import (
    OBJECT_TYPE,
    RELEASE_AFTER,
    do_release_message,
    do_retry_message,
    enqueue_sends,
    is_stuck,
)
from cleannote.apps.messaging.errors import MessageRefused
from cleannote.apps.messaging.models import MessageStatus
from cleannote.apps.organisations.access import actor_of, staff_view
from cleannote.apps.organisations.roles import Capability


@staff_view(Capability.SEND_MESSAGES)
def outbox_list(request: HttpRequest) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    status = request.GET.get("status", "")
    if status not in MessageStatus.values:
        status = ""
    rows = list(selectors.outbox(organisation, status)[: selectors.OUTBOX_PAGE])
    now = timezone.now()
    stuck = {r.pk for r in rows if is_stuck(r, now)}
    counts = selectors.status_counts(organisation)
    attention = selectors.needs_attention(organisation, now, RELEASE_AFTER)
    stuck |= {r.pk for r in attention if r.status == MessageStatus.SENDING}
    do_record_audit_event(
        actor_of(request),
        AuditAction.LIST,
        OBJECT_TYPE,
        "outbox",
        shown_patient_ids=sorted(
            {r.patient_id for r in [*rows, *attention] if r.patient_id is not None}
        ),
    )
    return render(
        request,
        "messaging/outbox.html",
        {
            "rows": rows,
            "status": status,
            "statuses": [(value, label, counts[value]) for value, label in MessageStatus.choices],
            "counts": counts,
            "page_size": selectors.OUTBOX_PAGE,
            "stuck": stuck,
            "attention": attention,
            "release_minutes": int(RELEASE_AFTER.total_seconds() // 60),
        },
    )


@staff_view(Capability.SEND_MESSAGES)
@require_POST
def outbox_retry(request: HttpRequest, message_id: int) -> HttpResponse:
    message = selectors.message_of(request.staff.organisation, message_id)  # type: ignore[attr-defined]
    if message is None:
        raise Http404("no such message in this organisation")
    try:
        do_retry_message(actor_of(request), message)
    except MessageRefused as exc:
        messages.error(request, f"Message {message.pk} was not queued again: {exc.problem}.")
    else:
        enqueue_sends([message.pk])
        message.refresh_from_db()
        if message.status == MessageStatus.FAILED:
            messages.error(
                request,
                f"Message {message.pk} failed again: {message.error}. See what to do below.",
            )
        else:
            messages.success(request, f"Message {message.pk} queued again.")
    return redirect("messaging:outbox")


@staff_view(Capability.SEND_MESSAGES)
@require_POST
def outbox_send_queued(request: HttpRequest) -> HttpResponse:
    ids = selectors.queued_ids(request.staff.organisation.pk)  # type: ignore[attr-defined]
    if ids:
        enqueue_sends(ids)
    messages.success(request, f"{len(ids)} queued message{'s' if len(ids) != 1 else ''} sent on.")
    return redirect("messaging:outbox")


@staff_view(Capability.SEND_MESSAGES, Capability.RELEASE_MESSAGES)
@require_POST
def outbox_release(request: HttpRequest, message_id: int) -> HttpResponse:
    """Release a message stuck in sending back to queued, with the owner's reason (ADR 0613).
    It is not sent here: the outbox's "Send queued now" sends it, a second deliberate step."""
    message = selectors.message_of(request.staff.organisation, message_id)  # type: ignore[attr-defined]
    if message is None:
        raise Http404("no such message in this organisation")
    try:
        do_release_message(actor_of(request), message, request.POST.get("reason", ""))
    except MessageRefused as exc:
        messages.error(request, f"Message {message.pk} was not released: {exc.problem}.")
    else:
        messages.success(
            request,
            f"Message {message.pk} released to queued; it is sent with the next "
            "\u201cSend queued now\u201d.",
        )
    return redirect("messaging:outbox")
