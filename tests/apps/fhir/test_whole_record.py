"""A patient's whole record (right of access): made from the chart, a private zip, audited
(ADR 0912)."""

from __future__ import annotations

import io
import json
import stat
import zipfile

import pytest

from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.fhir.models import RecordArchive
from cleannote.apps.fhir.whole_record import archive_path
from cleannote.apps.organisations.models import Role
from tests.apps.fhir.conftest import validate
from tests.personas import _staff, client_for


@pytest.fixture
def records(settings, tmp_path):
    settings.CLEANNOTE_FHIR_EXPORT_DIR = tmp_path / "exports"


def test_the_chart_offers_the_button_to_the_owner_and_biller_only(clinic):
    url = f"/patients/{clinic.patient.pk}/"
    assert b'id="whole-record"' in client_for(clinic.owner).get(url).content
    assert b'id="whole-record"' in client_for(clinic.biller).get(url).content
    assert b'id="whole-record"' not in client_for(clinic.front_desk).get(url).content
    assert (
        client_for(clinic.therapist).post(f"/records/patient/{clinic.patient.pk}/").status_code
        == 403
    )


def test_the_button_makes_a_private_zip_with_the_fhir_record_notes_and_ledger(
    records, clinic, other_clinic
):
    # when the biller presses the chart's button
    biller = client_for(clinic.biller)
    response = biller.post(f"/records/patient/{clinic.patient.pk}/")
    # then an archive is made, kept owner-only, and listed for download
    assert response.status_code == 302
    archive = RecordArchive.objects.get()
    path = archive_path(archive)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    page = biller.get(response["Location"])
    assert f"/records/{archive.key}.zip".encode() in page.content
    download = biller.get(f"/records/{archive.key}.zip")
    assert download["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(download.content)) as zipped:
        names = zipped.namelist()
        patients = zipped.read("fhir/Patient.ndjson").decode().splitlines()
        encounters = zipped.read("fhir/Encounter.ndjson").decode().splitlines()
        ledger = zipped.read("ledger/ledger.csv").decode().splitlines()
        note_pdf = zipped.read(next(n for n in names if n.startswith("notes/")))
    # holding the FHIR resources (valid, this patient's only), the signed note's PDF, the ledger
    assert "README.txt" in names
    assert [json.loads(line)["id"] for line in patients] == [str(clinic.patient.pk)]
    for line in encounters:
        validate(json.loads(line))
    assert len(encounters) == 2
    assert [n for n in names if n.startswith("notes/")] == [
        f"notes/{clinic.signed_note.date_of_service:%Y-%m-%d}-note-{clinic.signed_note.pk}.pdf"
    ]
    assert note_pdf.startswith(b"%PDF")
    assert ledger[0].startswith("posted,kind,amount,balance")
    # and making and downloading it are both audited with the patient
    rows = AuditEvent.objects.filter(object_type="whole_record", action="export")
    assert rows.count() == 2
    assert set(rows.values_list("patient_id", flat=True)) == {clinic.patient.pk}


def test_another_organisations_patient_or_archive_is_not_found(records, clinic, other_clinic):
    owner = client_for(clinic.owner)
    owner.post(f"/records/patient/{clinic.patient.pk}/")
    archive = RecordArchive.objects.get()
    harbor = client_for(_staff(other_clinic.organisation, "hana", Role.OWNER))
    assert owner.post(f"/records/patient/{other_clinic.patient.pk}/").status_code == 404
    assert harbor.get(f"/records/{archive.key}.zip").status_code == 404
