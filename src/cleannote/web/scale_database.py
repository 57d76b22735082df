"""A large, realistic database for measuring pages: `manage.py cleannote_scale` (ADR 0832, 0833).

The demo clinic is loaded first through the same actions a person uses; it gives the
organisation, locations, clinicians, payers and coverages, and a signed note, a claim with its
lines, a posted remittance and an appointment as the actions made them. The growth is then
streamed into the tables: a million visits through the per-object actions would take days (each
writes its scrub, its claim, its audit rows one at a time), and a load generator needs the
rows' shape and volume, not the path that made them. Every row is a copy of a row the actions
made (or, where the clinic has none yet, of the model's defaults), with its own patient, dates,
clinician, location, codes, statuses and amounts, so the data stays what the app would have
written.

Rows are written table by table with PostgreSQL's COPY (psycopg's `cursor.copy()`), ids taken
from the table's sequence range and the sequences moved past them afterwards, indexes and
constraints left on (ADR 0833). SQLite has no COPY: there the same rows go in with
`executemany` inserts, which is enough for the small databases the tests and the small
benchmark build. Audit events are appended unchained and linked by the chaining task the app
runs (ADR 0830).

Proportions follow a group practice at 300,000 visits: 20,000 patients, 295,000 notes,
197,000 claims, about six audit events a note, one clinician for every twelve visits a day;
visits spread over two years back from `today`, a fortnight of bookings ahead.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import time
import zoneinfo
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.utils import timezone

from cleannote.apps.audit.chain import chain_hash, head_anchor
from cleannote.apps.audit.chaining import chain_pending_events
from cleannote.apps.audit.models import AuditAction, AuditChainHead, AuditEvent
from cleannote.apps.claims.denied import rebuild_denied_reasons
from cleannote.apps.claims.models import Claim, ClaimAdjustment, ClaimLine, ClaimStatus
from cleannote.apps.notes.models import Note, NoteStatus
from cleannote.apps.organisations.models import Organisation, Staff
from cleannote.apps.patients.models import Case, Coverage, Patient
from cleannote.apps.remittance.denial_models import Denial, DenialState
from cleannote.apps.remittance.models import ClaimPosting, EraFile, LinePosting, MatchedBy
from cleannote.apps.scheduling.models import FREED, Appointment, AppointmentStatus, WorkingHours
from cleannote.rules.npi import npi_check_digit

VISITS_PER_PATIENT = 15
NOTES_PER_VISIT = 295 / 300
CLAIMS_PER_NOTE = 197 / 295
VISITS_PER_CLINICIAN_DAY = 12
SPAN_DAYS = 730
BOOKED_AHEAD_DAYS = 14
# A clinician's day: 45-minute slots from 7:00; bookings ahead fill up to 16 (till 19:00), and
# a day's visits may run later, but never into the next morning's first slot.
DAY_SLOTS = 16
LAST_SLOT = 32
# Appointments that did not become a visit, per visit: cancelled, and not attended.
CANCELLED_PER_VISIT = 0.09
NO_SHOW_PER_VISIT = 0.04
# A signed note's signature: most the same day, some the next days, a few a week late.
SIGNED_AFTER_HOURS = ((2, 55), (8, 20), (30, 15), (70, 7), (170, 3))
# Notes older than two days left unsigned (the compliance report's "unsigned" rows).
STALE_DRAFT_SHARE = 0.004
EXECUTEMANY_ROWS = 2000
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
ADJUDICATED = (ClaimStatus.PAID, ClaimStatus.PARTIALLY_PAID, ClaimStatus.DENIED, ClaimStatus.CLOSED)
# Treatment codes a physical therapy visit bills: code, charge per unit, units drawn from.
TREATMENT_CODES = (
    ("97110", Decimal("62.00"), (1, 2, 2, 3)),
    ("97140", Decimal("58.00"), (1, 1, 2)),
    ("97112", Decimal("64.00"), (1, 1, 2)),
    ("97530", Decimal("66.00"), (1, 2, 2)),
    ("97116", Decimal("55.00"), (1, 1)),
    ("97035", Decimal("28.00"), (1,)),
    ("G0283", Decimal("24.00"), (1,)),
)
EVALUATION_CODES = (("97161", Decimal("165.00")), ("97162", Decimal("185.00")))
REEVALUATION = ("97164", Decimal("120.00"))
# NCCI pairs a therapist separates with 59 or XU: the column-two code takes the modifier.
DISTINCT_SERVICE = {"97140": ("97530", "97112"), "97530": ("97116",)}
DISTINCT_MODIFIERS = ("59", "59", "59", "XU")
# Of the claims with a pair, how often it is billed separately: most clinicians seldom, one
# clinician in twelve far more (the modifier-59 monitor's finding).
DISTINCT_RATE = 0.18
DISTINCT_RATE_HIGH = 0.8
# Denials by CARC, weighted: the reason codes an 835 gives a therapy clinic most.
DENIAL_CARCS: tuple[tuple[str, str, int], ...] = (
    ("CO", "50", 5),
    ("CO", "197", 4),
    ("CO", "16", 4),
    ("CO", "97", 3),
)
DENIAL_CARCS += (("CO", "29", 1), ("CO", "151", 2), ("CO", "18", 1), ("PR", "204", 1))
# Denials a biller took up, and where they stand (the worklist reads the open ones).
DENIALS_WORKED = 0.8
DENIAL_STATES = ((DenialState.OPEN, 4), (DenialState.APPEALED, 3), (DenialState.RESOLVED, 3))
# What each payer allows of the charge (a payer kind's typical share), and the patient's part.
ALLOWED_SHARE = {"medicare": 0.52, "medicaid": 0.41, "commercial": 0.68, "workers_comp": 0.74}


_SIGNED_AFTER = [hours for hours, weight in SIGNED_AFTER_HOURS for _ in range(weight)]


@dataclass(frozen=True, slots=True)
class Grown:
    patients: int
    notes: int
    claims: int
    audit_events: int
    claim_lines: int = 0
    remittance_files: int = 0
    postings: int = 0
    appointments: int = 0
    clinicians: int = 0


@dataclass(slots=True)
class _Visit:
    note_id: int
    patient_id: int
    case_id: int
    coverage_id: int
    day: dt.date
    therapist: int
    location_id: int
    signed: bool
    evaluation: bool


class _Rows:
    """Rows of one model written in one stream: COPY on PostgreSQL, executemany elsewhere.

    Each row starts as the template's column values (a row the actions made, or the model's
    defaults) and takes the changed columns given to `add`; ids are allocated here from the
    table's current maximum, so children can point at rows the stream has not sent yet.
    """

    def __init__(self, model: type[models.Model], template: models.Model) -> None:
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in self.fields)
        self.position = {f.attname: i for i, f in enumerate(self.fields)}
        self.postgres = connection.vendor == "postgresql"
        self.base = [self._prep(f, getattr(template, f.attname)) for f in self.fields]
        self.table = str(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(self.table)}")
            self.next_id = (cursor.fetchone()[0] or 0) + 1
        self.first_id = self.next_id
        self.count = 0
        self._pending: list[list[Any]] = []
        self._copy: Any = None
        self._stream: Any = None
        self._cursor: Any = None

    def _prep(self, field: models.Field[Any, Any], value: Any) -> Any:
        if not self.postgres:
            return field.get_db_prep_save(value, connection)
        if isinstance(field, models.JSONField):
            return json.dumps(value)  # COPY's text format: the server parses the JSON
        # psycopg adapts Python's dates, Decimals and strings itself; Django's preparation
        # (a Decimal context per value) would cost more than the COPY.
        return value

    def __enter__(self) -> _Rows:
        if self.postgres:
            names = self.columns
            self._cursor = connection.cursor().connection.cursor()
            self._stream = self._cursor.copy(
                f"COPY {connection.ops.quote_name(self.table)} ({names}) FROM STDIN"
            )
            self._copy = self._stream.__enter__()
        return self

    def add(self, **changes: Any) -> int:
        row = self.base.copy()
        pk = self.next_id
        self.next_id += 1
        row[0] = pk
        position, fields = self.position, self.fields
        for name, value in changes.items():
            i = position[name]
            row[i] = self._prep(fields[i], value)
        self.count += 1
        if self._copy is not None:
            self._copy.write_row(row)
        else:
            self._pending.append(row)
            if len(self._pending) >= EXECUTEMANY_ROWS:
                self._flush()
        return pk

    def _flush(self) -> None:
        if not self._pending:
            return
        names = self.columns
        marks = ", ".join(["%s"] * len(self.fields))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {connection.ops.quote_name(self.table)} ({names}) VALUES ({marks})",
                self._pending,
            )
        self._pending = []

    def __exit__(self, *exc: Any) -> None:
        if self._copy is not None:
            self._stream.__exit__(*exc)
            self._cursor.close()
            if exc[0] is None and self.count:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                        [connection.ops.quote_name(self.table), self.next_id - 1],
                    )
        elif exc[0] is None:
            self._flush()


def _template(model: type[models.Model], rows: models.QuerySet[Any], **defaults: Any) -> Any:
    """A row the actions made, or (when the clinic has none yet) the model's defaults."""
    found = rows.order_by("pk").first()
    return found if found is not None else model(**defaults)


