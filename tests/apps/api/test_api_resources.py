"""Each resource of the JSON API (ADR 0901): read through the apps' selectors and audited like
the page that shows it; booked, cancelled, drafted and imported through the apps' actions."""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.claims.actions import do_create_claim_from_note
from cleannote.apps.ledger.actions import do_record_patient_payment
from cleannote.apps.notes.models import Note
from cleannote.apps.patients.measure_actions import do_record_outcome_measure
from cleannote.apps.patients.models import RtmEnrolment
from cleannote.apps.patients.rtm_actions import do_enrol_rtm
from cleannote.apps.scheduling.models import Appointment
from tests.personas import TODAY

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def _actor(staff):
    return Actor(user=staff.user, organisation=staff.organisation)


def test_patients_list_and_read_are_audited_like_the_pages(clinic, api):
    client = api("read")
    listed = client.get("/api/v1/patients").json()
    assert listed["total"] == 1
    assert listed["items"][0]["last_name"] == "Example"
    read = client.get(f"/api/v1/patients/{clinic.patient.pk}").json()
    assert read["birth_date"] == "1960-05-01"
    events = AuditEvent.objects.filter(actor_username__startswith="api token ").order_by("pk")
    listing, viewing = events
    assert (listing.action, listing.object_type) == ("list", "api_patient_list")
    assert listing.ip_address == "10.7.7.7"
    assert [row.patient_id for row in listing.shown_patients.all()] == [clinic.patient.pk]
    assert (viewing.action, viewing.patient_id) == ("view", clinic.patient.pk)


def test_coverages_and_cases(clinic, api):
    client = api("read", "billing")
    coverages = client.get(f"/api/v1/coverages?patient_id={clinic.patient.pk}").json()["items"]
    assert [row["member_id"] for row in coverages] == ["1EG4TE5MK73"]
    one = client.get(f"/api/v1/coverages/{coverages[0]['id']}").json()
    assert one["kind"] == "medicare"
    case = client.get(f"/api/v1/cases/{clinic.case.pk}").json()
    assert (case["discipline"], case["patient_id"]) == ("PT", clinic.patient.pk)
    assert client.get("/api/v1/cases").json()["total"] == 1


def _start(hour):
    day = TODAY + dt.timedelta(days=(7 - TODAY.weekday()) % 7 or 7)  # a Monday ahead
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def test_book_then_cancel_through_the_calendars_actions(clinic, api, settings):
    client = api("read", "write")
    body = {
        "patient_id": clinic.patient.pk,
        "staff_id": clinic.therapist.pk,
        "location_id": clinic.location.pk,
        "start": _start(10).isoformat(),
        "end": (_start(10) + dt.timedelta(minutes=45)).isoformat(),
    }
    booked = client.post("/api/v1/appointments", body, content_type="application/json")
    assert booked.status_code == 201, booked.content
    appointment = Appointment.objects.get()
    assert booked.json()["id"] == appointment.pk
    assert AuditEvent.objects.filter(object_type="appointment", action="create").get()\
        .actor_username.startswith("api token ")  # fmt: skip
    # the same clinician at the same time: the calendar's clash, 409
    clash = client.post("/api/v1/appointments", body, content_type="application/json")
    assert clash.status_code == 409
    assert clash.json()["error"]["code"] == "scheduling_clinician_booked"
    # a time without its offset: 422
    naive = {**body, "start": _start(12).replace(tzinfo=None).isoformat(), "end": None}
    refused = client.post("/api/v1/appointments", naive, content_type="application/json")
    assert refused.status_code == 422
    # another organisation's clinician named in the body: 422 on that field
    wrong = client.post("/api/v1/appointments", {**body, "staff_id": 999999},
                        content_type="application/json")  # fmt: skip
    assert wrong.json()["error"]["field"] == "staff_id"
    cancel = f"/api/v1/appointments/{appointment.pk}/cancel"
    done = client.post(cancel, {"reason": "patient"}, content_type="application/json")
    assert done.json()["status"] == "cancelled"
    again = client.post(cancel, {"reason": "patient"}, content_type="application/json")
    assert again.status_code == 409
    assert client.get(f"/api/v1/appointments/{appointment.pk}").json()["cancel_reason"] == (
        "patient"
    )


