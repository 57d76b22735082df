"""Schedule settings: rooms and appointment types added, edited inline and taken out of
booking through the audited actions; refusals on the page (never a 500, nothing written);
access by role; the page's query count flat in the number of rows (issue 12)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.organisations.actions import do_create_location, do_create_room
from cleannote.apps.organisations.models import Room
from cleannote.apps.scheduling.models import AppointmentType
from tests.apps.scheduling.conftest import actor_of
from tests.personas import client_for

SETTINGS = reverse("scheduling:settings")


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 200), ("front_desk", 200), ("therapist", 200), ("biller", 403)],
)
def test_who_may_open_schedule_settings(calendar, who, status):
    page = client_for(getattr(calendar.clinic, who)).get(SETTINGS)
    assert page.status_code == status


def test_the_page_lists_rooms_and_types_and_is_linked_from_the_week(calendar):
    desk = client_for(calendar.clinic.front_desk)
    html = desk.get(SETTINGS).content.decode()
    assert f'id="room-{calendar.pool.pk}"' in html
    assert 'value="pool, hoist"' in html
    assert f'id="type-{calendar.types[("PT", "Follow-up")].pk}"' in html
    week = desk.get(reverse("scheduling:week"), {"day": "2027-01-04"}).content.decode()
    assert f'href="{SETTINGS}" id="schedule-settings"' in week
    owner = client_for(calendar.clinic.owner).get(reverse("front_desk:settings")).content.decode()
    assert f'href="{SETTINGS}"' in owner


def test_add_edit_and_deactivate_a_room_each_audited(calendar):
    desk = client_for(calendar.clinic.front_desk)
    added = desk.post(
        SETTINGS,
        {"what": "add_room", "location": calendar.annex.pk, "name": " Gym  ", "equipment": "bike"},
    )
    assert added.status_code == 302
    gym = Room.objects.get(location=calendar.annex, name="Gym")
    assert (
        desk.post(
            SETTINGS, {"what": "edit_room", "pk": gym.pk, "name": "Gym B", "equipment": "bike, mat"}
        ).status_code
        == 302
    )
    assert (
        desk.post(SETTINGS, {"what": "room_active", "pk": gym.pk, "active": "0"}).status_code == 302
    )
    gym.refresh_from_db()
    assert (gym.name, gym.equipment, gym.active) == ("Gym B", "bike, mat", False)
    events = AuditEvent.objects.filter(object_type="room", object_id=str(gym.pk))
    assert [e.action for e in events.order_by("pk")] == ["create", "update", "update"]


def test_add_edit_and_stop_offering_a_type_each_audited(calendar):
    desk = client_for(calendar.clinic.front_desk)
    row = {
        "name": "Dry needling",
        "discipline": "PT",
        "default_minutes": "30",
        "needs_equipment": "Plinth",
    }
    assert desk.post(SETTINGS, {"what": "add_type", **row}).status_code == 302
    kind = AppointmentType.objects.get(name="Dry needling")
    assert (kind.needs_room, kind.needs_equipment) == (True, "plinth")
    changed = {**row, "default_minutes": "40", "needs_equipment": ""}
    assert desk.post(SETTINGS, {"what": "edit_type", "pk": kind.pk, **changed}).status_code == 302
    assert (
        desk.post(SETTINGS, {"what": "type_active", "pk": kind.pk, "active": "0"}).status_code
        == 302
    )
    kind.refresh_from_db()
    assert (kind.default_minutes, kind.needs_room, kind.active) == (40, False, False)
    events = AuditEvent.objects.filter(object_type="appointment_type", object_id=str(kind.pk))
    assert events.count() == 3


ROOM_REFUSALS = [
    ("blank name", {"name": "   "}, "This field is required"),
    ("same name at the location", {"name": "pool"}, "already has a room called pool"),
]


@pytest.mark.parametrize(
    ("case", "change", "says"), ROOM_REFUSALS, ids=[r[0] for r in ROOM_REFUSALS]
)
def test_room_refusals_shown_on_the_page_nothing_written(calendar, case, change, says):
    desk = client_for(calendar.clinic.front_desk)
    for what, extra in (
        ("add_room", {"location": calendar.clinic.location.pk}),
        ("edit_room", {"pk": calendar.room.pk}),
    ):
        before = list(Room.objects.values_list("pk", "name", "equipment"))
        page = desk.post(SETTINGS, {"what": what, "equipment": "", **extra, **change})
        assert page.status_code == 400, (case, what)
        assert says in page.content.decode(), (case, what)
        assert list(Room.objects.values_list("pk", "name", "equipment")) == before


TYPE_REFUSALS = [
    ("blank name", {"name": " "}, "This field is required"),
    ("too short", {"default_minutes": "4"}, "greater than or equal to 5"),
    ("too long", {"default_minutes": "481"}, "less than or equal to 480"),
    ("not a number", {"default_minutes": "an hour"}, "Enter a whole number"),
    ("unknown discipline", {"discipline": "XX"}, "Select a valid choice"),
    ("same name and discipline", {"name": "evaluation"}, "already exists for that discipline"),
]


@pytest.mark.parametrize(
    ("case", "change", "says"), TYPE_REFUSALS, ids=[r[0] for r in TYPE_REFUSALS]
)
def test_type_refusals_shown_on_the_page_nothing_written(calendar, case, change, says):
    desk = client_for(calendar.clinic.front_desk)
    other = calendar.types[("PT", "Follow-up")]
    row = {"name": "Aquatic", "discipline": "PT", "default_minutes": "45", **change}
    for what, extra in (("add_type", {}), ("edit_type", {"pk": other.pk})):
        before = list(AppointmentType.objects.values_list("pk", "name", "default_minutes"))
        page = desk.post(SETTINGS, {"what": what, **row, **extra})
        assert page.status_code == 400, (case, what)
        assert says in page.content.decode(), (case, what)
        assert list(AppointmentType.objects.values_list("pk", "name", "default_minutes")) == before


def test_another_organisations_row_is_a_404(calendar, other_clinic):
    harbor = do_create_location(
        other_clinic.organisation,
        name="Harbor",
        address_line1="1 Quay",
        city="Salem",
        state="MA",
        zip="01970",
    )
    theirs = do_create_room(actor_of(other_clinic.therapist), location=harbor, name="Theirs")
    desk = client_for(calendar.clinic.front_desk)
    page = desk.post(SETTINGS, {"what": "room_active", "pk": theirs.pk, "active": "0"})
    assert page.status_code == 404
    assert Room.objects.get(pk=theirs.pk).active


def test_query_count_does_not_grow_with_rooms(calendar):
    desk = client_for(calendar.clinic.front_desk)
    with CaptureQueriesContext(connection) as few:
        desk.get(SETTINGS)
    for n in range(10):
        do_create_room(calendar.desk, location=calendar.annex, name=f"Bay {n}")
    with CaptureQueriesContext(connection) as many:
        desk.get(SETTINGS)
    assert len(many) == len(few)


HX = {"HTTP_HX_REQUEST": "true"}


def test_an_htmx_save_answers_the_row_alone_saved_and_audited(calendar):
    """ADR 0616: with htmx the answer is the row (no redirect, no page), saying what was saved."""
    desk = client_for(calendar.clinic.front_desk)
    room = calendar.room
    answer = desk.post(
        SETTINGS, {"what": "edit_room", "pk": room.pk, "name": "Pool B", "equipment": "lift"}, **HX
    )
    assert answer.status_code == 200
    html = answer.content.decode()
    assert f'<tr id="room-{room.pk}"' in html
    assert "<h1>" not in html
    assert f'id="room-{room.pk}-said"' in html
    room.refresh_from_db()
    assert (room.name, room.equipment) == ("Pool B", "lift")
    assert AuditEvent.objects.filter(object_type="room", object_id=str(room.pk)).exists()
    out = desk.post(SETTINGS, {"what": "room_active", "pk": room.pk, "active": "0"}, **HX)
    assert "Bring back" in out.content.decode()


@pytest.mark.parametrize(
    ("case", "change", "says"), ROOM_REFUSALS, ids=[r[0] for r in ROOM_REFUSALS]
)
def test_an_htmx_room_refusal_is_in_the_row_with_what_was_typed(calendar, case, change, says):
    desk = client_for(calendar.clinic.front_desk)
    before = list(Room.objects.values_list("pk", "name", "equipment"))
    answer = desk.post(
        SETTINGS,
        {"what": "edit_room", "pk": calendar.room.pk, "equipment": "typed", **change},
        **HX,
    )
    assert answer.status_code == 200  # htmx swaps no 4xx answer
    html = answer.content.decode()
    assert f'id="room-{calendar.room.pk}-error"' in html
    assert says in html
    assert 'value="typed"' in html
    assert list(Room.objects.values_list("pk", "name", "equipment")) == before


@pytest.mark.parametrize(
    ("case", "change", "says"), TYPE_REFUSALS, ids=[r[0] for r in TYPE_REFUSALS]
)
def test_an_htmx_type_refusal_is_in_the_row(calendar, case, change, says):
    desk = client_for(calendar.clinic.front_desk)
    kind = calendar.types[("PT", "Follow-up")]
    data = {
        "what": "edit_type",
        "pk": kind.pk,
        "name": "Aquatic",
        "discipline": "PT",
        "default_minutes": "45",
        **change,
    }
    before = list(AppointmentType.objects.values_list("pk", "name", "default_minutes"))
    answer = desk.post(SETTINGS, data, **HX)
    assert answer.status_code == 200
    html = answer.content.decode()
    assert f'id="type-{kind.pk}-error"' in html
    assert says in html
    assert list(AppointmentType.objects.values_list("pk", "name", "default_minutes")) == before
