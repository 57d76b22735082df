"""Holds on opened slots (ADR 0670): what the booking check (`actions`) and the waitlist's
actions share. Kept apart from `waitlist_actions` (which books through `actions`) so `actions`
can ask it without importing what imports it.

- `lock_calendar` serialises, on PostgreSQL, every writer of one clinician's or one room's
  time (bookings, moves, holds) for the rest of the transaction: the exclusion constraints
  hold appointments against appointments and holds against holds, but a hold and a booking
  sit in two tables, so each checks the other under this lock. SQLite's `BEGIN IMMEDIATE`
  (ADR 0072) already lets one writer in at a time.
- `live_hold_over` finds a hold still held over a time, lapsing on the way any whose time
  ran out (the same step as the sweep), so a lapsed hold never refuses a booking even when
  the sweep has not run yet.
- `lapse_hold` / `close_hold` end a hold and put its waitlist entry back to open, so the slot
  can be offered to the next patient.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Q

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.scheduling.models import (
    FrontDeskSettings,
    HoldStatus,
    SlotHold,
    WaitlistEntry,
    WaitlistStatus,
)

OBJECT_TYPE = "slot_hold"
# Advisory-lock classes (the first key of pg_advisory_xact_lock(int, int)).
_STAFF_LOCK, _ROOM_LOCK = 6701, 6702
DEFAULT_HOLD_HOURS = 4


def lock_calendar(staff_id: int, room_id: int | None) -> None:
    """Take the clinician's (then the room's) calendar lock until the transaction ends;
    always in that order, so two writers never wait on each other in a circle."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_STAFF_LOCK, staff_id])
        if room_id is not None:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_ROOM_LOCK, room_id])


def close_hold(
    actor: Actor, hold: SlotHold, status: HoldStatus, now: dt.datetime, why: str
) -> bool:
    """End a hold still held (one conditional update, so a second call changes nothing) and
    put its entry back to open when the entry was waiting on this offer; True when it ended."""
    ended = SlotHold.objects.filter(pk=hold.pk, status=HoldStatus.HELD).update(
        status=status, closed_at=now
    )
    if not ended:
        return False
    hold.status, hold.closed_at = status, now
    if status != HoldStatus.ACCEPTED:
        WaitlistEntry.objects.filter(
            pk=hold.entry_id, status=WaitlistStatus.OFFERED, offered_slot_id=hold.slot_id
        ).update(status=WaitlistStatus.OPEN)
    do_record_audit_event(
        actor,
        AuditAction.UPDATE,
        OBJECT_TYPE,
        hold.pk,
        patient_id=hold.patient_id,
        reason=f"{hold.get_status_display().lower()}: {why}" if why else "",
    )
    return True


def lapse_hold(actor: Actor, hold: SlotHold, now: dt.datetime) -> bool:
    """The offer's time ran out: the slot is free again."""
    if hold.expires_at > now:
        return False
    return close_hold(actor, hold, HoldStatus.EXPIRED, now, "the offer's time ran out")


def live_hold_over(
    actor: Actor,
    *,
    staff_id: int | None,
    room_id: int | None,
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime,
    lapse: bool = True,
) -> SlotHold | None:
    """The first hold still held over the clinician's or the room's [start, end), after
    lapsing the ones whose time ran out by `now` (`lapse=False`: passing over them, for a
    read that writes nothing)."""
    who = Q(pk__in=[])
    if staff_id is not None:
        who |= Q(staff_id=staff_id)
    if room_id is not None:
        who |= Q(room_id=room_id)
    for hold in (
        SlotHold.objects.filter(who, status=HoldStatus.HELD, start__lt=end, end__gt=start)
        .select_related("staff__user", "room", "patient")
        .order_by("start", "id")
    ):
        if hold.expires_at > now:
            return hold
        if lapse:
            lapse_hold(actor, hold, now)
    return None


def hold_hours(organisation_id: int) -> int:
    """The clinic's hold length (front desk settings), else the default of 4 hours."""
    rules = FrontDeskSettings.objects.filter(organisation_id=organisation_id).first()
    return rules.offer_hold_hours if rules is not None else DEFAULT_HOLD_HOURS
