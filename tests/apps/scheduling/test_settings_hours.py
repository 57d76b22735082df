"""Schedule settings, hours page: a clinician's working hours, breaks and time off added and
removed through the audited actions; refusals on the page, nothing written; time off over
booked visits confirmed only after listing them with links to reschedule (issue 12)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.scheduling.actions import do_add_break
from cleannote.apps.scheduling.models import StaffBreak, TimeOff, Weekday, WorkingHours
from tests.apps.scheduling.conftest import actor_of
from tests.personas import client_for

HOURS = reverse("scheduling:settings_hours")


def _url(staff) -> str:
    return f"{HOURS}?staff={staff.pk}"


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 200), ("front_desk", 200), ("therapist", 200), ("biller", 403)],
)
def test_who_may_open_the_hours_page(calendar, who, status):
    assert client_for(getattr(calendar.clinic, who)).get(HOURS).status_code == status


def test_the_page_shows_the_chosen_clinicians_rows(calendar):
    html = client_for(calendar.clinic.front_desk).get(_url(calendar.clinic.therapist))
    text = html.content.decode()
    assert "Lunch" in text
    assert "Conference" in text
    assert client_for(calendar.clinic.front_desk).get(HOURS, {"staff": "999999"}).status_code == 404


def test_add_and_remove_hours_breaks_and_time_off_each_audited(calendar):
    desk = client_for(calendar.clinic.front_desk)
    otto = calendar.ot
    posts = [
        (
            {
                "what": "hours",
                "weekday": "1",
                "start": "08:00",
                "end": "12:00",
                "location": calendar.annex.pk,
            },
            WorkingHours,
            "working_hours",
        ),
        (
            {"what": "break", "weekday": "1", "start": "10:00", "end": "10:15", "label": "Coffee"},
            StaffBreak,
            "staff_break",
        ),
        (
            {
                "what": "time_off",
                "first_day": "2027-02-01",
                "last_day": "2027-02-03",
                "note": "Course",
            },
            TimeOff,
            "time_off",
        ),
    ]
    for data, model, kind in posts:
        assert desk.post(_url(otto), data).status_code == 302, kind
        row = model.objects.get(staff=otto)
        assert AuditEvent.objects.filter(
            object_type=kind, object_id=str(row.pk), action="create"
        ).exists()
        assert desk.post(_url(otto), {"what": data["what"], "remove": row.pk}).status_code == 302
        assert not model.objects.filter(staff=otto).exists()
        assert AuditEvent.objects.filter(
            object_type=kind, object_id=str(row.pk), action="delete"
        ).exists()
    assert (
        WorkingHours.objects.get(staff=calendar.clinic.therapist).location
        == calendar.clinic.location
    )


REFUSALS = [
    (
        "hours end before start",
        {"what": "hours", "weekday": "0", "start": "12:00", "end": "09:00"},
        "ends before it starts",
    ),
    (
        "hours equal start and end",
        {"what": "hours", "weekday": "0", "start": "09:00", "end": "09:00"},
        "ends before it starts",
    ),
    (
        "hours overlapping Monday's",
        {"what": "hours", "weekday": "0", "start": "16:00", "end": "18:00"},
        "already has Monday hours overlapping",
    ),
    (
        "hours bad time",
        {"what": "hours", "weekday": "0", "start": "25:00", "end": "26:00"},
        "Enter a valid time",
    ),
    (
        "hours bad weekday",
        {"what": "hours", "weekday": "9", "start": "08:00", "end": "09:00"},
        "Select a valid choice",
    ),
    (
        "break end before start",
        {"what": "break", "weekday": "0", "start": "15:00", "end": "14:00"},
        "ends before it starts",
    ),
    (
        "time off end before start",
        {"what": "time_off", "first_day": "2027-03-05", "last_day": "2027-03-01"},
        "ends before it starts",
    ),
    (
        "time off bad date",
        {"what": "time_off", "first_day": "2027-02-30", "last_day": "2027-03-01"},
        "Enter a valid date",
    ),
]


@pytest.mark.parametrize(("case", "data", "says"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refusals_on_the_page_nothing_written(calendar, case, data, says):
    theo = calendar.clinic.therapist

    def counts() -> list[int]:
        return [m.objects.filter(staff=theo).count() for m in (WorkingHours, StaffBreak, TimeOff)]

    before = counts()
    page = client_for(calendar.clinic.front_desk).post(_url(theo), data)
    assert page.status_code == 400
    assert says in page.content.decode()
    assert counts() == before


def test_time_off_over_a_booked_visit_lists_it_then_adds_on_confirm(calendar):
    desk = client_for(calendar.clinic.front_desk)
    theo = calendar.clinic.therapist
    data = {"what": "time_off", "first_day": "2027-01-04", "last_day": "2027-01-04", "note": "Sick"}
    warned = desk.post(_url(theo), data)
    html = warned.content.decode()
    assert warned.status_code == 200
    assert "1 booked visit(s) fall in this time off" in html
    assert reverse("scheduling:appointment", args=[calendar.booked.pk]) in html
    assert calendar.clinic.patient.last_name not in html
    assert not TimeOff.objects.filter(staff=theo, note="Sick").exists()
    assert desk.post(_url(theo), {**data, "confirm": "1"}).status_code == 302
    assert TimeOff.objects.filter(staff=theo, note="Sick").exists()


def test_another_clinics_row_cannot_be_removed(calendar, other_clinic):
    theirs = do_add_break(
        actor_of(other_clinic.therapist),
        staff=other_clinic.therapist,
        weekday=Weekday.MONDAY,
        start=dt.time(12),
        end=dt.time(13),
    )
    page = client_for(calendar.clinic.front_desk).post(
        _url(calendar.clinic.therapist), {"what": "break", "remove": theirs.pk}
    )
    assert page.status_code == 404
    assert StaffBreak.objects.filter(pk=theirs.pk).exists()


def test_query_count_does_not_grow_with_rows(calendar):
    desk = client_for(calendar.clinic.front_desk)
    theo = calendar.clinic.therapist
    with CaptureQueriesContext(connection) as few:
        desk.get(_url(theo))
    for day in range(1, 5):
        desk.post(
            _url(theo),
            {
                "what": "hours",
                "weekday": day,
                "start": "08:00",
                "end": "16:00",
                "location": calendar.annex.pk,
            },
        )
        desk.post(_url(theo), {"what": "break", "weekday": day, "start": "12:00", "end": "12:30"})
    with CaptureQueriesContext(connection) as many:
        desk.get(_url(theo))
    assert len(many) == len(few)


def test_a_therapist_sees_and_sets_only_their_own_hours(calendar):
    """ADR 0612: without SET_ANY_HOURS the page is the signed-in clinician's own, no picker."""
    me = calendar.clinic.therapist
    therapist = client_for(me)
    text = therapist.get(HOURS).content.decode()
    assert 'id="own-hours"' in text
    assert 'id="pick-clinician"' not in text
    assert calendar.ot.display_name not in text
    response = therapist.post(
        HOURS, {"what": "break", "weekday": "2", "start": "15:00", "end": "15:10", "label": "Tea"}
    )
    assert response.status_code == 302
    assert StaffBreak.objects.filter(staff=me, label="Tea").exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_therapist_asking_for_another_clinicians_hours_is_refused_with_a_way_on(calendar, method):
    me = calendar.clinic.therapist
    before = StaffBreak.objects.count()
    client = client_for(me)
    tea = {"what": "break", "weekday": "2", "start": "15:00", "end": "15:10", "label": "Tea"}
    other = _url(calendar.ot)
    response = client.get(other) if method == "get" else client.post(other, tea)
    assert response.status_code == 403
    text = response.content.decode()
    assert "only your own hours" in text
    assert f'href="{HOURS}?staff={me.pk}"' in text
    assert StaffBreak.objects.count() == before


def test_the_owner_and_the_desk_still_set_another_clinicians_hours(calendar):
    for who in ("owner", "front_desk"):
        client = client_for(getattr(calendar.clinic, who))
        response = client.post(
            _url(calendar.ot),
            {"what": "break", "weekday": "3", "start": "15:00", "end": "15:10", "label": who},
        )
        assert response.status_code == 302
        assert StaffBreak.objects.filter(staff=calendar.ot, label=who).exists()
