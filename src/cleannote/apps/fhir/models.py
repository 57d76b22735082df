"""A bulk export asked for through `$export` (ADR 0911): what was asked, where it stands, and
the NDJSON files it wrote. The files live in the private export folder, never in the database;
only the organisation that asked may read them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class ExportStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETE = "complete", "Complete"
    FAILED = "failed", "Failed"
    # Ended by the client's DELETE on the status URL: a running one is cancelled, a finished
    # one's files deleted; past its `expires_at` the nightly sweep deletes the files (ADR 0913).
    CANCELLED = "cancelled", "Cancelled"
    DELETED = "deleted", "Deleted"
    EXPIRED = "expired", "Expired"


class ExportJob(models.Model):
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="fhir_exports"
    )
    # Set for one patient's export (/Patient/<id>/$export); empty for the organisation's.
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    types = models.JSONField(default=list)
    request_url = models.CharField(max_length=500)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField()
    status = models.CharField(
        max_length=11, choices=ExportStatus.choices, default=ExportStatus.IN_PROGRESS
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    # One entry per file written: {"type": "Patient", "count": 12}; its name is <type>.ndjson.
    output = models.JSONField(default=list, blank=True)
    error = models.CharField(max_length=200, blank=True)
    # When a complete export's files are removed: `CLEANNOTE_FHIR_EXPORT_TTL_HOURS` after it
    # finished (ADR 0913).
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-requested_at",)

    def __str__(self) -> str:
        return f"FHIR export {self.key}"


class RecordArchive(models.Model):
    """A patient's whole record made for a right-of-access request (ADR 0912): one zip in the
    private export folder, downloadable by staff of the organisation who may release it."""

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="record_archives"
    )
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="record_archives"
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    made_at = models.DateTimeField()
    size_bytes = models.PositiveBigIntegerField(default=0)
    # What went in: {"notes": 3, "statements": 1, "ledger_lines": 5, "resources": 12}.
    contents = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ("-made_at",)

    def __str__(self) -> str:
        return f"Whole record {self.key}"
