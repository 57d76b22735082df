"""Two therapists dispensing the last TENS unit at once: one gets it, the other is refused and
the shelf never shows less than zero (PostgreSQL: real row locks between connections)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from cleannote.apps.audit.actions import Actor
from cleannote.apps.inventory.actions import do_dispense
from cleannote.apps.inventory.errors import InventoryRefused
from cleannote.apps.inventory.selectors import on_hand
from cleannote.apps.notes.actions import do_start_note
from tests.apps.inventory.conftest import Shelf

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
RACERS = 4


def test_concurrent_dispenses_cannot_take_the_shelf_below_zero(shelf: Shelf):
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL pointing at PostgreSQL")
    clinic = shelf.clinic
    # given 3 TENS units on the shelf and four drafts, each dispensing one TENS unit... twice
    notes = [
        do_start_note(
            shelf.therapist,
            case=clinic.case,
            therapist=clinic.therapist,
            location=clinic.location,
            date_of_service=clinic.draft_note.date_of_service,
        )
        for _ in range(RACERS)
    ]
    start = threading.Barrier(RACERS)
    given: list[int] = []
    refused: list[str] = []
    errors: list[Exception] = []

    def dispense(index: int) -> None:
        try:
            start.wait()
            actor = Actor(user=clinic.therapist.user, organisation=clinic.organisation)
            try:
                given.append(do_dispense(actor, notes[index], shelf.tens, 1).pk)
            except InventoryRefused as exc:
                refused.append(exc.field)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=dispense, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then exactly three succeed, the fourth is told the shelf is empty, and none went below 0
    assert errors == []
    assert (len(given), refused) == (3, ["quantity"])
    assert on_hand(shelf.tens, clinic.location) == 0
