"""Bulk Data `$export`: one organisation's resources, or one patient's, as NDJSON files
written by a task (ADR 0911).

`do_start_export` records the job and its audit row and queues `run_export`
(`cleannote.platform.tasks`: at once without Redis, on a worker with it). The task reads through
the same search table the facade answers from, a bounded page at a time, and writes each
type's file into the job's private folder (mode 0700, files 0600). It is idempotent: a job
already complete is left alone, and a rerun writes its files afresh.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.fhir.models import ExportJob, ExportStatus
from cleannote.apps.fhir.search import RESOURCE_TYPES, iter_all
from cleannote.platform.tasks import enqueue
from cleannote.private_files import private_folder

if TYPE_CHECKING:
    from cleannote.apps.patients.models import Patient

# A patient's export holds the resources about them; the organisation's holds every type.
PATIENT_TYPES = tuple(name for name, kind in RESOURCE_TYPES.items() if kind.patient_data)
ALL_TYPES = tuple(RESOURCE_TYPES)


class ExportRequestError(ValueError):
    """A kick-off the export cannot run: `parameter` names what is wrong."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter


# How long a complete export's files are kept unless the setting says otherwise (ADR 0913).
DEFAULT_TTL_HOURS = 24


def export_ttl() -> dt.timedelta:
    return dt.timedelta(
        hours=getattr(settings, "CLEANNOTE_FHIR_EXPORT_TTL_HOURS", DEFAULT_TTL_HOURS)
    )


def export_root() -> Path:
    return Path(getattr(settings, "CLEANNOTE_FHIR_EXPORT_DIR", settings.DATA_DIR / "fhir-exports"))


def job_folder(job: ExportJob) -> Path:
    return export_root() / str(job.key)


def file_path(job: ExportJob, resource_type: str) -> Path:
    return job_folder(job) / f"{resource_type}.ndjson"


def requested_types(values: Sequence[str], patient: Patient | None) -> list[str]:
    """`_type` (comma-separated, possibly repeated) checked against what the export serves."""
    allowed = PATIENT_TYPES if patient is not None else ALL_TYPES
    if not values:
        return list(allowed)
    wanted: list[str] = []
    for value in values:
        for name in value.split(","):
            name = name.strip()
            if name not in allowed:
                raise ExportRequestError(
                    "_type", f"{name!r} is not exported here (e.g. {', '.join(allowed[:3])})"
                )
            if name not in wanted:
                wanted.append(name)
    return wanted


def do_start_export(
    actor: Actor, *, patient: Patient | None, types: list[str], request_url: str
) -> ExportJob:
    job = ExportJob.objects.create(
        organisation=actor.organisation,
        patient=patient,
        types=types,
        request_url=request_url[:500],
        requested_by=actor.user,
        requested_at=timezone.now(),
    )
    do_record_audit_event(
        actor,
        AuditAction.EXPORT,
        "fhir.$export",
        job.key,
        patient_id=patient.pk if patient is not None else None,
    )
    enqueue(run_export, job.pk)
    return job


def run_export(job_pk: int) -> None:
    """Write the job's NDJSON files and mark it complete (or failed, with the type that
    failed and never a resource's content)."""
    job = ExportJob.objects.select_related("organisation").get(pk=job_pk)
    if job.status != ExportStatus.IN_PROGRESS:
        return  # done already, or cancelled before it ran
    folder = private_folder(job_folder(job))
    output = []
    current = ""
    try:
        for resource_type in job.types:
            if not _still_running(job):
                _remove_files(job)
                return
            current = resource_type
            filters = {}
            if job.patient_id is not None:
                filters = {"_id" if resource_type == "Patient" else "patient": str(job.patient_id)}
            count = _write_ndjson(
                folder / f"{resource_type}.ndjson",
                (
                    found.resource
                    for found in iter_all(
                        RESOURCE_TYPES[resource_type], job.organisation, **filters
                    )
                ),
            )
            output.append({"type": resource_type, "count": count})
    except Exception:
        ExportJob.objects.filter(pk=job.pk, status=ExportStatus.IN_PROGRESS).update(
            status=ExportStatus.FAILED,
            finished_at=timezone.now(),
            error=f"the {current} file could not be written",
        )
        raise
    finished = timezone.now()
    completed = ExportJob.objects.filter(pk=job.pk, status=ExportStatus.IN_PROGRESS).update(
        status=ExportStatus.COMPLETE,
        finished_at=finished,
        output=output,
        expires_at=finished + export_ttl(),
    )
    if not completed:
        _remove_files(job)  # cancelled while the last file was written


def _still_running(job: ExportJob) -> bool:
    """Whether the job is still wanted: a DELETE on its status URL cancels it between files."""
    return ExportJob.objects.filter(pk=job.pk, status=ExportStatus.IN_PROGRESS).exists()


def _remove_files(job: ExportJob) -> None:
    shutil.rmtree(job_folder(job), ignore_errors=True)


def do_end_export(actor: Actor, job: ExportJob) -> ExportJob:
    """The client's DELETE on the status URL (Bulk Data): a running export is cancelled (the
    task stops before its next file and leaves none), a finished one's files are deleted. The
    status URL then answers 404. One audit row either way."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().get(pk=job.pk)
        ended = (
            ExportStatus.CANCELLED
            if job.status == ExportStatus.IN_PROGRESS
            else ExportStatus.DELETED
        )
        ExportJob.objects.filter(pk=job.pk).update(status=ended, finished_at=timezone.now())
        do_record_audit_event(
            actor,
            AuditAction.DELETE,
            "fhir.$export",
            job.key,
            patient_id=job.patient_id,
            reason=f"export {ended.label.lower()}",
        )
    _remove_files(job)
    job.refresh_from_db()
    return job


def do_remove_expired_exports(now: dt.datetime) -> int:
    """The nightly sweep: delete the files of every export past its `expires_at` (and what a
    cancelled or failed one left), marking a complete one expired with an audit row. Safe to
    run twice: an expired job has no files and is not complete."""
    removed = 0
    due = ExportJob.objects.filter(status=ExportStatus.COMPLETE, expires_at__lte=now)
    for job in due.select_related("organisation"):
        with transaction.atomic():
            changed = ExportJob.objects.filter(pk=job.pk, status=ExportStatus.COMPLETE).update(
                status=ExportStatus.EXPIRED
            )
            if not changed:
                continue
            do_record_audit_event(
                Actor(user=None, organisation=job.organisation),
                AuditAction.DELETE,
                "fhir.$export",
                job.key,
                patient_id=job.patient_id,
                reason="export files expired",
            )
        _remove_files(job)
        removed += 1
    ended = (ExportStatus.CANCELLED, ExportStatus.FAILED, ExportStatus.DELETED)
    for job in ExportJob.objects.filter(status__in=ended, finished_at__lte=now - export_ttl()):
        _remove_files(job)
    return removed


def _write_ndjson(target: Path, resources: Iterator[dict[str, Any]]) -> int:
    """One resource per line, written to a temporary owner-only file renamed over `target`
    (mkstemp creates it 0600), so a reader never sees half a file."""
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    count = 0
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            for resource in resources:
                stream.write(json.dumps(resource, separators=(",", ":")))
                stream.write("\n")
                count += 1
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return count
