"""Reads of the waitlist (ADR 0611): the entries still waiting, and each opened slot that no
appointment has taken again with the entries it meets."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from cleannote.apps.organisations.models import Organisation
from cleannote.apps.scheduling.models import (
    Appointment,
    AppointmentStatus,
    HoldStatus,
    OpenSlot,
    SlotHold,
    WaitlistEntry,
    WaitlistStatus,
)
from cleannote.apps.scheduling.waitlist import Slot, Wish, meets

_FREED = (AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW)
WAITING = (WaitlistStatus.OPEN, WaitlistStatus.OFFERED)


def wish_of(entry: WaitlistEntry) -> Wish:
    return Wish(
        clinician_ids=frozenset(s.pk for s in entry.clinicians.all()),
        location_id=entry.location_id,
        weekdays=frozenset(entry.weekdays),
        windows=tuple(
            (dt.time.fromisoformat(low), dt.time.fromisoformat(high)) for low, high in entry.windows
        ),
        earliest=entry.earliest,
        latest=entry.latest,
    )


def slot_of(slot: OpenSlot) -> Slot:
    return Slot(
        staff_id=slot.staff_id,
        location_id=slot.location_id,
        start=timezone.localtime(slot.start),
        end=timezone.localtime(slot.end),
    )


def waiting_entries(organisation: Organisation) -> QuerySet[WaitlistEntry]:
    return (
        WaitlistEntry.objects.filter(organisation=organisation, status__in=WAITING)
        .select_related("patient", "location", "offered_slot__staff__user")
        .prefetch_related("clinicians__user")
        .order_by("created_at", "id")
    )


def open_slots(organisation: Organisation, now: dt.datetime) -> QuerySet[OpenSlot]:
    """Slots still ahead that no appointment holding its time has taken again."""
    taken = Appointment.objects.filter(
        staff_id=OuterRef("staff_id"), start__lt=OuterRef("end"), end__gt=OuterRef("start")
    ).exclude(status__in=_FREED)
    return (
        OpenSlot.objects.filter(organisation=organisation, start__gt=now)
        .exclude(Exists(taken))
        .select_related("staff__user", "location")
        .order_by("start", "id")
    )


@dataclass(frozen=True, slots=True)
class SlotMatches:
    slot: OpenSlot
    entries: list[WaitlistEntry]
    # The offer holding the slot now (ADR 0670): while it stands, no one else is offered it.
    hold: SlotHold | None = None


def live_holds(organisation: Organisation, now: dt.datetime) -> QuerySet[SlotHold]:
    """Holds still held and still in time (one the sweep has not lapsed yet is not shown)."""
    return (
        SlotHold.objects.filter(
            organisation=organisation, status=HoldStatus.HELD, expires_at__gt=now
        )
        .select_related("patient", "staff__user", "room", "location")
        .order_by("start", "id")
    )


def holds_between(
    organisation: Organisation, start: dt.datetime, end: dt.datetime, now: dt.datetime
) -> list[SlotHold]:
    """The holds a calendar page of [start, end) shows as held."""
    return list(live_holds(organisation, now).filter(start__lt=end, end__gt=start))


def slot_matches(
    organisation: Organisation, now: dt.datetime, entries: list[WaitlistEntry]
) -> list[SlotMatches]:
    """Each open slot (one per clinician and time) with the waiting entries it meets."""
    wishes = [(entry, wish_of(entry)) for entry in entries]
    holds = {h.slot_id: h for h in live_holds(organisation, now).filter(start__gt=now)}
    seen: set[tuple[int, dt.datetime]] = set()
    found = []
    for slot in open_slots(organisation, now):
        if (slot.staff_id, slot.start) in seen:
            continue
        seen.add((slot.staff_id, slot.start))
        plain = slot_of(slot)
        hold = holds.get(slot.pk)
        found.append(SlotMatches(slot, [e for e, wish in wishes if meets(plain, wish)], hold))
    return found