def _weighted(table: Sequence[tuple[Any, int]]) -> list[Any]:
    return [value for value, weight in table for _ in range(weight)]


def _npi(rng: random.Random) -> str:
    first_nine = f"1{rng.randrange(10**8):08d}"
    return f"{first_nine}{npi_check_digit(first_nine)}"


def _add_clinicians(
    organisation: Organisation, clinicians: list[Staff], wanted: int, rng: random.Random
) -> list[Staff]:
    """Clinicians enough for a group's visits: copies of a demo therapist's login and staff
    row (its role, credential, taxonomy and password) with their own name and NPI."""
    if len(clinicians) >= wanted:
        return []
    template = clinicians[0]
    user_model = get_user_model()
    users = user_model.objects.bulk_create(
        user_model(
            username=f"scale-clinician-{organisation.pk}-{n}",
            first_name=rng.choice(FIRST_NAMES),
            last_name=f"{rng.choice(LAST_NAMES)}-{n}",
            password=template.user.password,
            is_active=True,
        )
        for n in range(wanted - len(clinicians))
    )
    locations = list(organisation.locations.values_list("pk", flat=True))
    made = Staff.objects.bulk_create(
        Staff(
            user=user,
            organisation=organisation,
            role=template.role,
            credential=template.credential,
            npi=_npi(rng),
            taxonomy=template.taxonomy,
            default_location_id=rng.choice(locations),
        )
        for user in users
    )
    hours = list(WorkingHours.objects.filter(staff=template))
    WorkingHours.objects.bulk_create(
        WorkingHours(
            staff=staff,
            weekday=h.weekday,
            start=h.start,
            end=h.end,
            location_id=staff.default_location_id if h.location_id else None,
        )
        for staff in made
        for h in hours
    )
    return made


