"""On PostgreSQL the database itself refuses two live holds over one clinician's or one room's
time (ADR 0670), as it refuses a double booking (ADR 0600)."""

from __future__ import annotations

import os

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from cleannote.apps.scheduling.models import HoldStatus, SlotHold
from cleannote.apps.scheduling.waitlist_actions import do_offer_slot
from tests.apps.scheduling.test_slot_holds import (  # noqa: F401 (fixtures)
    _entry,
    opened,
    setup,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="needs PostgreSQL (DATABASE_URL): SQLite has no exclusion constraints",
    ),
]


def test_migrate_leaves_two_exclusion_constraints_on_the_hold_table(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'scheduling_slothold'::regclass AND contype = 'x' "
            "ORDER BY conname"
        )
        rows = dict(cursor.fetchall())
    assert sorted(rows) == ["slot_hold_room_no_overlap", "slot_hold_staff_no_overlap"]
    assert "status)::text = 'held'::text" in rows["slot_hold_staff_no_overlap"]


def _copy(hold: SlotHold, **changes: object) -> SlotHold:
    fields = {
        f.attname: getattr(hold, f.attname)
        for f in SlotHold._meta.concrete_fields
        if not f.primary_key
    }
    fields.update(changes)
    return SlotHold(**fields)


def test_a_second_live_hold_written_past_the_actions_is_refused(setup, opened):  # noqa: F811
    slot, _ = opened
    do_offer_slot(setup.actor, entry=_entry(setup), slot=slot, now=timezone.now())
    hold = SlotHold.objects.get()
    other = _entry(setup, "Alex", "Other")
    for changes in ({"room_id": None}, {"staff_id": setup.clinic.assistant.pk}):
        with pytest.raises(IntegrityError), transaction.atomic():
            _copy(hold, entry_id=other.pk, **changes).save()
    # an ended hold gives the time back
    _copy(hold, entry_id=other.pk, status=HoldStatus.RELEASED).save()
    assert SlotHold.objects.count() == 2
