"""Reads of claims, batches and fee schedules, always within one organisation.

The worklist is a fixed number of queries however many claims it shows: findings are
prefetched, the patient and location joined, never looked up per row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from cleannote.apps.claims.models import (
    BILLED_ONCE,
    Batch,
    ChargeRefusal,
    Claim,
    ClaimAdjustment,
    ClaimFinding,
    ClaimStatus,
    FeeSchedule,
    FeeScheduleEntry,
)
from cleannote.apps.claims.status import PATIENT_GROUP, Settlement
from cleannote.apps.exchange.models import ClearinghouseProfile
from cleannote.apps.exchange.routes import routes_for
from cleannote.apps.notes.models import Note, NoteStatus
from cleannote.apps.organisations.models import Organisation
from cleannote.apps.patients.coverage_order import claim_order
from cleannote.apps.patients.models import Coverage
from cleannote.apps.payers.models import Payer

WORKLIST_LIMIT = 200
# Settled claims leave the default worklist: only a balance a payer still owes keeps a claim open.
SETTLED = (ClaimStatus.PAID, ClaimStatus.CLOSED)


def claims_of(organisation: Organisation) -> QuerySet[Claim]:
    return Claim.objects.filter(organisation=organisation)


def aged_from(claim: Claim) -> dt.date:
    """The day a claim's age counts from: the day it was first sent (a resubmitted claim keeps
    its predecessor's), or the date of service while it has never been sent (ADR 0704)."""
    return claim.first_sent_on or claim.date_of_service


# The same day as a database expression, for filters.
AGED_FROM = Coalesce("first_sent_on", "date_of_service")

# A/R age buckets in days since `aged_from`: (label, first day, last day or None).
AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-30", 0, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("91-120", 91, 120),
    ("120+", 121, None),
)
WORKLIST_SORTS = {
    "date": ("date_of_service", "id"),
    "patient": ("patient__last_name", "patient__first_name", "id"),
    "payer": ("payer_name", "date_of_service", "id"),
    "location": ("location__name", "date_of_service", "id"),
    "charge": ("total_charge", "id"),
    "status": ("status", "date_of_service", "id"),
}


def worklist(
    organisation: Organisation,
    *,
    status: str = "",
    payer_id: str = "",
    location_id: int | None = None,
    age_bucket: str = "",
    today: dt.date | None = None,
    sort: str = "date",
) -> QuerySet[Claim]:
    """Open claims (or those of `status`), filtered; `age_bucket` is a label of AGE_BUCKETS
    counted back from `today`; `sort` a key of WORKLIST_SORTS, "-" first for descending (the
    age sort is the date's reverse). A fixed number of queries however many rows."""
    claims = claims_of(organisation)
    claims = claims.filter(status=status) if status else claims.exclude(status__in=SETTLED)
    if payer_id:
        claims = claims.filter(payer_id=payer_id)
    if location_id is not None:
        claims = claims.filter(location_id=location_id)
    if age_bucket:
        _, first, last = next(b for b in AGE_BUCKETS if b[0] == age_bucket)
        day = today or timezone.localdate()  # the clinic's today
        claims = claims.annotate(aged_from=AGED_FROM)
        claims = claims.filter(aged_from__lte=day - dt.timedelta(days=first))
        if last is not None:
            claims = claims.filter(aged_from__gte=day - dt.timedelta(days=last))
    fields = WORKLIST_SORTS.get(sort.removeprefix("-"), WORKLIST_SORTS["date"])
    order = [f"-{f}" for f in fields] if sort.startswith("-") else list(fields)
    # The visit as billed (1.6 KB of JSON a claim) is never shown on the list (ADR 0831).
    return (
        claims.select_related("patient", "location", "note")
        .defer("visit")
        .prefetch_related(Prefetch("findings", queryset=ClaimFinding.objects.order_by("id")))
        .order_by(*order)[:WORKLIST_LIMIT]
    )


# The distinct payer ids of an organisation's claims, found by hopping along the
# (organisation, payer_id) index: each step asks for the next larger id (`min` over an index
# range is one probe on PostgreSQL and SQLite), so the cost grows with the number of payers,
# not of claims. Each id's name is read from one of its claims, again through the index.
_PAYER_IDS_SQL = """
WITH RECURSIVE billed(payer_id) AS (
    SELECT (SELECT min(payer_id) FROM claims_claim WHERE organisation_id = %s)
    UNION ALL
    SELECT (SELECT min(c.payer_id) FROM claims_claim c
            WHERE c.organisation_id = %s AND c.payer_id > billed.payer_id)
    FROM billed WHERE billed.payer_id IS NOT NULL
)
SELECT billed.payer_id,
       (SELECT c.payer_name FROM claims_claim c
        WHERE c.organisation_id = %s AND c.payer_id = billed.payer_id LIMIT 1)
FROM billed WHERE billed.payer_id IS NOT NULL
"""