def grow(
    organisation: Organisation,
    *,
    visits: int,
    today: dt.date,
    seed: int,
    visits_per_clinician_day: float = VISITS_PER_CLINICIAN_DAY,
    progress: Callable[[str], None] = lambda line: None,
    chain: str = "append",
) -> Grown:
    """Add `visits` visits (their patients, notes, claims with lines, remittances and
    postings, appointments, audit rows, and the clinicians to see them) to the clinic."""
    rng = random.Random(seed)
    started = time.monotonic()
    clinicians = list(
        Staff.objects.filter(organisation=organisation, notes__isnull=False)
        .select_related("user")
        .distinct()
        .order_by("pk")
    )
    locations = list(organisation.locations.order_by("pk").values_list("pk", flat=True))
    coverages = list(Coverage.objects.filter(patient__organisation=organisation).order_by("pk"))
    note_template = Note.objects.filter(
        patient__organisation=organisation, status=NoteStatus.SIGNED, rtm_enrolment__isnull=True
    ).first()
    claim_template = Claim.objects.filter(organisation=organisation).order_by("pk").first()
    case_template = Case.objects.filter(patient__organisation=organisation).first()
    patient_template = Patient.objects.filter(organisation=organisation).first()
    if not (clinicians and coverages and note_template and claim_template and case_template):
        raise ValueError("the demo clinic has no signed note and claim to copy")
    assert patient_template is not None
    per_day = visits / SPAN_DAYS
    wanted = max(len(clinicians), round(per_day * 7 / 5 / visits_per_clinician_day))
    with transaction.atomic():
        added_clinicians = _add_clinicians(organisation, clinicians, wanted, rng)
        clinicians += added_clinicians
        users = {s.pk: (s.user_id, s.user.get_username()) for s in clinicians}
        patients, cases = _grow_patients(
            organisation, rng, today, visits, patient_template, coverages, case_template
        )
        progress(f"patients, coverages, cases: {time.monotonic() - started:.0f} s")
        visit_rows = _grow_notes(rng, today, visits, note_template, cases, clinicians, locations)
        progress(f"notes: {time.monotonic() - started:.0f} s")
        claims = _grow_claims(
            organisation, rng, claim_template, visit_rows, coverages, clinicians, users
        )
        progress(f"claims, lines, remittances, postings: {time.monotonic() - started:.0f} s")
        # Written beside the actions, so the denials worklist's rows are counted here (ADR 0871).
        rebuild_denied_reasons(organisation)
        progress(f"denied reasons: {time.monotonic() - started:.0f} s")
        appointments = _grow_appointments(organisation, rng, today, visit_rows, clinicians)
        progress(f"appointments: {time.monotonic() - started:.0f} s")
        events = _grow_audit(organisation, rng, visit_rows, users, chain)
        progress(f"audit events appended: {time.monotonic() - started:.0f} s")
    progress(f"committed: {time.monotonic() - started:.0f} s")
    chained = chain_pending_events(organisation.pk)
    progress(f"audit events chained: {time.monotonic() - started:.0f} s")
    return Grown(
        patients=patients,
        notes=len(visit_rows),
        claims=claims.claims,
        audit_events=max(chained, events),
        claim_lines=claims.lines,
        remittance_files=claims.files,
        postings=claims.postings,
        appointments=appointments,
        clinicians=len(added_clinicians),
    )


