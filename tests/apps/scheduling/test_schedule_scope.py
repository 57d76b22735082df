"""What the schedule opens on (ADR 0676): the location last chosen, a location manager's own
locations, and the clinicians in pages."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cleannote.apps.organisations.actions import do_create_location, do_create_staff
from cleannote.apps.organisations.models import Role
from cleannote.apps.scheduling import calendar_grid
from cleannote.apps.scheduling.actions import do_book_appointment
from tests.apps.scheduling.conftest import MONDAY, Calendar, at
from tests.personas import client_for

WEEK = reverse("scheduling:week")
DAY = reverse("scheduling:day")


def _annex_visit(cal: Calendar) -> int:
    """Otto's Monday visit at the annex, beside Theo's at the main location."""
    visit = do_book_appointment(
        cal.desk, patient=cal.clinic.patient, staff=cal.ot, location=cal.annex,
        start=at(MONDAY, 11), end=at(MONDAY, 11, 30), override_hours=True,
    )  # fmt: skip
    return visit.pk


def _cards(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'id="card-(\d+)"', html)}


def _rows(html: str) -> list[str]:
    return re.findall(r'<th scope="row" class="week-who">([^<]+)</th>', html)


def test_a_location_manager_opens_the_schedule_on_their_locations(calendar):
    # given Mia, who manages the annex and a north site, and a visit at each of two places
    north = do_create_location(
        calendar.clinic.organisation, name="North", address_line1="1 North St",
        city="Springfield", state="IL", zip="62702",
    )  # fmt: skip
    mia = do_create_staff(
        calendar.clinic.organisation, username="mia", password=None, first_name="Mia",
        last_name="Demo", role=Role.MANAGER, managed_locations=[calendar.annex, north],
    )  # fmt: skip
    annex_visit = _annex_visit(calendar)
    manager = client_for(mia)
    # when she opens the week, then only her locations' visits are on it
    opened = manager.get(WEEK, {"day": MONDAY.isoformat()}).content.decode()
    assert _cards(opened) == {annex_visit}
    assert "All of mine" in opened
    choices = re.findall(r'<option value="(\d+)"', opened.split('name="room"')[0])
    assert sorted(map(int, choices)) == sorted([calendar.annex.pk, north.pk])
    # she switches to the other of hers, and the day page remembers it
    assert (
        _cards(
            manager.get(WEEK, {"day": MONDAY.isoformat(), "location": north.pk}).content.decode()
        )
        == set()
    )
    assert _cards(manager.get(DAY, {"day": MONDAY.isoformat()}).content.decode()) == set()
    # a location she does not manage is refused, naming the field
    refused = manager.get(WEEK, {"location": calendar.clinic.location.pk})
    assert refused.status_code == 400
    assert b"location" in refused.content


def test_the_schedule_remembers_the_location_chosen(calendar):
    # given a visit at each location, and a front desk who opens the schedule
    annex_visit = _annex_visit(calendar)
    desk = client_for(calendar.clinic.front_desk)
    day = {"day": MONDAY.isoformat()}
    both = {annex_visit, calendar.booked.pk}
    assert _cards(desk.get(DAY, day).content.decode()) == both
    # when they choose the annex, then it is the annex's day, the list too, and its week next
    chosen = desk.get(DAY, {**day, "location": calendar.annex.pk}).content.decode()
    assert _cards(chosen) == {annex_visit}
    assert f'id="appointment-{calendar.booked.pk}"' not in chosen
    assert _cards(desk.get(WEEK, day).content.decode()) == {annex_visit}
    # when they choose every location again, then both show, and stay chosen
    assert _cards(desk.get(DAY, {**day, "location": ""}).content.decode()) == both
    assert _cards(desk.get(WEEK, day).content.decode()) == both


def test_clinicians_come_in_pages_and_the_day_list_follows_its_page(calendar, monkeypatch):
    # given pages of two clinicians (the clinic has four: the owner, Ada, Otto and Theo)
    monkeypatch.setattr(calendar_grid, "CLINICIANS_PER_PAGE", 2)
    desk = client_for(calendar.clinic.front_desk)
    day = {"day": MONDAY.isoformat()}
    first = desk.get(WEEK, day).content.decode()
    second = desk.get(WEEK, {**day, "page": "2"}).content.decode()
    every = desk.get(WEEK, {**day, "page": "all"}).content.decode()
    # then each page draws two, the pages together every one, with a way to the next
    assert len(_rows(first)) == len(_rows(second)) == 2
    assert sorted(_rows(first) + _rows(second)) == sorted(_rows(every))
    assert len(_rows(every)) == 4
    assert "Clinicians 1–2 of 4" in first
    assert "page=2" in first
    assert "page=2" not in second
    # Theo's visit is on his page only, in the grid and in the day's list
    theo = calendar.clinic.therapist.display_name
    on_page = 1 if theo in _rows(first) else 2
    for number in (1, 2):
        listed = desk.get(DAY, {**day, "page": str(number)}).content.decode()
        shown = f'id="appointment-{calendar.booked.pk}"' in listed
        assert shown is (number == on_page)
        assert (calendar.booked.pk in _cards(listed)) is (number == on_page)


@pytest.mark.parametrize("page", ["0", "x", "-1"])
def test_a_bad_page_is_a_400(calendar, page):
    assert client_for(calendar.clinic.front_desk).get(WEEK, {"page": page}).status_code == 400
