"""A large, realistic database for measuring pages: `manage.py cleannote_scale` (ADR 0832).

The demo clinic is loaded first through the same actions a person uses; it gives the
organisation, locations, clinicians, payers and coverages, and a signed note and a claim as
billed. The growth is then written with bulk inserts: a million visits through the per-object
actions would take days (each writes its scrub, its claim, its audit rows one at a time),
and a load generator needs the rows' shape and volume, not the path that made them. Every
row is a copy of a row the actions made, with its own patient, dates and amounts, so the
data stays what the app would have written; audit events are appended unchained and linked
by the same chaining task the app runs (ADR 0830).

Proportions follow a group practice at 300,000 visits: 20,000 patients, 295,000 notes,
197,000 claims, 1.8 million audit events; visits spread over two years back from `today`.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from cleannote.apps.audit.chaining import chain_pending_events
from cleannote.apps.audit.models import AuditAction, AuditEvent
from cleannote.apps.claims.models import Claim, ClaimStatus
from cleannote.apps.notes.models import Note, NoteStatus
from cleannote.apps.organisations.models import Organisation, Staff
from cleannote.apps.patients.models import Case, Coverage, Patient

VISITS_PER_PATIENT = 15
NOTES_PER_VISIT = 295 / 300
CLAIMS_PER_VISIT = 197 / 300
AUDIT_EVENTS_PER_VISIT = 6
BATCH = 5000
SPAN_DAYS = 730
FIRST_NAMES = ("Ana", "Ben", "Chen", "Dara", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun", "Kai")
LAST_NAMES = ("Abbott", "Baker", "Cruz", "Diaz", "Evans", "Ford", "Gupta", "Hale", "Ito", "Jones")
# Claim statuses in the proportions of a clinic's history: most settled, some still open.
STATUS_MIX = (
    (ClaimStatus.PAID, 60),
    (ClaimStatus.PARTIALLY_PAID, 8),
    (ClaimStatus.DENIED, 7),
    (ClaimStatus.ACCEPTED, 8),
    (ClaimStatus.READY, 6),
    (ClaimStatus.DRAFT, 5),
    (ClaimStatus.REJECTED, 3),
    (ClaimStatus.CLOSED, 3),
)


@dataclass(frozen=True, slots=True)
class Grown:
    patients: int
    notes: int
    claims: int
    audit_events: int


def _clone(template: models.Model, **changes: Any) -> Any:
    row = type(template)()
    for field in template._meta.concrete_fields:
        if not field.primary_key:
            setattr(row, field.attname, getattr(template, field.attname))
    for name, value in changes.items():
        setattr(row, name, value)
    return row


def _chunks(count: int) -> Iterator[range]:
    for start in range(0, count, BATCH):
        yield range(start, min(start + BATCH, count))


def grow(organisation: Organisation, *, visits: int, today: dt.date, seed: int) -> Grown:
    """Add `visits` visits (and their patients, notes, claims and audit rows) to the clinic."""
    rng = random.Random(seed)
    clinicians = list(
        Staff.objects.filter(organisation=organisation, notes__isnull=False)
        .select_related("user")
        .distinct()
    )
    locations = list(organisation.locations.values_list("pk", flat=True))
    coverages = list(Coverage.objects.filter(patient__organisation=organisation))
    note_template = Note.objects.filter(
        patient__organisation=organisation, status=NoteStatus.SIGNED, rtm_enrolment__isnull=True
    ).first()
    claim_template = Claim.objects.filter(organisation=organisation).first()
    case_template = Case.objects.filter(patient__organisation=organisation).first()
    patient_template = Patient.objects.filter(organisation=organisation).first()
    if not (clinicians and coverages and note_template and claim_template and case_template):
        raise ValueError("the demo clinic has no signed note and claim to copy")
    assert patient_template is not None
    patient_count = max(1, visits // VISITS_PER_PATIENT)
    first_chart = Patient.objects.filter(organisation=organisation).count() + 1
    patients: list[int] = []
    cases: list[tuple[int, int, int]] = []  # case, patient, coverage
    for chunk in _chunks(patient_count):
        with transaction.atomic():
            made = Patient.objects.bulk_create(
                _clone(
                    patient_template,
                    chart_number=f"S{first_chart + n}",
                    first_name=rng.choice(FIRST_NAMES),
                    last_name=f"{rng.choice(LAST_NAMES)}{first_chart + n}",
                    birth_date=dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(25_000)),
                )
                for n in chunk
            )
            covered = Coverage.objects.bulk_create(
                _clone(
                    rng.choice(coverages),
                    patient_id=p.pk,
                    member_id=f"M{p.pk:09d}",
                    active_from=today - dt.timedelta(days=SPAN_DAYS + 30),
                )
                for p in made
            )
            opened = Case.objects.bulk_create(
                _clone(
                    case_template,
                    patient_id=p.pk,
                    coverage_id=c.pk,
                    opened_on=today - dt.timedelta(days=SPAN_DAYS),
                    closed_on=None if rng.random() < 0.3 else today - dt.timedelta(days=10),
                )
                for p, c in zip(made, covered, strict=True)
            )
        patients += [p.pk for p in made]
        cases += [(k.pk, k.patient_id, c.pk) for k, c in zip(opened, covered, strict=True)]
    coverage_of = {c.pk: c for c in Coverage.objects.filter(pk__in=[c for _, _, c in cases])}
    notes = claims = 0
    note_total = round(visits * NOTES_PER_VISIT)
    claim_share = CLAIMS_PER_VISIT / NOTES_PER_VISIT
    statuses = [s for s, weight in STATUS_MIX for _ in range(weight)]
    now = timezone.now()
    for chunk in _chunks(note_total):
        with transaction.atomic():
            planned = []
            for _ in chunk:
                case_id, patient_id, coverage_id = rng.choice(cases)
                day = today - dt.timedelta(days=rng.randrange(SPAN_DAYS))
                therapist = rng.choice(clinicians)
                signed = day < today - dt.timedelta(days=2) or rng.random() < 0.5
                planned.append((case_id, patient_id, coverage_id, day, therapist, signed))
            made_notes = Note.objects.bulk_create(
                _clone(
                    note_template,
                    patient_id=patient_id,
                    case_id=case_id,
                    therapist_id=therapist.pk,
                    location_id=rng.choice(locations),
                    date_of_service=day,
                    status=NoteStatus.SIGNED if signed else NoteStatus.DRAFT,
                    signed_by_id=therapist.pk if signed else None,
                    signed_at=now if signed else None,
                    cosigned_by_id=None,
                    cosigned_at=None,
                    carried_from_id=None,
                    pain_level=rng.randrange(11),
                )
                for case_id, patient_id, coverage_id, day, therapist, signed in planned
            )
            billed = []
            for note, (_, patient_id, coverage_id, day, _, signed) in zip(
                made_notes, planned, strict=True
            ):
                if not signed or rng.random() > claim_share:
                    continue
                coverage = coverage_of[coverage_id]
                billed.append(
                    _clone(
                        claim_template,
                        note_id=note.pk,
                        patient_id=patient_id,
                        coverage_id=coverage_id,
                        location_id=note.location_id,
                        date_of_service=day,
                        payer_name=coverage.payer_name[:60],
                        payer_id=coverage.payer_id,
                        payer_kind=coverage.kind,
                        status=rng.choice(statuses),
                        total_charge=Decimal(rng.randrange(9000, 42000)) / 100,
                        patient_control_number=None,
                        original_claim_id=None,
                        primary_claim_id=None,
                        first_sent_on=day + dt.timedelta(days=rng.randrange(1, 5)),
                        created_at=now,
                    )
                )
            Claim.objects.bulk_create(billed)
            AuditEvent.objects.bulk_create(
                AuditEvent(
                    organisation=organisation,
                    occurred_at=now,
                    actor_id=therapist.user_id,
                    actor_username=therapist.user.get_username(),
                    action=action,
                    object_type="note",
                    object_id=str(note.pk),
                    patient_id=note.patient_id,
                )
                for note, (_, _, _, _, therapist, _) in zip(made_notes, planned, strict=True)
                for action in _audit_actions(rng)
            )
        notes += len(made_notes)
        claims += len(billed)
    chained = chain_pending_events(organisation.pk)
    return Grown(patients=len(patients), notes=notes, claims=claims, audit_events=chained)


def _audit_actions(rng: random.Random) -> list[AuditAction]:
    """About six events a visit: the note made, edited, signed, and the chart viewed."""
    views = rng.randrange(1, 5)
    return [AuditAction.CREATE, AuditAction.UPDATE, AuditAction.SIGN] + [AuditAction.VIEW] * views
