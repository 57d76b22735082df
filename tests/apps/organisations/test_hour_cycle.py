"""The clinic's 12- or 24-hour setting: chosen by the owner, audited, and every page, time input
and PDF that shows a time shows it the same way (ADR 0590)."""

import datetime as dt
import html
import io
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.notes.actions import do_add_treatment_block, do_sign_note, do_start_note
from cleannote.apps.organisations.models import Organisation
from cleannote.apps.scheduling.actions import do_book_appointment
from tests.personas import TODAY

pytestmark = pytest.mark.django_db

# A block from 14:05 to 14:28, a note signed at 15:40 and an appointment at 13:50, clinic time.
WAYS = {
    "12": {"start": "2:05 PM", "stop": "2:28 PM", "signed": "3:40 PM", "booked": "1:50 PM"},
    "24": {"start": "14:05", "stop": "14:28", "signed": "15:40", "booked": "13:50"},
}


def _actor(staff):
    return Actor(user=staff.user, organisation=staff.organisation)


def _at(hour, minute):
    return timezone.make_aware(dt.datetime.combine(TODAY, dt.time(hour, minute)))


@pytest.fixture
def timed(clinic):
    actor = _actor(clinic.therapist)
    notes = []
    for sign in (True, False):
        note = do_start_note(
            actor,
            case=clinic.case,
            therapist=clinic.therapist,
            location=clinic.location,
            date_of_service=TODAY,
            carry_forward=False,
        )
        do_add_treatment_block(
            actor,
            note,
            goals=[clinic.plan.goals.get()],
            code="97110",
            start_time=dt.time(14, 5),
            stop_time=dt.time(14, 28),
        )
        if sign:
            note = do_sign_note(actor, note, clinic.therapist, at=_at(15, 40))
        notes.append(note)
    do_book_appointment(
        _actor(clinic.front_desk),
        patient=clinic.patient,
        staff=clinic.therapist,
        location=clinic.location,
        start=_at(13, 50),
        end=_at(14, 35),
    )
    return notes


@pytest.mark.parametrize("cycle", ["12", "24"])
def test_every_time_on_pages_inputs_and_paper_follows_the_clinic_setting(
    clinic, login, timed, cycle
):
    # given the clinic's setting
    Organisation.objects.filter(pk=clinic.organisation.pk).update(hour_cycle=cycle)
    signed, draft = timed
    way = WAYS[cycle]
    other = WAYS["24" if cycle == "12" else "12"]
    therapist = login(clinic.therapist)

    # when the note page, the editor, the PDF and the day list are read
    page = therapist.get(f"/notes/{signed.pk}/").content.decode()
    editor = therapist.get(f"/notes/{draft.pk}/edit/").content.decode()
    pdf = therapist.get(f"/notes/{signed.pk}/pdf/").content
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    day = therapist.get(f"/schedule/?day={TODAY:%Y-%m-%d}").content.decode()

    # then each shows the one way, and never the other
    block = f"{way['start']}–{way['stop']}"
    assert block in page
    assert f"signed {TODAY.day} {TODAY:%b %Y} {way['signed']}" in page
    assert f'value="{way["start"]}"' in editor
    assert f'value="{way["stop"]}"' in editor
    assert f'placeholder="e.g. {WAYS[cycle]["start"]}"' in editor
    assert f'data-hour-cycle="{cycle}"' in editor
    assert block in text
    assert f"{TODAY.day} {TODAY:%b %Y} {way['signed']}" in text
    assert f"{way['booked']}–" in day
    for shown in (page, editor, text, day):
        assert other["start"] not in shown
        assert other["signed"] not in shown


@pytest.mark.parametrize(
    ("cycle", "typed", "saved", "message"),
    [
        ("12", "2:40 PM", dt.time(14, 40), None),
        ("12", "14:40", dt.time(14, 40), None),
        ("24", "2:40 pm", dt.time(14, 40), None),
        ("12", "2:75 PM", None, "'2:75 PM' is not a time; write it as 2:05 PM"),
        ("24", "quarter past", None, "'quarter past' is not a time; write it as 14:05"),
        ("12", "1:00 PM", None, "stop 1:00 PM is before start 2:05 PM"),
        ("24", "13:00", None, "stop 13:00 is before start 14:05"),
    ],
    ids=["12h", "24h-typed-in-12h", "12h-typed-in-24h", "bad-12", "bad-24", "early-12", "early-24"],
)
def test_a_typed_stop_time_is_read_either_way_and_refused_in_the_clinic_way(
    clinic, login, timed, cycle, typed, saved, message
):
    # given the draft's block from 14:05
    Organisation.objects.filter(pk=clinic.organisation.pk).update(hour_cycle=cycle)
    draft = timed[1]
    block = draft.blocks.get()

    # when the therapist types the stop time
    response = login(clinic.therapist).post(
        f"/notes/{draft.pk}/live/",
        {f"b{block.pk}-present": "1", f"b{block.pk}-start": "14:05", f"b{block.pk}-stop": typed},
    )

    # then it saves, or the field says why not, in the clinic's way of writing times
    assert response.status_code == 200
    block.refresh_from_db()
    if saved is not None:
        assert block.stop_time == saved
    else:
        assert block.stop_time == dt.time(14, 28)
        assert message in html.unescape(response.content.decode())


def test_the_owner_chooses_24_hour_times_on_the_staff_page_with_an_audit_row(clinic, login):
    # given a clinic on the default
    assert Organisation.objects.get(pk=clinic.organisation.pk).hour_cycle == "12"
    owner = login(clinic.owner)
    assert re.search(r'value="12"[^>]* checked', owner.get("/staff/").content.decode())

    # when the owner picks 24-hour
    response = owner.post("/staff/times/", {"hour_cycle": "24"})

    # then it is saved, audited, and said
    assert response.status_code == 302
    assert Organisation.objects.get(pk=clinic.organisation.pk).hour_cycle == "24"
    assert AuditEvent.objects.filter(object_type="organisation.hour_cycle").count() == 1
    page = owner.get("/staff/").content.decode()
    assert re.search(r'value="24"[^>]* checked', page)
    assert "Times are now shown 24-hour (14:05)." in html.unescape(page)


@pytest.mark.parametrize(("who", "status"), [("therapist", 403), ("biller", 403)])
def test_only_the_owner_sets_the_clinic_times(clinic, login, who, status):
    response = login(getattr(clinic, who)).post("/staff/times/", {"hour_cycle": "24"})
    assert response.status_code == status
    assert Organisation.objects.get(pk=clinic.organisation.pk).hour_cycle == "12"


def test_a_choice_that_is_neither_cycle_is_refused_with_a_message(clinic, login):
    owner = login(clinic.owner)
    response = owner.post("/staff/times/", {"hour_cycle": "36"}, follow=True)
    assert "Choose 12-hour or 24-hour times." in response.content.decode()
    assert Organisation.objects.get(pk=clinic.organisation.pk).hour_cycle == "12"