def _grow_patients(
    organisation: Organisation,
    rng: random.Random,
    today: dt.date,
    visits: int,
    patient_template: Patient,
    coverages: list[Coverage],
    case_template: Case,
) -> tuple[int, list[tuple[int, int, int]]]:
    patient_count = max(1, visits // VISITS_PER_PATIENT)
    first_chart = Patient.objects.filter(organisation=organisation).count() + 1
    with _Rows(Patient, patient_template) as rows:
        patient_ids = [
            rows.add(
                chart_number=f"S{first_chart + n}",
                first_name=rng.choice(FIRST_NAMES),
                last_name=f"{rng.choice(LAST_NAMES)}{first_chart + n}",
                birth_date=dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(25_000)),
            )
            for n in range(patient_count)
        ]
    covered: list[tuple[int, Coverage]] = []
    with _Rows(Coverage, coverages[0]) as rows:
        for patient_id in patient_ids:
            source = rng.choice(coverages)
            copied = {
                f.attname: getattr(source, f.attname)
                for f in Coverage._meta.concrete_fields
                if not f.primary_key
            }
            copied.update(
                patient_id=patient_id,
                member_id=f"M{patient_id:09d}",
                active_from=today - dt.timedelta(days=SPAN_DAYS + 30),
            )
            pk = rows.add(**copied)
            covered.append((pk, source))
    cases: list[tuple[int, int, int]] = []  # case, patient, coverage
    with _Rows(Case, case_template) as rows:
        for patient_id, (coverage_id, _) in zip(patient_ids, covered, strict=True):
            closed = rng.random() >= 0.3
            case_id = rows.add(
                patient_id=patient_id,
                coverage_id=coverage_id,
                opened_on=today - dt.timedelta(days=SPAN_DAYS),
                closed_on=today - dt.timedelta(days=10) if closed else None,
            )
            cases.append((case_id, patient_id, coverage_id))
    return patient_count, cases


