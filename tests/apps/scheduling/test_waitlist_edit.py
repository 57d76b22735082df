"""Editing and removing a waitlist entry (ADR 0615): the wish changes through an audited
action, removal needs a reason kept in the audit row, and times show and are read in the
clinic's 12- or 24-hour way."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.scheduling.models import WaitlistEntry, WaitlistStatus
from cleannote.apps.scheduling.waitlist import parse_windows, windows_text
from cleannote.apps.scheduling.waitlist_actions import do_add_waitlist_entry
from cleannote.platform.clock import HourCycle, format_time, parse_time
from tests.apps.scheduling.series_fixtures import MONDAY, series_setup


@pytest.fixture
def setup(clinic):  # type: ignore[no-untyped-def]
    return series_setup(clinic)


def _entry(setup) -> WaitlistEntry:  # type: ignore[no-untyped-def]
    return do_add_waitlist_entry(
        setup.actor,
        patient=setup.clinic.patient,
        clinicians=[setup.clinic.therapist],
        weekdays=[0],
        windows=[(dt.time(8), dt.time(12))],
        note="mornings",
    )


@pytest.mark.parametrize(
    ("text", "windows"),
    [
        ("8:00 AM-12:00 PM", ((dt.time(8), dt.time(12)),)),
        (
            "2:00 PM – 5:30 PM, 18:00-19:00",
            ((dt.time(14), dt.time(17, 30)), (dt.time(18), dt.time(19))),
        ),
        ("08:00-12:00", ((dt.time(8), dt.time(12)),)),
    ],
)
def test_windows_are_read_in_either_cycle(text, windows) -> None:
    assert parse_windows(text, parse_time) == windows


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("mornings", "not a window"),
        ("13:00 PM-2:00 PM", "does not exist"),
        ("5 PM-9 AM", "ends before"),
    ],
)
def test_a_wrong_window_in_either_cycle_says_which(text, says) -> None:
    with pytest.raises(ValueError, match=says):
        parse_windows(text, parse_time)


@pytest.mark.parametrize(
    ("cycle", "shown"),
    [(HourCycle.H12, "8:00 AM–12:00 PM"), (HourCycle.H24, "08:00–12:00")],
)
def test_windows_show_in_the_clinics_cycle(cycle, shown) -> None:
    assert windows_text([["08:00", "12:00"]], lambda t: format_time(t, cycle)) == shown


@pytest.mark.parametrize(("cycle", "shown"), [("12", "8:00 AM"), ("24", "08:00")])
def test_the_waitlist_page_shows_times_the_clinics_way(setup, login, cycle, shown) -> None:
    organisation = setup.clinic.organisation
    organisation.hour_cycle = cycle
    organisation.save(update_fields=["hour_cycle"])
    _entry(setup)
    html = login(setup.clinic.front_desk).get(reverse("scheduling:waitlist")).content.decode()
    assert shown in html
    if cycle == "12":
        assert "08:00-12:00" not in html


def test_edit_changes_the_wish_audited(setup, login) -> None:
    entry = _entry(setup)
    client = login(setup.clinic.front_desk)
    url = reverse("scheduling:waitlist_edit", args=[entry.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="8:00 AM-12:00 PM"' in page.content.decode()
    response = client.post(
        url,
        {
            "do": "save",
            "clinicians": [setup.clinic.assistant.pk],
            "location": setup.clinic.location.pk,
            "weekdays": ["1", "3"],
            "windows": "1:00 PM-5:00 PM",
            "earliest": MONDAY.isoformat(),
            "latest": (MONDAY + dt.timedelta(days=20)).isoformat(),
            "note": "afternoons now",
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert list(entry.clinicians.all()) == [setup.clinic.assistant]
    assert entry.location == setup.clinic.location
    assert entry.weekdays == [1, 3]
    assert entry.windows == [["13:00", "17:00"]]
    assert (entry.earliest, entry.latest) == (MONDAY, MONDAY + dt.timedelta(days=20))
    assert entry.note == "afternoons now"
    assert entry.patient == setup.clinic.patient  # the patient is not on the edit form
    assert AuditEvent.objects.filter(
        object_type="waitlist_entry", object_id=str(entry.pk), action="update"
    ).exists()


def test_a_wrong_edit_is_shown_on_the_form_and_writes_nothing(setup, login) -> None:
    entry = _entry(setup)
    url = reverse("scheduling:waitlist_edit", args=[entry.pk])
    response = login(setup.clinic.front_desk).post(
        url,
        {
            "do": "save",
            "windows": "5 PM-9 AM",
            "earliest": "2026-12-20",
            "latest": "2026-12-10",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "ends before it starts" in body
    assert "must not be before the earliest day" in body
    entry.refresh_from_db()
    assert entry.windows == [["08:00", "12:00"]]


def test_remove_needs_a_reason_kept_in_the_audit_row(setup, login) -> None:
    entry = _entry(setup)
    client = login(setup.clinic.front_desk)
    url = reverse("scheduling:waitlist_edit", args=[entry.pk])
    refused = client.post(url, {"do": "remove", "reason": "  "})
    assert refused.status_code == 400
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.OPEN
    done = client.post(url, {"do": "remove", "reason": "booked at another clinic"})
    assert done.status_code == 302
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.WITHDRAWN
    event = AuditEvent.objects.filter(object_type="waitlist_entry").latest("pk")
    assert event.reason == "withdrawn: booked at another clinic"
    # a removed entry is no longer edited
    again = client.post(url, {"do": "remove", "reason": "twice"})
    assert "is withdrawn" in again.content.decode()


def test_another_organisations_entry_is_a_404_and_biller_is_refused(
    setup, login, other_clinic
) -> None:
    entry = _entry(setup)
    url = reverse("scheduling:waitlist_edit", args=[entry.pk])
    assert login(other_clinic.therapist).get(url).status_code == 404
    assert login(setup.clinic.biller).get(url).status_code == 403
