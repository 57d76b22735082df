"""The chart's medication list (ADR 0964): its actions (one transaction, an audit row inside),
who may write it (the front desk and the clinicians; a biller reads), its pages, and the
demo's list accepted from an intake answer."""

from __future__ import annotations

import datetime as dt

import pytest

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.patients.chart_actions import ChartChangeRefused
from cleannote.apps.patients.clinical_access import ChartAccessRefused
from cleannote.apps.patients.medication_actions import (
    do_add_medication,
    do_add_reported_medications,
    do_change_medication,
    do_stop_medication,
)
from cleannote.apps.patients.models import Medication, MedicationSource
from cleannote.rules.medication_lines import parse_lines
from tests.personas import TODAY, Clinic, OtherClinic

pytestmark = pytest.mark.django_db


def _actor(staff) -> Actor:
    return Actor(user=staff.user, organisation=staff.organisation)


def _audit(kind: str, row: Medication) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type=kind, object_id=str(row.pk)).values_list(
            "reason", flat=True
        )
    )


def test_a_medication_is_added_changed_and_stopped_with_its_audit_rows(clinic: Clinic):
    desk = _actor(clinic.front_desk)
    # when the desk adds one
    row = do_add_medication(
        desk, clinic.patient, name=" Ibuprofen ", dose="200 mg", frequency="twice a day",
        started_on=TODAY - dt.timedelta(days=30), today=TODAY,
    )  # fmt: skip
    # then it is on the list, recorded by the desk, from staff entry
    assert (row.name, row.source, row.recorded_by_id, row.is_current) == (
        "Ibuprofen", MedicationSource.STAFF, clinic.front_desk.pk, True,
    )  # fmt: skip
    assert AuditEvent.objects.filter(
        object_type="medication", object_id=str(row.pk), patient_id=clinic.patient.pk
    ).exists()
    # when the therapist corrects the dose, with a reason
    changed = do_change_medication(
        _actor(clinic.therapist), row, reason="patient brought the bottle", today=TODAY,
        dose="400 mg", frequency="twice a day",
    )  # fmt: skip
    assert changed == ["dose"]
    assert _audit("medication.dose", row) == ["patient brought the bottle"]
    # when the assistant stops it
    do_stop_medication(
        _actor(clinic.assistant), row, stopped_on=TODAY, reason="finished", today=TODAY
    )
    row.refresh_from_db()
    assert (row.dose, row.stopped_on, row.is_current) == ("400 mg", TODAY, False)
    assert _audit("medication.stopped_on", row) == ["finished"]
    # and a stopped one cannot be stopped again
    with pytest.raises(ChartChangeRefused, match="stopped already"):
        do_stop_medication(desk, row, stopped_on=TODAY, reason="again", today=TODAY)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "ibuprofen"}, "name"),
        ({"name": "naproxen", "dose": "x" * 61}, "dose"),
        ({"name": "naproxen", "started_on": TODAY + dt.timedelta(days=1)}, "started_on"),
    ],
    ids=["no-name", "already-on-the-list", "dose-too-long", "start-ahead"],
)
def test_a_wrong_medication_is_refused_naming_the_field(clinic: Clinic, changes, field):
    desk = _actor(clinic.front_desk)
    do_add_medication(desk, clinic.patient, name="Ibuprofen", today=TODAY)
    with pytest.raises(ChartChangeRefused) as refused:
        do_add_medication(desk, clinic.patient, today=TODAY, **changes)
    assert refused.value.field == field
    assert Medication.objects.filter(patient=clinic.patient).count() == 1


def test_a_stop_before_the_start_or_ahead_is_refused(clinic: Clinic):
    desk = _actor(clinic.front_desk)
    row = do_add_medication(
        desk, clinic.patient, name="Naproxen", started_on=TODAY - dt.timedelta(days=3), today=TODAY
    )
    for day in (TODAY - dt.timedelta(days=4), TODAY + dt.timedelta(days=1)):
        with pytest.raises(ChartChangeRefused):
            do_stop_medication(desk, row, stopped_on=day, reason="stopped", today=TODAY)
    with pytest.raises(ChartChangeRefused, match="reason"):
        do_stop_medication(desk, row, stopped_on=TODAY, reason=" ", today=TODAY)
    assert Medication.objects.get(pk=row.pk).stopped_on is None


def test_who_may_write_the_list(clinic: Clinic, other_clinic: OtherClinic):
    for staff in (clinic.owner, clinic.therapist, clinic.assistant, clinic.front_desk):
        do_add_medication(_actor(staff), clinic.patient, name=f"med {staff.pk}", today=TODAY)
    with pytest.raises(ChartAccessRefused):
        do_add_medication(_actor(clinic.biller), clinic.patient, name="aspirin", today=TODAY)
    # another clinic's staff do not reach this patient
    with pytest.raises(ChartChangeRefused, match="not in this organisation"):
        do_add_medication(
            _actor(other_clinic.therapist), clinic.patient, name="aspirin", today=TODAY
        )
    assert Medication.objects.filter(patient=clinic.patient).count() == 4