def _signed_at(rng: random.Random, day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    hours = rng.choice(_SIGNED_AFTER)
    visit_end = dt.datetime.combine(day, dt.time(8 + rng.randrange(10)), tzinfo=tz)
    return visit_end + dt.timedelta(hours=rng.uniform(0.1, hours))


def _grow_notes(
    rng: random.Random,
    today: dt.date,
    visits: int,
    note_template: Note,
    cases: list[tuple[int, int, int]],
    clinicians: list[Staff],
    locations: list[int],
) -> list[_Visit]:
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    note_total = round(visits * NOTES_PER_VISIT)
    seen_cases: set[int] = set()
    made: list[_Visit] = []
    home = {s.pk: s.default_location_id or locations[0] for s in clinicians}
    recent = today - dt.timedelta(days=2)
    now = timezone.now()
    with _Rows(Note, note_template) as rows:
        for _ in range(note_total):
            case_id, patient_id, coverage_id = rng.choice(cases)
            day = today - dt.timedelta(days=rng.randrange(SPAN_DAYS))
            therapist = rng.choice(clinicians).pk
            location_id = home[therapist] if rng.random() < 0.85 else rng.choice(locations)
            stale = rng.random() < STALE_DRAFT_SHARE
            signed = not stale and (day < recent or rng.random() < 0.5)
            evaluation = case_id not in seen_cases
            seen_cases.add(case_id)
            signed_at = min(_signed_at(rng, day, tz), now) if signed else None
            created = dt.datetime.combine(day, dt.time(7), tzinfo=tz)
            note_id = rows.add(
                patient_id=patient_id,
                case_id=case_id,
                therapist_id=therapist,
                location_id=location_id,
                date_of_service=day,
                status=NoteStatus.SIGNED if signed else NoteStatus.DRAFT,
                signed_by_id=therapist if signed else None,
                signed_at=signed_at,
                cosigned_by_id=None,
                cosigned_at=None,
                carried_from_id=None,
                pain_level=rng.randrange(11),
                created_at=created,
                updated_at=signed_at or created,
            )
            made.append(
                _Visit(
                    note_id,
                    patient_id,
                    case_id,
                    coverage_id,
                    day,
                    therapist,
                    location_id,
                    signed,
                    evaluation,
                )
            )
    return made


@dataclass(slots=True)
class _Claimed:
    claims: int
    lines: int
    files: int
    postings: int


@dataclass(slots=True)
class _Line:
    pk: int
    code: str
    units: int
    modifiers: list[str]
    charge: Decimal
    paid: Decimal | None = None


@dataclass(slots=True)
class _Bill:
    pk: int
    visit: _Visit
    coverage: Coverage
    status: str
    lines: list[_Line]
    adjudicated_on: dt.date | None
    # Each line's allowed and paid amounts and CAS adjustments, once adjudicated.
    result: list[tuple[_Line, Decimal, Decimal, list[tuple[str, str, Decimal]]]] | None = None


def _cents(value: float) -> Decimal:
    return Decimal(round(value * 100)) / 100


def _claim_lines(
    rng: random.Random, visit: _Visit, high_59: bool, modifiers: list[str]
) -> list[tuple[str, int, list[str], Decimal]]:
    """A visit's lines: an evaluation on the case's first visit, then two to four treatment
    codes; a separable pair carries 59 or XU at the clinician's rate."""
    # The clinic's fees rise each January; a location's and a year's schedule differ by cents.
    uplift = Decimal(1) + Decimal(visit.day.year - 2020) * Decimal("0.03")
    cents = Decimal(rng.randrange(0, 100)) / 100
    picked: list[tuple[str, int, list[str], Decimal]] = []
    if visit.evaluation:
        code, fee = rng.choice(EVALUATION_CODES)
        picked.append((code, 1, list(modifiers), (fee * uplift).quantize(Decimal("0.01")) + cents))
    elif rng.random() < 0.04:
        code, fee = REEVALUATION
        picked.append((code, 1, list(modifiers), (fee * uplift).quantize(Decimal("0.01")) + cents))
    for code, fee, units_from in rng.sample(TREATMENT_CODES, rng.choice((2, 3, 3, 4))):
        units = rng.choice(units_from)
        charge = (fee * uplift).quantize(Decimal("0.01")) * units + cents
        picked.append((code, units, list(modifiers), charge))
    codes = {code for code, *_ in picked}
    rate = DISTINCT_RATE_HIGH if high_59 else DISTINCT_RATE
    for code, _units, mods, _ in picked:
        pairs = DISTINCT_SERVICE.get(code, ())
        if any(p in codes for p in pairs) and rng.random() < rate:
            mods.append(rng.choice(DISTINCT_MODIFIERS))
    return picked


def _grow_claims(
    organisation: Organisation,
    rng: random.Random,
    claim_template: Claim,
    visits: list[_Visit],
    coverages: list[Coverage],
    clinicians: list[Staff],
    users: dict[int, tuple[int, str]],
) -> _Claimed:
    coverage_of = {c.pk: c for c in coverages}
    coverage_rows = Coverage.objects.filter(
        pk__in={v.coverage_id for v in visits} - set(coverage_of)
    ).only("pk", "payer_name", "payer_id", "kind")
    coverage_of.update({c.pk: c for c in coverage_rows.iterator(chunk_size=5000)})
    statuses = _weighted(STATUS_MIX)
    high_59 = {s.pk for i, s in enumerate(clinicians) if i % 12 == 5}
    line_template = _template(
        ClaimLine, ClaimLine.objects.filter(claim=claim_template), claim=claim_template
    )
    modifiers = [m for m in (line_template.modifiers or []) if m not in ("59", "XU", "KX")]
    bills: list[_Bill] = []
    denials = _weighted([((g, r), w) for g, r, w in DENIAL_CARCS])
    with _Rows(Claim, claim_template) as rows:
        for visit in visits:
            if not visit.signed or rng.random() > CLAIMS_PER_NOTE:
                continue
            coverage = coverage_of[visit.coverage_id]
            status = rng.choice(statuses)
            sent = visit.day + dt.timedelta(days=rng.randrange(1, 5))
            adjudicated = sent + dt.timedelta(days=rng.randrange(12, 40))
            settled = status in ADJUDICATED
            lines = [
                _Line(0, code, units, mods, charge)
                for code, units, mods, charge in _claim_lines(
                    rng, visit, visit.therapist in high_59, modifiers
                )
            ]
            bill = _Bill(0, visit, coverage, status, lines, adjudicated if settled else None)
            paid = None
            if settled:
                bill.result = _adjudicate(rng, bill, rng.choice(denials))
                paid = sum((p for _, _, p, _ in bill.result), Decimal(0))
            bill.pk = rows.add(
                note_id=visit.note_id,
                patient_id=visit.patient_id,
                coverage_id=visit.coverage_id,
                location_id=visit.location_id,
                date_of_service=visit.day,
                payer_name=coverage.payer_name[:60],
                payer_id=coverage.payer_id,
                payer_kind=coverage.kind,
                status=status,
                total_charge=sum((line.charge for line in lines), Decimal(0)),
                # the id this row takes, as the claim action names it (ADR 0872)
                patient_control_number=f"CN{rows.next_id}",
                original_claim_id=None,
                primary_claim_id=None,
                first_sent_on=None if status in (ClaimStatus.DRAFT, ClaimStatus.READY) else sent,
                paid_amount=paid,
                adjudicated_on=adjudicated if settled else None,
                created_at=dt.datetime.combine(sent, dt.time(18), tzinfo=dt.UTC),
                created_by_id=users[visit.therapist][0],
            )
            bills.append(bill)
    line_count = 0
    with _Rows(ClaimLine, line_template) as rows:
        for bill in bills:
            for number, line in enumerate(bill.lines, start=1):
                line.pk = rows.add(
                    claim_id=bill.pk,
                    number=number,
                    code=line.code,
                    units=line.units,
                    modifiers=line.modifiers,
                    diagnosis_pointers=[1],
                    charge=line.charge,
                    service_date=bill.visit.day,
                    service_index=number - 1,
                    line_control_number=f"{bill.pk}-{number}",
                    paid_amount=line.paid,
                )
                line_count += 1
    files, postings = _grow_remittances(organisation, rng, bills)
    return _Claimed(claims=len(bills), lines=line_count, files=files, postings=postings)


def _adjudicate(
    rng: random.Random, bill: _Bill, denial: tuple[str, str]
) -> list[tuple[_Line, Decimal, Decimal, list[tuple[str, str, Decimal]]]]:
    """Each line's allowed and paid amounts and its CAS adjustments (group, CARC, amount)."""
    share = ALLOWED_SHARE.get(bill.coverage.kind, 0.6) * rng.uniform(0.9, 1.08)
    coinsurance = 0.2 if bill.coverage.kind == "medicare" else rng.choice((0.0, 0.1, 0.2))
    denied_line = (
        rng.randrange(len(bill.lines)) if bill.status == ClaimStatus.PARTIALLY_PAID else -1
    )
    out = []
    for i, line in enumerate(bill.lines):
        if bill.status == ClaimStatus.DENIED or i == denied_line:
            line.paid = Decimal(0)
            out.append((line, Decimal(0), Decimal(0), [(denial[0], denial[1], line.charge)]))
            continue
        allowed = min(line.charge, _cents(float(line.charge) * share))
        patient = _cents(float(allowed) * coinsurance)
        adjustments = [("CO", "45", line.charge - allowed)]
        if patient:
            adjustments.append(("PR", "2", patient))
        line.paid = allowed - patient
        out.append((line, allowed, allowed - patient, adjustments))
    return out


def _grow_remittances(
    organisation: Organisation, rng: random.Random, bills: list[_Bill]
) -> tuple[int, int]:
    """835s for the adjudicated claims: one file a payer a week, a claim payment per claim,
    a service payment per line, CAS adjustments with their CARCs."""
    settled = [b for b in bills if b.adjudicated_on is not None]
    era_template = _template(EraFile, EraFile.objects.filter(organisation=organisation))
    era_template.organisation_id = organisation.pk
    posting_template = _template(ClaimPosting, ClaimPosting.objects.all())
    line_posting_template = _template(LinePosting, LinePosting.objects.all())
    adjustment_template = _template(ClaimAdjustment, ClaimAdjustment.objects.all())
    by_file: dict[tuple[str, dt.date], list[_Bill]] = {}
    for bill in settled:
        assert bill.adjudicated_on is not None
        monday = bill.adjudicated_on - dt.timedelta(days=bill.adjudicated_on.weekday())
        by_file.setdefault((bill.coverage.payer_id, monday), []).append(bill)
    results = {bill.pk: bill.result or [] for bill in settled}
    file_ids: dict[tuple[str, dt.date], int] = {}
    with _Rows(EraFile, era_template) as rows:
        for (payer_id, monday), filed in by_file.items():
            paid = sum((p for b in filed for _, _, p, _ in results[b.pk]), Decimal(0))
            name = f"scale-{organisation.pk}-{payer_id}-{monday.isoformat()}.835"
            file_ids[(payer_id, monday)] = rows.add(
                file_name=name,
                sha256=hashlib.sha256(name.encode()).hexdigest(),
                payer_name=filed[0].coverage.payer_name[:60],
                payment_amount=paid,
                payment_method="ACH",
                payment_date=monday + dt.timedelta(days=3),
                trace_number=f"T{rng.randrange(10**11):011d}",
                balance_warning="",
                entered_manually=False,
                imported_at=dt.datetime.combine(monday, dt.time(14), tzinfo=dt.UTC),
            )
    posting_ids: dict[int, int] = {}
    with _Rows(ClaimPosting, posting_template) as rows:
        for key, filed in by_file.items():
            for n, bill in enumerate(filed):
                paid = sum((p for _, _, p, _ in results[bill.pk]), Decimal(0))
                allowed = sum((a for _, a, _, _ in results[bill.pk]), Decimal(0))
                assert bill.adjudicated_on is not None
                posting_ids[bill.pk] = rows.add(
                    era_file_id=file_ids[key],
                    claim_id=bill.pk,
                    segment_number=10 + n * 12,
                    status_code="4" if bill.status == ClaimStatus.DENIED else "1",
                    interest=None,
                    crossover_payer="",
                    balance_problem="",
                    charge=sum((line.charge for line in bill.lines), Decimal(0)),
                    paid=paid,
                    patient_responsibility=allowed - paid,
                    payer_claim_number=f"PCN{bill.pk:010d}",
                    remark_codes=["N130"] if bill.status == ClaimStatus.DENIED else [],
                    posted_on=bill.adjudicated_on,
                )
    with _Rows(LinePosting, line_posting_template) as rows:
        for bill in settled:
            for n, (line, allowed, paid, _) in enumerate(results[bill.pk]):
                rows.add(
                    claim_posting_id=posting_ids[bill.pk],
                    claim_line_id=line.pk,
                    segment_number=12 + n * 3,
                    matched_by=MatchedBy.LINE_CONTROL,
                    charge=line.charge,
                    paid=paid,
                    allowed=allowed,
                    units=Decimal(line.units),
                    remark_codes=[],
                    expected=None,
                    underpaid=False,
                    balance_problem="",
                )
    with _Rows(ClaimAdjustment, adjustment_template) as rows:
        for bill in settled:
            for line, _, _, adjustments in results[bill.pk]:
                for group, reason, amount in adjustments:
                    if amount:
                        rows.add(
                            claim_id=bill.pk,
                            line_id=line.pk,
                            group=group,
                            reason=reason,
                            amount=amount,
                        )
    _grow_denials(organisation, rng, [b for b in settled if b.status == ClaimStatus.DENIED])
    return len(file_ids), len(posting_ids)


def _grow_denials(organisation: Organisation, rng: random.Random, denied: list[_Bill]) -> None:
    """The denials a biller took up (most of them): open, appealed, corrected or closed."""
    template = _template(Denial, Denial.objects.all(), organisation=organisation)
    states = _weighted(DENIAL_STATES)
    with _Rows(Denial, template) as rows:
        for bill in denied:
            if rng.random() > DENIALS_WORKED or bill.adjudicated_on is None:
                continue
            opened = bill.adjudicated_on + dt.timedelta(days=rng.randrange(1, 10))
            rows.add(
                organisation_id=organisation.pk,
                claim_id=bill.pk,
                state=rng.choice(states),
                assigned_to_id=None,
                write_off_reason="",
                corrected_claim_id=None,
                opened_at=dt.datetime.combine(opened, dt.time(15), tzinfo=dt.UTC),
            )


def _grow_appointments(
    organisation: Organisation,
    rng: random.Random,
    today: dt.date,
    visits: list[_Visit],
    clinicians: list[Staff],
) -> int:
    """An appointment for every visit (checked out, or arrived today), the cancelled and
    not-attended ones beside them, and a fortnight booked ahead; a clinician's day fills
    45-minute slots from 7:00."""
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    template = _template(
        Appointment,
        Appointment.objects.filter(organisation=organisation, series__isnull=True),
        organisation=organisation,
    )
    slots: dict[tuple[int, dt.date], int] = {}
    first_location = organisation.locations.order_by("pk").values_list("pk", flat=True)[0]
    home = {s.pk: s.default_location_id or first_location for s in clinicians}
    user_of = {s.pk: s.user_id for s in clinicians}
    patients = [v.patient_id for v in visits]

    # The clinic's own appointments keep their times: a slot that meets one is skipped.
    taken: dict[tuple[int, dt.date], list[tuple[dt.datetime, dt.datetime]]] = {}
    for staff_id, start, end in (
        Appointment.objects.filter(organisation=organisation)
        .exclude(status__in=FREED)
        .values_list("staff_id", "start", "end")
    ):
        taken.setdefault((staff_id, start.astimezone(tz).date()), []).append((start, end))

    def at(day: dt.date, slot: int) -> tuple[dt.datetime, dt.datetime]:
        start = dt.datetime.combine(day, dt.time(7), tzinfo=tz) + dt.timedelta(minutes=45 * slot)
        return start, start + dt.timedelta(minutes=45)

    def when(staff: int, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """The clinician's next free slot that day (the slots hold time: none may overlap)."""
        busy = taken.get((staff, day), ())
        while True:
            slot = slots.get((staff, day), 0)
            slots[(staff, day)] = slot + 1
            if slot >= LAST_SLOT:
                raise ValueError("more visits in a clinician's day than 45-minute slots in it")
            start, end = at(day, slot)
            if not any(s < end and start < e for s, e in busy):
                return start, end

    plans: list[dict[str, Any]] = []
    for visit in visits:
        start, end = when(visit.therapist, visit.day)
        arrived = start - dt.timedelta(minutes=rng.randrange(2, 15))
        done = visit.day < today
        plans.append(
            {
                "patient_id": visit.patient_id,
                "staff_id": visit.therapist,
                "location_id": visit.location_id,
                "start": start,
                "end": end,
                "status": AppointmentStatus.COMPLETED if done else AppointmentStatus.ARRIVED,
                "arrived_at": arrived,
                "checked_out_at": end if done else None,
                "created_at": start - dt.timedelta(days=rng.randrange(1, 21)),
            }
        )
    for share, status in (
        (CANCELLED_PER_VISIT, AppointmentStatus.CANCELLED),
        (NO_SHOW_PER_VISIT, AppointmentStatus.NO_SHOW),
    ):
        for _ in range(round(len(visits) * share)):
            visit = rng.choice(visits)
            # A cancelled or missed visit gives its time back: any of the day's slots.
            start, end = at(visit.day, rng.randrange(DAY_SLOTS))
            cancelled = status == AppointmentStatus.CANCELLED
            plans.append(
                {
                    "patient_id": visit.patient_id,
                    "staff_id": visit.therapist,
                    "location_id": visit.location_id,
                    "start": start,
                    "end": end,
                    "status": status,
                    "cancelled_at": start - dt.timedelta(hours=rng.randrange(2, 72))
                    if cancelled
                    else None,
                    "cancel_reason": rng.choice(("patient", "patient", "late", "clinic"))
                    if cancelled
                    else "",
                    "created_at": start - dt.timedelta(days=rng.randrange(3, 21)),
                }
            )
    ahead = round(len(visits) / SPAN_DAYS * BOOKED_AHEAD_DAYS)
    for _ in range(ahead):
        day = today + dt.timedelta(days=rng.randrange(1, BOOKED_AHEAD_DAYS + 1))
        while day.weekday() >= 5:
            day = today + dt.timedelta(days=rng.randrange(1, BOOKED_AHEAD_DAYS + 1))
        staff = rng.choice(clinicians).pk
        while slots.get((staff, day), 0) >= DAY_SLOTS:  # a full day: another clinician
            staff = rng.choice(clinicians).pk
        start, end = when(staff, day)
        plans.append(
            {
                "patient_id": rng.choice(patients),
                "staff_id": staff,
                "location_id": home[staff],
                "start": start,
                "end": end,
                "status": AppointmentStatus.BOOKED,
                "created_at": timezone.now() - dt.timedelta(days=rng.randrange(1, 20)),
            }
        )
    with _Rows(Appointment, template) as rows:
        for plan in plans:
            rows.add(
                **{
                    "organisation_id": organisation.pk,
                    "room_id": None,
                    "series_id": None,
                    "booked_note": "",
                    "outside_hours": False,
                    "arrived_at": None,
                    "checked_out_at": None,
                    "cancelled_at": None,
                    "cancel_reason": "",
                    "cancel_note": "",
                    "patient_reply": "",
                    "patient_replied_at": None,
                    "created_by_id": user_of[plan["staff_id"]],
                    **plan,
                }
            )
    return len(plans)


def _grow_audit(
    organisation: Organisation,
    rng: random.Random,
    visits: Iterable[_Visit],
    users: dict[int, tuple[int, str]],
    chain: str,
) -> int:
    """About six events a note: made, edited, signed, the chart viewed. Appended unchained
    for the chaining task (`chain="task"`), or linked as they are written (`"append"`): the
    demo's pending events are chained first, the head is locked for the rest of the build,
    and each event takes the next sequence and the hash the task would give it."""
    template = AuditEvent(organisation=organisation, occurred_at=timezone.now())
    linking = chain == "append"
    sequence, last_hash = 0, ""
    head: AuditChainHead | None = None
    if linking:
        chain_pending_events(organisation.pk)
        head = AuditChainHead.objects.select_for_update().get(organisation=organisation)
        sequence, last_hash = head.sequence, head.last_hash
    with _Rows(AuditEvent, template) as rows:
        for visit in visits:
            user_id, username = users[visit.therapist]
            at = dt.datetime.combine(visit.day, dt.time(12), tzinfo=dt.UTC)
            for n, action in enumerate(_audit_actions(rng, visit.signed)):
                event = AuditEvent(
                    organisation_id=organisation.pk,
                    sequence=None,
                    occurred_at=at + dt.timedelta(minutes=7 * n, seconds=rng.randrange(60)),
                    actor_id=user_id,
                    actor_username=username,
                    action=action.value,
                    object_type="note",
                    object_id=str(visit.note_id),
                    patient_id=visit.patient_id,
                    prev_hash="",
                    hash="",
                )
                if linking:
                    sequence += 1
                    event.sequence, event.prev_hash = sequence, last_hash
                    event._shown_patient_ids = []  # type: ignore[attr-defined]
                    event.hash = last_hash = chain_hash(last_hash, event.canonical())
                rows.add(
                    organisation_id=organisation.pk,
                    sequence=event.sequence,
                    occurred_at=event.occurred_at,
                    actor_id=user_id,
                    actor_username=username,
                    action=event.action,
                    object_type="note",
                    object_id=event.object_id,
                    patient_id=visit.patient_id,
                    prev_hash=event.prev_hash,
                    hash=event.hash,
                )
    if head is not None:  # after the COPY: the connection takes no other query during one
        head.sequence, head.last_hash = sequence, last_hash
        head.anchor = head_anchor(
            settings.CLEANNOTE_AUDIT_KEY, organisation.pk, sequence, last_hash
        )
        head.save(update_fields=["sequence", "last_hash", "anchor"])
    return rows.count


def _audit_actions(rng: random.Random, signed: bool) -> list[AuditAction]:
    """About six events a visit: the note made, edited, signed, and the chart viewed."""
    views = rng.randrange(1, 5)
    made = [AuditAction.CREATE, AuditAction.UPDATE] + ([AuditAction.SIGN] if signed else [])
    return made + [AuditAction.VIEW] * views
