"""A case's PIP or MedPay limit as it is drawn down, and the day it ran out (ADR 0770).

The limit is on the case (`Case.pip_medpay_limit`); what the carrier has paid on it is the
claims app's to know (the claims to the case's auto carrier and their posted payments, from an
835 or a paper EOB), asked through the `pip_paid` hook. The carrier's exhaustion letter, or the
posted payment that reached the limit, is recorded here with `do_record_pip_exhausted`; from
that day `coverage_order.claim_order` bills the next payer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.patients.chart_actions import ChartChangeRefused
from cleannote.apps.patients.coverage_order import NO_FAULT
from cleannote.apps.patients.models import Case, CaseAttachment
from cleannote.platform.hooks import Hook, no_answer

ZERO = Decimal("0.00")

# {case id: what the case's PIP/MedPay carrier has paid on it} (the claims app answers).
pip_paid: Hook[[Collection[int]], Mapping[int, Decimal]] = Hook("patients.pip_paid", no_answer)


@dataclass(frozen=True, slots=True)
class PipUse:
    """A case's PIP/MedPay limit, what its carrier paid against it and what is left."""

    limit: Decimal
    paid: Decimal
    exhausted_on: dt.date | None
    note: str
    letter: CaseAttachment | None = None

    @property
    def remaining(self) -> Decimal:
        return max(self.limit - self.paid, ZERO) if self.exhausted_on is None else ZERO


def draws_limit(case: Case) -> bool:
    """Whether the case bills an auto carrier with a PIP/MedPay limit (the carrier is read
    through the case's coverage: one query unless it is loaded)."""
    if case.pip_medpay_limit is None or case.coverage_id is None:
        return False
    return case.coverage is not None and case.coverage.kind in NO_FAULT


def pip_use(case: Case) -> PipUse | None:
    """The limit, paid and remaining of `case`; None when it has no PIP/MedPay limit."""
    if not draws_limit(case) or case.pip_medpay_limit is None:
        return None
    paid = pip_paid([case.pk]).get(case.pk, ZERO)
    letter = exhaustion_letters([case.pk]).get(case.pk) if case.pip_exhausted_on else None
    return PipUse(
        case.pip_medpay_limit, paid, case.pip_exhausted_on, case.pip_exhaustion_note, letter
    )


@transaction.atomic
def do_record_pip_exhausted(actor: Actor, case: Case, *, on: dt.date, note: str) -> Case:
    """Record that the case's PIP/MedPay benefits ran out on `on` (the carrier's letter, or the
    payment that reached the limit), with how it is known. The earlier date stands when it is
    already recorded; a case without a PIP/MedPay carrier is refused."""
    row = (
        # Only the case row is locked: its carrier is read beside it (an outer join).
        Case.objects.select_for_update(of=("self",))
        .select_related("coverage")
        .filter(pk=case.pk, patient__organisation=actor.organisation)
        .first()
    )
    if row is None:
        raise ChartChangeRefused("case", f"case {case.pk} is not in this organisation")
    if row.coverage is None or row.coverage.kind not in NO_FAULT:
        raise ChartChangeRefused(
            "pip_exhausted_on", "the case does not bill a PIP or MedPay carrier"
        )
    text = " ".join(note.split())[:200]
    if not text:
        raise ChartChangeRefused("pip_exhaustion_note", "say how the exhaustion is known")
    if row.pip_exhausted_on is not None and row.pip_exhausted_on <= on:
        return row
    row.pip_exhausted_on = on
    row.pip_exhaustion_note = text
    row.save(update_fields=["pip_exhausted_on", "pip_exhaustion_note"])
    do_record_audit_event(
        actor,
        AuditAction.UPDATE,
        "case.pip_exhausted_on",
        row.pk,
        patient_id=row.patient_id,
        reason=text,
    )
    case.pip_exhausted_on, case.pip_exhaustion_note = on, text
    return row


# The letter as a scan or a PDF: what each kind of file starts with.
LETTER_TYPES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"II*\x00": "image/tiff",
    b"MM\x00*": "image/tiff",
}
MAX_LETTER_BYTES = 10 * 1024 * 1024
LETTER_TRANSMISSIONS = {code for code, _ in CaseAttachment._meta.get_field("transmission").choices}  # type: ignore[union-attr]


def letter_type(data: bytes) -> str | None:
    """The letter's content type from its first bytes (PDF, PNG, JPEG, TIFF), or None."""
    return next((kind for magic, kind in LETTER_TYPES.items() if data.startswith(magic)), None)


@transaction.atomic
def do_attach_exhaustion_letter(
    actor: Actor,
    case: Case,
    *,
    data: bytes,
    file_name: str,
    letter_date: dt.date,
    transmission: str = "FX",
) -> CaseAttachment:
    """Keep the carrier's exhaustion letter on the case with an attachment control number; the
    next payer's claims announce it (837P 2300 PWK, box 19) and the biller faxes or mails it
    with that number on the cover (ADR 0762)."""
    if actor.user is None:
        raise ChartChangeRefused("letter", "a person attaches the letter")
    row = Case.objects.filter(pk=case.pk, patient__organisation=actor.organisation).first()
    if row is None:
        raise ChartChangeRefused("case", f"case {case.pk} is not in this organisation")
    if not data:
        raise ChartChangeRefused("letter", "the file is empty; scan the letter again")
    if len(data) > MAX_LETTER_BYTES:
        raise ChartChangeRefused("letter", "the file is over 10 MB; scan it at a lower resolution")
    content_type = letter_type(data)
    if content_type is None:
        raise ChartChangeRefused("letter", "attach the letter as a PDF, PNG, JPEG or TIFF file")
    if transmission not in LETTER_TRANSMISSIONS:
        raise ChartChangeRefused("transmission", "choose fax, mail or e-mail")
    attachment = CaseAttachment.objects.create(
        case=row,
        kind=CaseAttachment.KIND_EXHAUSTION_LETTER,
        letter_date=letter_date,
        file_name=(file_name.rsplit("/", 1)[-1] or "letter")[:120],
        content_type=content_type,
        content=data,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        transmission=transmission,
        control_number=f"pending-{uuid.uuid4().hex}",
        uploaded_by=actor.user,
        uploaded_at=timezone.now(),
    )
    attachment.control_number = f"EXH{attachment.pk:07d}"
    attachment.save(update_fields=["control_number"])
    do_record_audit_event(
        actor, AuditAction.CREATE, "case_attachment", attachment.pk, patient_id=row.patient_id
    )
    return attachment


def exhaustion_letters(case_ids: Collection[int]) -> dict[int, CaseAttachment]:
    """Each case's latest exhaustion letter (without its file), by case id."""
    letters: dict[int, CaseAttachment] = {}
    for row in (
        CaseAttachment.objects.filter(
            case_id__in=case_ids, kind=CaseAttachment.KIND_EXHAUSTION_LETTER
        )
        .defer("content")
        .order_by("case_id", "-letter_date", "-id")
    ):
        letters.setdefault(row.case_id, row)
    return letters