def payers_billed(organisation: Organisation) -> list[tuple[str, str]]:
    """(payer id, payer name) for the worklist's payer filter: one option per payer id the
    clinic has billed, named as the payer directory names it now, else as a claim named it.
    A DISTINCT over the claims read every claim to find a few payers (1.1 s of the worklist's
    1.6 s on a million-visit database, ADR 0831); the index hop reads one entry a payer."""
    with connection.cursor() as cursor:
        cursor.execute(_PAYER_IDS_SQL, [organisation.pk] * 3)
        billed = {str(payer_id): str(name or "") for payer_id, name in cursor.fetchall()}
    named: dict[str, str] = dict(
        Payer.objects.filter(organisation=organisation, claims_payer_id__in=billed).values_list(
            "claims_payer_id", "name"
        )
    )
    return sorted((payer_id, named.get(payer_id, name)) for payer_id, name in billed.items())


def claim_detail(organisation: Organisation, claim_id: int) -> Claim | None:
    return (
        claims_of(organisation)
        .select_related("patient", "location", "coverage", "note", "original_claim",
                        "primary_claim", "created_by")
        .prefetch_related("lines__adjustments", "diagnoses", "findings", "events",
                          "follow_ups", "secondary_claims", "batch_entries__batch",
                          "postings__era_file", "provider_adjustments__era_file",
                          "rejections")
        .filter(pk=claim_id)
        .first()
    )  # fmt: skip


def claims_of_note(organisation: Organisation, note_id: int) -> QuerySet[Claim]:
    return claims_of(organisation).filter(note_id=note_id).order_by("id")


def batches_of(organisation: Organisation) -> QuerySet[Batch]:
    return Batch.objects.filter(organisation=organisation)


def routed_profiles(
    organisation: Organisation, claim_ids: list[int]
) -> dict[int, ClearinghouseProfile]:
    """The clearinghouse each of these claims is routed through when it is not the default
    (ADR 0707): claim id -> profile, in two queries."""
    records = dict(
        Claim.objects.filter(organisation=organisation, pk__in=claim_ids).values_list(
            "pk", "coverage__payer_record_id"
        )
    )
    routed = routes_for(organisation, {r for r in records.values() if r is not None})
    return {pk: routed[r] for pk, r in records.items() if r in routed}


def batches_listed(organisation: Organisation) -> QuerySet[Batch]:
    """The batch list: newest first, without each file's 837P text, which it never shows."""
    return batches_of(organisation).select_related("profile").defer("content").order_by("-id")


def batch_detail(organisation: Organisation, batch_id: int) -> Batch | None:
    return batches_of(organisation).prefetch_related("entries__claim").filter(pk=batch_id).first()


def fee_rates(
    organisation: Organisation, *, payer_id: str, code_prefix: str = ""
) -> QuerySet[FeeScheduleEntry]:
    """The rates of a payer's schedules (blank: the charge master), newest dates first; for a
    payer, only its contracted rates (the charges it copies are the charge master's)."""
    entries = FeeScheduleEntry.objects.filter(
        schedule__organisation=organisation, schedule__payer_id=payer_id
    )
    if payer_id:
        entries = entries.filter(contracted_amount__isnull=False)
    if code_prefix:
        entries = entries.filter(code__startswith=code_prefix)
    return entries.select_related("schedule__location").order_by(
        "code", "modifier", "-schedule__effective_from", "schedule__location__name"
    )


def fee_schedules_of(organisation: Organisation) -> QuerySet[FeeSchedule]:
    return FeeSchedule.objects.filter(organisation=organisation).select_related("location")


CENT = Decimal("0.01")


def to_cents(total: Decimal | None) -> Decimal:
    """A database sum of money, to the cent: SQLite adds decimals as floats, so a sum that
    should be 0 can come back as -1.8E-15 (and one of 17.60 as 17.6000000000000)."""
    return (total or Decimal("0")).quantize(CENT)


def settlement_of(claim: Claim) -> Settlement:
    """The claim's charge against its recorded payment and adjustments (one query)."""
    patient, other = Decimal("0"), Decimal("0")
    for group, total in (
        ClaimAdjustment.objects.filter(claim=claim)
        .order_by()
        .values("group")
        .annotate(total=Sum("amount"))
        .values_list("group", "total")
    ):
        if group == PATIENT_GROUP:
            patient += to_cents(total)
        else:
            other += to_cents(total)
    return Settlement(
        charge=claim.total_charge,
        paid=claim.paid_amount or Decimal("0"),
        written_off=other,
        patient_share=patient,
    )