def test_notes_read_and_a_draft_from_the_visit_format(clinic, api):
    client = api("read", "write")
    listed = client.get(f"/api/v1/notes?patient_id={clinic.patient.pk}").json()
    assert {row["status"] for row in listed["items"]} == {"signed", "draft"}
    note = client.get(f"/api/v1/notes/{clinic.signed_note.pk}").json()
    assert note["blocks"][0]["code"] == "97110"
    # a draft from one visit of the public format
    visit = json.loads((EXAMPLES / "medicare-pt-follow-up.json").read_text())
    body = {
        "case_id": clinic.case.pk,
        "therapist_id": clinic.therapist.pk,
        "location_id": clinic.location.pk,
        "visit": visit,
    }
    made = client.post("/api/v1/notes", body, content_type="application/json")
    assert made.status_code == 201, made.content
    draft = Note.objects.get(pk=made.json()["id"])
    assert draft.status == "draft"
    assert draft.therapist == clinic.therapist
    assert str(draft.date_of_service) == visit["date_of_service"]
    codes = [service["code"] for service in visit["services"]]
    assert [block.code for block in draft.blocks.order_by("order")] == codes
    # a bad field of the visit is 422 naming its path
    visit["services"][0]["minutes"] = "many"
    bad = client.post("/api/v1/notes", {**body, "visit": visit}, content_type="application/json")
    assert bad.status_code == 422
    assert bad.json()["error"]["field"].startswith("visit.services")


def test_claims_status_and_payments(clinic, billing, api):
    biller = _actor(clinic.biller)
    claim = do_create_claim_from_note(biller, billing.note)
    do_record_patient_payment(biller, clinic.patient, amount=Decimal("25.00"), method="cash")
    client = api("billing")
    read = client.get(f"/api/v1/claims/{claim.pk}").json()
    assert (read["status"], read["note_id"]) == (claim.status, billing.note.pk)
    assert client.get("/api/v1/claims").json()["total"] == 1
    payments = client.get("/api/v1/payments").json()["items"]
    assert [row["amount"] for row in payments] == ["25.00"]
    assert client.get(f"/api/v1/payments/{payments[0]['id']}").json()["method"] == "cash"


def test_outcome_measures_and_rtm_days_imported(clinic, api):
    therapist = _actor(clinic.therapist)
    do_record_outcome_measure(
        therapist, case=clinic.case, recorded_by=clinic.therapist, instrument_code="LEFS",
        measured_on=TODAY, today=TODAY, total="42",
    )  # fmt: skip
    client = api("read", "write")
    measures = client.get(f"/api/v1/outcome-measures?case_id={clinic.case.pk}").json()["items"]
    assert [(row["instrument"], row["score"]) for row in measures] == [("LEFS", "42.00")]
    start = TODAY - dt.timedelta(days=5)
    enrolment = do_enrol_rtm(
        therapist,
        clinic.case,
        RtmEnrolment(plan=clinic.plan, device="KneeCoach app", start_date=start,
                     supervising=clinic.therapist),
    )  # fmt: skip
    days = "\n".join(
        f"{start + dt.timedelta(days=i):%Y-%m-%d},RTM-{enrolment.pk},3" for i in range(3)
    )
    path = f"/api/v1/rtm/enrolments/{enrolment.pk}/days"
    imported = client.post(path, {"csv": f"date,patient,readings\n{days}\n"},
                           content_type="application/json")  # fmt: skip
    assert imported.json() == {"enrolment_id": enrolment.pk, "added": 3}
    assert [row["source"] for row in client.get(path).json()] == ["imported"] * 3
    bad = client.post(path, {"csv": "date,patient,readings\nsoon,RTM-1,3\n"},
                      content_type="application/json")  # fmt: skip
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "rtm_csv_invalid"
