"""A patient's whole record for a right-of-access request, as one zip (ADR 0912).

`do_make_whole_record` writes, in one archive: the patient's FHIR resources as NDJSON (the same
mapping and search the facade and `$export` use), every signed note's PDF (the note renderer
the note page prints), the patient ledger as CSV with the running balance, and each statement
the clinic sent as its PDF; plus a README saying what is inside. The zip is written owner-only
into the private export folder and recorded as a `RecordArchive` with an `export` audit row;
each download is another.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

from django.utils import timezone

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.fhir.bulk_export import PATIENT_TYPES, export_root
from cleannote.apps.fhir.models import RecordArchive
from cleannote.apps.fhir.search import RESOURCE_TYPES, iter_all
from cleannote.apps.ledger.selectors import ledger_of
from cleannote.apps.ledger.statement_models import Statement
from cleannote.apps.ledger.statement_pdf import render_statement_pdf
from cleannote.apps.notes.models import Note, NoteStatus
from cleannote.apps.notes.note_pdf import render_note_pdf
from cleannote.apps.notes.selectors import note_detail
from cleannote.apps.patients.models import Patient
from cleannote.private_files import private_folder, write_private

README = """\
This archive is the whole record {organisation} holds for patient {chart_number},
made {made} at the patient's request.

fhir/        the record as FHIR R4 resources, one JSON resource a line (NDJSON):
             the patient, coverages, visits (Encounter), treatments (Procedure),
             diagnoses (Condition), measurements and outcome scores (Observation),
             questionnaire answers, plans of care and goals, claims and
             explanations of benefit
notes/       every signed visit note as a PDF
ledger/      ledger.csv: every charge, payment and adjustment on the patient's
             account, with the balance after each line
             statements/: each statement sent, as a PDF
"""


def archive_path(archive: RecordArchive) -> Path:
    return export_root() / "records" / f"{archive.key}.zip"


def do_make_whole_record(actor: Actor, patient: Patient) -> RecordArchive:
    """Build the patient's zip, keep it private, record it and audit it."""
    if patient.organisation_id != actor.organisation.pk:
        raise ValueError(f"patient {patient.pk}: belongs to another organisation")
    made_at = timezone.now()
    buffer = io.BytesIO()
    contents = {"resources": 0, "notes": 0, "ledger_lines": 0, "statements": 0}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt",
            README.format(
                organisation=actor.organisation.name,
                chart_number=patient.chart_number,
                made=timezone.localtime(made_at).strftime("%Y-%m-%d %H:%M"),
            ),
        )
        for resource_type in PATIENT_TYPES:
            key = "_id" if resource_type == "Patient" else "patient"
            lines = [
                json.dumps(found.resource, separators=(",", ":"))
                for found in iter_all(
                    RESOURCE_TYPES[resource_type], actor.organisation, **{key: str(patient.pk)}
                )
            ]
            contents["resources"] += len(lines)
            archive.writestr(f"fhir/{resource_type}.ndjson", "".join(f"{x}\n" for x in lines))
        signed = Note.objects.filter(patient=patient, status=NoteStatus.SIGNED).order_by(
            "date_of_service", "pk"
        )
        for note_id, day in signed.values_list("pk", "date_of_service"):
            note = note_detail(actor.organisation, note_id)
            if note is None:
                continue
            archive.writestr(f"notes/{day:%Y-%m-%d}-note-{note_id}.pdf", render_note_pdf(note))
            contents["notes"] += 1
        archive.writestr("ledger/ledger.csv", _ledger_csv(patient, contents))
        statements = Statement.objects.filter(
            organisation=actor.organisation, patient=patient
        ).order_by("statement_date", "pk")
        for statement in statements:
            archive.writestr(
                f"ledger/statements/statement-{statement.number}.pdf",
                render_statement_pdf(statement),
            )
            contents["statements"] += 1
    record = RecordArchive.objects.create(
        organisation=actor.organisation,
        patient=patient,
        made_by=actor.user,
        made_at=made_at,
        size_bytes=buffer.getbuffer().nbytes,
        contents=contents,
    )
    path = archive_path(record)
    private_folder(path.parent)
    write_private(path, buffer.getvalue())
    do_record_audit_event(
        actor, AuditAction.EXPORT, "whole_record", record.key, patient_id=patient.pk
    )
    return record


def _ledger_csv(patient: Patient, contents: dict[str, int]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["posted", "kind", "amount", "balance", "reason", "reference"])
    for line in ledger_of(patient):
        entry = line.entry
        writer.writerow(
            [
                timezone.localtime(entry.posted_at).date().isoformat(),
                entry.get_kind_display(),
                f"{entry.amount:.2f}",
                f"{line.balance:.2f}",
                entry.reason,
                entry.reference,
            ]
        )
        contents["ledger_lines"] += 1
    return out.getvalue()
