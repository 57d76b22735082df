"""Bulk Data $export: kick-off, status, NDJSON files for the same organisation (ADR 0911)."""

from __future__ import annotations

import datetime as dt
import json
import stat

import pytest

from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.fhir.bulk_export import PATIENT_TYPES, do_remove_expired_exports, run_export
from cleannote.apps.fhir.models import ExportJob, ExportStatus
from tests.apps.fhir.conftest import bearer, validate


@pytest.fixture
def exports(settings, tmp_path, tokens):
    settings.CLEANNOTE_FHIR_EXPORT_DIR = tmp_path / "exports"
    return tokens


def _strip(url: str) -> str:
    return url.removeprefix("http://testserver")


def _kick_off(client, url: str, token: str):
    return client.get(url, HTTP_PREFER="respond-async", **bearer(token))


def test_organisation_export_kicks_off_202_and_the_status_gives_the_manifest(
    client, exports, clinic, other_clinic
):
    # when
    response = _kick_off(client, "/fhir/r4/$export", exports["riverside-read"])
    # then the kick-off names the status URL, and the task (no Redis) already ran
    assert response.status_code == 202
    status = client.get(_strip(response["Content-Location"]), **bearer(exports["riverside-read"]))
    assert status.status_code == 200
    manifest = status.json()
    assert manifest["requiresAccessToken"] is True
    counts = {entry["type"]: entry["count"] for entry in manifest["output"]}
    assert counts["Patient"] == 1
    assert counts["Encounter"] == 2
    # and each file's lines are resources that validate, Riverside's only
    patients = client.get(_strip(manifest["output"][0]["url"]), **bearer(exports["riverside-read"]))
    assert patients["Content-Type"] == "application/fhir+ndjson"
    lines = b"".join(patients.streaming_content).decode().splitlines()
    resources = [json.loads(line) for line in lines]
    for resource in resources:
        validate(resource)
    assert [r["id"] for r in resources] == [str(clinic.patient.pk)]


def test_the_files_are_private_and_served_to_the_same_organisation_only(client, exports, clinic):
    status_url = _strip(
        _kick_off(client, "/fhir/r4/$export?_type=Patient", exports["riverside-read"])[
            "Content-Location"
        ]
    )
    manifest = client.get(status_url, **bearer(exports["riverside-read"])).json()
    file_url = _strip(manifest["output"][0]["url"])
    # another organisation's token finds neither the status nor the file; no token is a 401
    assert client.get(status_url, **bearer(exports["harbor-read"])).status_code == 404
    assert client.get(file_url, **bearer(exports["harbor-read"])).status_code == 404
    assert client.get(file_url).status_code == 401
    # and on disk the file is owner-only
    job = ExportJob.objects.get()
    path = exports_folder(job) / "Patient.ndjson"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def exports_folder(job):
    from cleannote.apps.fhir.bulk_export import job_folder

    return job_folder(job)


def test_one_patients_export_holds_only_that_patients_resources(client, exports, clinic):
    response = _kick_off(
        client, f"/fhir/r4/Patient/{clinic.patient.pk}/$export", exports["riverside-read"]
    )
    manifest = client.get(
        _strip(response["Content-Location"]), **bearer(exports["riverside-read"])
    ).json()
    types = [entry["type"] for entry in manifest["output"]]
    assert types == list(PATIENT_TYPES)
    encounters = client.get(
        _strip(manifest["output"][types.index("Encounter")]["url"]),
        **bearer(exports["riverside-read"]),
    )
    lines = b"".join(encounters.streaming_content).decode().splitlines()
    assert {json.loads(line)["subject"]["reference"] for line in lines} == {
        f"Patient/{clinic.patient.pk}"
    }
    kick_off = AuditEvent.objects.get(object_type="fhir.$export")
    assert kick_off.action == "export"
    assert kick_off.patient_id == clinic.patient.pk


def test_another_organisations_patient_cannot_be_exported(client, exports, other_clinic):
    response = _kick_off(
        client, f"/fhir/r4/Patient/{other_clinic.patient.pk}/$export", exports["riverside-read"]
    )
    assert response.status_code == 404
    assert not ExportJob.objects.exists()