def rejected_claims(organisation: Organisation) -> QuerySet[Claim]:
    """The rejections worklist: rejected claims, oldest service first, with their reasons
    (newest file first) in a fixed number of queries (ADR 0702)."""
    from cleannote.apps.claims.models import ClaimRejection

    return (
        claims_of(organisation)
        .filter(status=ClaimStatus.REJECTED)
        .select_related("patient", "note")
        .prefetch_related(
            Prefetch("rejections", queryset=ClaimRejection.objects.order_by("-received_at", "id"))
        )
        .order_by("date_of_service", "id")[:WORKLIST_LIMIT]
    )


# --- the charge queue (ADR 0710) --------------------------------------------------------------

CHARGE_SORTS = {
    "date": lambda r: (r.note.date_of_service, r.note.pk),
    "patient": lambda r: (r.note.patient.last_name, r.note.patient.first_name, r.note.pk),
    "clinician": lambda r: (r.note.therapist.display_name, r.note.date_of_service, r.note.pk),
    "location": lambda r: (r.note.location.name, r.note.date_of_service, r.note.pk),
    "payer": lambda r: (r.payer_name, r.note.date_of_service, r.note.pk),
}


@dataclass(frozen=True)
class ChargeFilter:
    """The charge queue's filters; `sort` is a key of CHARGE_SORTS, "-" first for descending."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    location_id: int | None = None
    clinician_id: int | None = None
    payer_id: str = ""
    sort: str = "date"


@dataclass(frozen=True)
class ChargeRow:
    note: Note
    coverage: Coverage | None
    refusal: ChargeRefusal | None

    @property
    def payer_name(self) -> str:
        return self.coverage.payer_name if self.coverage is not None else "Self-pay"


def unbilled_notes(organisation: Organisation, filters: ChargeFilter) -> list[ChargeRow]:
    """Signed notes with no claim from the note (not voided), oldest first unless sorted, with
    the payer each goes to first and its last refusal, at most WORKLIST_LIMIT rows, in a fixed
    number of queries."""
    billed = Claim.objects.filter(note=OuterRef("pk"), origin__in=BILLED_ONCE, voided=False)
    notes = Note.objects.filter(
        patient__organisation=organisation, status=NoteStatus.SIGNED
    ).exclude(Exists(billed))
    if filters.date_from is not None:
        notes = notes.filter(date_of_service__gte=filters.date_from)
    if filters.date_to is not None:
        notes = notes.filter(date_of_service__lte=filters.date_to)
    if filters.location_id is not None:
        notes = notes.filter(location_id=filters.location_id)
    if filters.clinician_id is not None:
        notes = notes.filter(therapist_id=filters.clinician_id)
    notes = (
        notes.select_related("patient", "case", "therapist__user", "location", "charge_refusal")
        .prefetch_related("patient__coverages")
        .order_by("date_of_service", "id")
    )
    rows = []
    for note in notes[: WORKLIST_LIMIT * 5]:
        order = claim_order(note.case, note.patient.coverages.all(), note.date_of_service)
        coverage = order[0] if order else None
        if filters.payer_id and (coverage is None or coverage.payer_id != filters.payer_id):
            continue
        refusal = getattr(note, "charge_refusal", None)
        rows.append(ChargeRow(note, coverage, refusal))
    key = CHARGE_SORTS.get(filters.sort.removeprefix("-"), CHARGE_SORTS["date"])
    rows.sort(key=key, reverse=filters.sort.startswith("-"))
    return rows[:WORKLIST_LIMIT]


def payers_covered(organisation: Organisation) -> list[tuple[str, str]]:
    """(payer id, payer name) pairs of the patients' coverages, for the queue's payer filter."""
    rows = Coverage.objects.filter(patient__organisation=organisation)
    return sorted(set(rows.values_list("payer_id", "payer_name").distinct()))


def refused_notes(organisation: Organisation) -> QuerySet[ChargeRefusal]:
    """The refused list: notes whose last "Create claims" was refused and that still have no
    claim, oldest attempt first."""
    billed = Claim.objects.filter(note=OuterRef("note_id"), origin__in=BILLED_ONCE, voided=False)
    return (
        ChargeRefusal.objects.filter(organisation=organisation)
        .exclude(Exists(billed))
        .select_related("note__patient", "note__therapist__user", "note__location", "coverage")
        .order_by("note__date_of_service", "note_id")[:WORKLIST_LIMIT]
    )
