"""The staff pages of the intake app: the builder (owner and manager), the chart's panel with
suggestions to accept, the ABN offer, and check-in listing what is missing (ADR 0960)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.intake.actions import do_publish_consent, do_send_form, do_submit_response
from cleannote.apps.intake.models import AdvanceNotice, IntakeForm
from cleannote.apps.patients.models import Patient
from cleannote.apps.scheduling.actions import do_book_appointment
from tests.personas import Clinic

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "status"),
    [("owner", 200), ("front_desk", 403), ("therapist", 403), ("biller", 403)],
)
def test_who_builds_forms(clinic: Clinic, login, persona: str, status: int):
    assert login(getattr(clinic, persona)).get("/intake/forms/new/").status_code == status


def test_the_builder_publishes_rows_as_a_form_and_names_a_bad_row(clinic: Clinic, login):
    client = login(clinic.owner)
    rows = {
        "name": "New patient", "send_with_booking": "on", "rows": "3",
        "label-0": "Street address", "type-0": "text", "maps_to-0": "address_line1",
        "label-1": "Which side hurts", "type-1": "choice", "choices-1": "Left\nRight",
        "required-1": "on", "label-2": "", "type-2": "text",
    }  # fmt: skip
    response = client.post("/intake/forms/new/", rows)
    form = IntakeForm.objects.get(organisation=clinic.organisation)
    assert response.status_code == 302
    [version] = form.versions.all()
    assert [f["key"] for f in version.fields] == ["street_address", "which_side_hurts"]
    assert version.fields[1]["choices"] == ["Left", "Right"]
    # a choice with one answer is refused, naming the row, and nothing is published
    page = client.post(f"/intake/forms/{form.pk}/", {**rows, "choices-1": "Left"})
    assert page.status_code == 200
    assert "field 2: a choice field needs at least two choices" in page.content.decode()
    assert form.versions.count() == 1


def test_the_panel_lists_suggestions_the_desk_accepts(clinic: Clinic, login):
    owner = Actor(user=clinic.owner.user, organisation=clinic.organisation)
    client = login(clinic.owner)
    client.post(
        "/intake/forms/new/",
        {
            "name": "Contact",
            "rows": "1",
            "label-0": "Phone",
            "type-0": "text",
            "maps_to-0": "phone",
        },
    )
    sent = do_send_form(owner, clinic.patient, IntakeForm.objects.get())
    patient_actor = Actor(user=None, organisation=clinic.organisation, via="patient")
    do_submit_response(patient_actor, sent, {"phone": ["217-555-0101"]}, signed_name="Pat Example")
    desk = login(clinic.front_desk)
    page = desk.get(f"/intake/patients/{clinic.patient.pk}/").content.decode()
    assert "217-555-0101" in page
    assert AuditEvent.objects.filter(object_type="intake_panel", patient_id=clinic.patient.pk)
    [suggestion] = sent.suggestions.all()
    desk.post(
        f"/intake/patients/{clinic.patient.pk}/suggestions/{suggestion.pk}/", {"decision": "accept"}
    )
    assert Patient.objects.get(pk=clinic.patient.pk).phone == "217-555-0101"
    document = desk.get(f"/intake/patients/{clinic.patient.pk}/documents/{sent.pk}/")
    assert "Signed electronically by Pat Example" in document.content.decode()


def test_an_abn_is_offered_from_the_chart_with_a_clear_refusal(clinic: Clinic, login):
    desk = login(clinic.front_desk)
    url = f"/intake/patients/{clinic.patient.pk}/notices/new/"
    bad = desk.post(url, {"codes": "97110", "reason": "maintenance", "estimated_cost": "abc"})
    assert "Enter the estimated cost" in bad.content.decode()
    good = desk.post(url, {"codes": "97110 97112", "reason": "maintenance", "estimated_cost": "90"})
    assert good.status_code == 302
    assert AdvanceNotice.objects.get().codes == ["97110", "97112"]


def test_check_in_lists_the_consent_still_missing(clinic: Clinic, login):
    owner = Actor(user=clinic.owner.user, organisation=clinic.organisation)
    do_publish_consent(owner, clinic.owner, kind="privacy", text="How we use your health data.")
    start = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(hours=1)
    appointment = do_book_appointment(
        owner, patient=clinic.patient, staff=clinic.therapist, location=clinic.location,
        start=start, end=start + dt.timedelta(minutes=45), override_hours=True,
    )  # fmt: skip
    page = login(clinic.front_desk).get(f"/ledger/check-in/{appointment.pk}/").content.decode()
    assert "Notice of privacy practices" in page
    assert f"/intake/patients/{clinic.patient.pk}/" in page