def test_status_is_202_while_the_task_has_not_run(client, exports, clinic, monkeypatch):
    # given a worker that has not picked the job up yet
    monkeypatch.setattr("cleannote.apps.fhir.bulk_export.enqueue", lambda *args: None)
    response = _kick_off(client, "/fhir/r4/$export", exports["riverside-read"])
    status_url = _strip(response["Content-Location"])
    assert client.get(status_url, **bearer(exports["riverside-read"])).status_code == 202
    # when the worker runs it (twice: a retried job writes the same files)
    job = ExportJob.objects.get()
    run_export(job.pk)
    run_export(job.pk)
    # then
    job.refresh_from_db()
    assert job.status == ExportStatus.COMPLETE
    assert client.get(status_url, **bearer(exports["riverside-read"])).status_code == 200


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("_type=Medication", "_type"),
        ("_since=2026-01-01", "_since"),
        ("_outputFormat=csv", "_outputFormat"),
    ],
)
def test_a_kick_off_it_cannot_run_is_a_400_naming_the_parameter(client, exports, query, parameter):
    response = _kick_off(client, f"/fhir/r4/$export?{query}", exports["riverside-read"])
    assert response.status_code == 400
    assert response.json()["issue"][0]["expression"] == [parameter]


def test_a_kick_off_without_a_token_is_401(client, exports):
    assert client.get("/fhir/r4/$export").status_code == 401


def test_a_delete_cancels_a_running_export_and_the_task_then_writes_nothing(
    client, exports, clinic, monkeypatch
):
    # given an export a worker has not run yet
    monkeypatch.setattr("cleannote.apps.fhir.bulk_export.enqueue", lambda *args: None)
    status_url = _strip(
        _kick_off(client, "/fhir/r4/$export", exports["riverside-read"])["Content-Location"]
    )
    # when the client cancels it, and the worker picks it up after
    response = client.delete(status_url, **bearer(exports["riverside-read"]))
    job = ExportJob.objects.get()
    run_export(job.pk)
    # then it is cancelled, left no files, its status URL is gone, and the cancel is audited
    assert response.status_code == 202
    job.refresh_from_db()
    assert job.status == ExportStatus.CANCELLED
    assert not exports_folder(job).exists()
    assert client.get(status_url, **bearer(exports["riverside-read"])).status_code == 404
    ended = AuditEvent.objects.get(object_type="fhir.$export", action="delete")
    assert ended.reason == "export cancelled"


def test_a_delete_on_a_finished_export_removes_its_files_for_its_organisation_only(
    client, exports, clinic
):
    status_url = _strip(
        _kick_off(client, "/fhir/r4/$export?_type=Patient", exports["riverside-read"])[
            "Content-Location"
        ]
    )
    job = ExportJob.objects.get()
    assert (exports_folder(job) / "Patient.ndjson").is_file()
    # another organisation cannot end it
    assert client.delete(status_url, **bearer(exports["harbor-read"])).status_code == 404
    # when its own client deletes it
    assert client.delete(status_url, **bearer(exports["riverside-read"])).status_code == 202
    # then the files are gone and so is the status URL
    job.refresh_from_db()
    assert job.status == ExportStatus.DELETED
    assert not exports_folder(job).exists()
    assert client.get(status_url, **bearer(exports["riverside-read"])).status_code == 404


def test_files_expire_after_the_setting_and_the_nightly_sweep_removes_them(
    client, exports, clinic, settings
):
    # given exports kept 24 hours, one finished now
    settings.CLEANNOTE_FHIR_EXPORT_TTL_HOURS = 24
    status_url = _strip(
        _kick_off(client, "/fhir/r4/$export?_type=Patient", exports["riverside-read"])[
            "Content-Location"
        ]
    )
    job = ExportJob.objects.get()
    # the status says when the files go
    status = client.get(status_url, **bearer(exports["riverside-read"]))
    assert job.expires_at == job.finished_at + dt.timedelta(hours=24)
    assert status.json()["extension"]["expires"] == job.expires_at.isoformat()
    assert status["Expires"]
    # when the sweep runs before and after the expiry (twice after: it removes nothing twice)
    assert do_remove_expired_exports(job.expires_at - dt.timedelta(minutes=1)) == 0
    assert exports_folder(job).exists()
    assert do_remove_expired_exports(job.expires_at) == 1
    assert do_remove_expired_exports(job.expires_at) == 0
    # then the files are gone, the job says so, and the removal is audited
    job.refresh_from_db()
    assert job.status == ExportStatus.EXPIRED
    assert not exports_folder(job).exists()
    assert client.get(status_url, **bearer(exports["riverside-read"])).status_code == 404
    swept = AuditEvent.objects.get(object_type="fhir.$export", action="delete")
    assert (swept.actor_username, swept.reason) == ("system", "export files expired")
