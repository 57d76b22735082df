"""A slot given back to the waitlist: what `actions` calls after a cancel or a move (ADR 0611).

Kept apart from `waitlist_actions` (which books through `actions`) so `actions` can call it
without importing what imports it.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cleannote.apps.scheduling.models import Appointment, OpenSlot


def record_opened_slot(
    appointment: Appointment,
    reason: str,
    *,
    staff_id: int,
    location_id: int,
    start: dt.datetime,
    end: dt.datetime,
) -> OpenSlot | None:
    """Note the time an appointment gave back, when it is still ahead; the waitlist page
    matches it to open entries. A slot in the past is of no use to anyone."""
    if start <= timezone.now():
        return None
    return OpenSlot.objects.create(
        organisation_id=appointment.organisation_id,
        staff_id=staff_id,
        location_id=location_id,
        start=start,
        end=end,
        source=appointment,
        reason=reason,
    )