def test_reported_medications_skip_those_on_the_list_by_name(clinic: Clinic):
    desk = _actor(clinic.front_desk)
    do_add_medication(desk, clinic.patient, name="IBUPROFEN", dose="400 mg", today=TODAY)
    stopped = do_add_medication(desk, clinic.patient, name="Naproxen", today=TODAY)
    do_stop_medication(desk, stopped, stopped_on=TODAY, reason="switched", today=TODAY)
    lines = parse_lines("ibuprofen 200 mg twice a day\nLisinopril 10 mg daily\nnaproxen 250 mg")
    added, there = do_add_reported_medications(
        desk, clinic.patient, lines, answer_id=77, today=TODAY
    )
    # the stopped naproxen is taken again: it is added; ibuprofen is on the list already
    assert [m.name for m in added] == ["Lisinopril", "naproxen"]
    assert [line.name for line in there] == ["ibuprofen"]
    lisinopril = added[0]
    assert (lisinopril.dose, lisinopril.frequency, lisinopril.source) == (
        "10 mg", "daily", MedicationSource.INTAKE,
    )  # fmt: skip
    assert lisinopril.source_answer_id == 77
    assert _audit("medication", lisinopril) == ["accepted from intake answer 77"]


def _url(patient_id: int, tail: str = "") -> str:
    return f"/patients/{patient_id}/medications/{tail}"


def test_the_panel_adds_changes_and_stops_and_a_biller_only_reads(clinic: Clinic, login):
    desk = login(clinic.front_desk)
    # the inline form, then a save back to the chart
    form = desk.get(_url(clinic.patient.pk, "add/"), HTTP_HX_REQUEST="true")
    assert form.status_code == 200
    assert 'id="medication-form"' in form.content.decode()
    assert "<html" not in form.content.decode()
    saved = desk.post(
        _url(clinic.patient.pk, "add/"),
        {"name": "Ibuprofen", "dose": "200 mg", "frequency": "twice a day"},
    )
    assert saved.status_code == 302
    assert saved["Location"].endswith(f"/patients/{clinic.patient.pk}/#h-medications")
    row = Medication.objects.get(patient=clinic.patient)
    # a refusal is put on the form, never a 500
    again = desk.post(_url(clinic.patient.pk, "add/"), {"name": "ibuprofen"})
    assert again.status_code == 200
    assert "on the list: change it instead" in again.content.decode()
    # a change asks a reason
    no_reason = desk.post(
        _url(clinic.patient.pk, f"{row.pk}/"), {"name": "Ibuprofen", "dose": "400 mg"}
    )
    assert no_reason.status_code == 200
    desk.post(
        _url(clinic.patient.pk, f"{row.pk}/"),
        {"name": "Ibuprofen", "dose": "400 mg", "frequency": "twice a day", "reason": "bottle"},
    )
    desk.post(
        _url(clinic.patient.pk, f"{row.pk}/stop/"),
        {"stopped_on": TODAY.isoformat(), "reason": "finished"},
    )
    row.refresh_from_db()
    assert (row.dose, row.stopped_on) == ("400 mg", TODAY)
    # the panel, read by a biller: the list, with no way to change it; its read is audited
    biller = login(clinic.biller)
    panel = biller.get(_url(clinic.patient.pk), HTTP_HX_REQUEST="true").content.decode()
    assert "Stopped (1)" in panel
    assert "Ibuprofen" in panel
    assert "add-medication" not in panel
    assert "change-medication" not in panel
    assert AuditEvent.objects.filter(
        object_type="medication_list", actor_username=clinic.biller.user.username
    ).exists()
    assert biller.get(_url(clinic.patient.pk, "add/")).status_code == 403
    assert biller.post(_url(clinic.patient.pk, "add/"), {"name": "x"}).status_code == 403
    # the chart loads the panel; another clinic's patient is not found
    chart = desk.get(f"/patients/{clinic.patient.pk}/").content.decode()
    assert _url(clinic.patient.pk) in chart
    assert desk.get(_url(clinic.patient.pk + 999)).status_code == 404


def test_the_demo_patient_s_medications_came_from_her_intake_answer(money_demo):
    rows = Medication.objects.filter(
        patient__organisation=money_demo.organisation, source=MedicationSource.INTAKE
    )
    assert sorted((m.name, m.dose, m.frequency) for m in rows) == [
        ("Ibuprofen", "200 mg", "as needed for pain"),
        ("Lisinopril", "10 mg", "once a day"),
    ]
    assert {m.recorded_by.user.username for m in rows} == {"demo-frontdesk"}
