"""The productivity report's reads: every figure counted by the database, grouped per
clinician or location, so a page reads a few dozen grouped rows whatever the number of visits.
What the counts mean and the arithmetic on them live in `cleannote.rules.reporting`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from cleannote.apps.claims.models import ClaimLine
from cleannote.apps.notes.models import TREATMENT_VISIT, Note, NoteStatus
from cleannote.apps.organisations.models import Location, Staff
from cleannote.apps.reports.scope import ReportFilters, primary_claims_q
from cleannote.apps.reports.summary_reads import live_part, summary_rows, summary_run
from cleannote.apps.scheduling.models import Appointment, AppointmentStatus, WorkingHours
from cleannote.apps.scheduling.selectors import day_bounds
from cleannote.rules import reporting
from cleannote.rules.catalog import all_procedures
from cleannote.rules.note_types import NoteType

EVALUATION_TYPES = (NoteType.EVALUATION.value, NoteType.RE_EVALUATION.value)
TIMED_CODES = tuple(sorted(p.code for p in all_procedures() if p.timed))
ARRIVED = (AppointmentStatus.ARRIVED, AppointmentStatus.COMPLETED)

# How a row is keyed: the note's column, the appointment's, the working hours'.
GROUPS = {
    "clinician": ("therapist_id", "staff_id"),
    "location": ("location_id", "location_id"),
}


@dataclass
class ProductivityRow:
    key: int
    name: str
    visits: int = 0
    days_worked: int = 0
    evaluations: int = 0
    fte: Decimal | None = None
    billed_visits: int = 0
    units: int = 0
    timed_units: int = 0
    discharged_cases: int = 0
    discharged_case_visits: int = 0
    booked: int = 0
    cancelled: int = 0
    no_show: int = 0
    arrived: int = 0
    signed_same_day: int = 0
    signed_next_day: int = 0
    unsigned_24h: int = 0
    unsigned_72h: int = 0
    documentation_seconds: float = 0.0
    figures: dict[str, Any] = field(default_factory=dict)


PRODUCTIVITY_FIGURES = (
    "visits", "days_worked", "visits_per_day", "fte", "visits_per_fte_week", "units_per_visit",
    "timed_units_per_visit", "evaluations", "visits_per_discharged_case", "cancellation_rate",
    "no_show_rate", "arrived_to_booked", "signed_same_day", "signed_within_24h",
    "unsigned_24h", "unsigned_72h", "documentation_hours", "notes_per_hour",
)  # fmt: skip


def _clinic_notes(filters: ReportFilters) -> Any:
    notes = Note.objects.filter(
        TREATMENT_VISIT, filters.notes_q(), patient__organisation=filters.organisation
    )
    if filters.payer_id:
        notes = notes.filter(claims__payer_id=filters.payer_id, claims__origin="note")
    return notes.order_by()


def row_names(group: str, filters: ReportFilters, keys: set[int]) -> dict[int, str]:
    """The display name of each clinician (`group` "clinician") or location key."""
    if group == "clinician":
        staff = Staff.objects.filter(organisation=filters.organisation, pk__in=keys)
        return {s.pk: s.display_name for s in staff.select_related("user")}
    locations = Location.objects.filter(organisation=filters.organisation, pk__in=keys)
    return {loc.pk: loc.name for loc in locations}


# The keys a daily summary row is counted under (ADR 0850): the note's, the appointment's.
NOTE_DAY_KEYS = ("date_of_service", "location_id", "therapist_id", "case__discipline")


def signed_counts(filters: ReportFilters, keys: tuple[str, ...]) -> Any:
    """Signed visits, days, evaluations and documentation time grouped by `keys`."""
    return (
        _clinic_notes(filters)
        .filter(status=NoteStatus.SIGNED)
        .values(*keys)
        .annotate(
            visits=Count("id", distinct=True),
            days=Count("date_of_service", distinct=True),
            evaluations=Count("id", filter=Q(note_type__in=EVALUATION_TYPES), distinct=True),
            # Only notes signed after they were opened: a note entered after the fact (signed
            # with an earlier time) has no documentation time to count.
            seconds=Sum(
                ExpressionWrapper(F("signed_at") - F("created_at"), output_field=DurationField()),
                filter=Q(signed_at__gte=F("created_at")),
            ),
        )
    )


def signature_lags(filters: ReportFilters, keys: tuple[str, ...]) -> Any:
    """Signed visits per `keys`, day of service and day signed, with the lag in days."""
    zone = timezone.get_current_timezone()
    for r in (
        _clinic_notes(filters)
        .filter(status=NoteStatus.SIGNED)
        .annotate(signed_day=TruncDate("signed_at", tzinfo=zone))
        .values(*dict.fromkeys((*keys, "date_of_service", "signed_day")))
        .annotate(n=Count("id", distinct=True))
    ):
        yield {**r, "lag": (r["signed_day"] - r["date_of_service"]).days}


def unit_counts(filters: ReportFilters, keys: tuple[str, ...]) -> Any:
    """Billed visits and units from the visits' primary claims, grouped by the notes' `keys`
    (as `claim__note__<key>`)."""
    lines = ClaimLine.objects.filter(
        primary_claims_q("claim__"),
        filters.notes_q("claim__note__"),
        claim__organisation=filters.organisation,
        claim__note__status=NoteStatus.SIGNED,
        claim__note__rtm_enrolment__isnull=True,
    )
    if filters.payer_id:
        lines = lines.filter(claim__payer_id=filters.payer_id)
    return (
        lines.order_by()
        .values(*(f"claim__note__{k}" for k in keys))
        .annotate(
            billed=Count("claim__note_id", distinct=True),
            all_units=Sum("units"),
            timed=Coalesce(Sum("units", filter=Q(code__in=TIMED_CODES)), 0),
        )
    )


def appointment_counts(filters: ReportFilters, *keys: Any, **named: Any) -> Any:
    """Appointments booked for the period and how they ended, grouped by `keys`."""
    # Midnight to midnight in the clinic's zone (the same days as `start__date`, asked so the
    # (organisation, start) index answers).
    appointments = Appointment.objects.filter(
        organisation=filters.organisation,
        start__gte=day_bounds(filters.start)[0],
        start__lt=day_bounds(filters.end)[1],
    )
    if (places := filters.location_scope()) is not None:
        appointments = appointments.filter(location_id__in=places)
    if filters.clinician_id:
        appointments = appointments.filter(staff_id=filters.clinician_id)
    if filters.discipline:
        appointments = appointments.filter(staff__credential__in=filters.credentials())
    return (
        appointments.order_by()
        .values(*keys, **named)
        .annotate(
            booked=Count("id"),
            cancelled=Count("id", filter=Q(status=AppointmentStatus.CANCELLED)),
            no_show=Count("id", filter=Q(status=AppointmentStatus.NO_SHOW)),
            arrived=Count("id", filter=Q(status__in=ARRIVED)),
        )
    )


def _summaries_of(filters: ReportFilters) -> Any:
    """The summary run the page reads (none with a payer filter: the productivity rows have no
    payer)."""
    return None if filters.payer_id else summary_run(filters)


def productivity(filters: ReportFilters, group: str) -> list[ProductivityRow]:
    """One row per clinician or location with every productivity figure (PRODUCTIVITY_FIGURES):
    closed days from the daily summaries when they hold them (ADR 0850), the days after
    counted live."""
    return _productivity(filters, group, _summaries_of(filters))


def by_clinician_and_location(
    filters: ReportFilters,
) -> tuple[list[ProductivityRow], list[ProductivityRow]]:
    """The page's two tables, the summary run looked up once for both."""
    run = _summaries_of(filters)
    return _productivity(filters, "clinician", run), _productivity(filters, "location", run)


def _productivity(filters: ReportFilters, group: str, run: Any) -> list[ProductivityRow]:
    note_key, appointment_key = GROUPS[group]
    rows: dict[int, ProductivityRow] = {}
    # Documentation time added up exactly (as durations), made seconds at the end.
    spent: dict[int, dt.timedelta] = defaultdict(dt.timedelta)

    def row(key: int) -> ProductivityRow:
        if key not in rows:
            rows[key] = ProductivityRow(key=key, name="")
        return rows[key]

    if run is not None:
        from cleannote.apps.reports.models import ProductivityDay

        summary_key = f"{group}_id"
        for r in (
            summary_rows(filters, ProductivityDay, run.through)
            .values(summary_key)
            .annotate(
                days=Count("day", distinct=True, filter=Q(visits__gt=0)),
                **{
                    name: Sum(name)
                    for name in (
                        "visits",
                        "evaluations",
                        "documentation",
                        "signed_same_day",
                        "signed_next_day",
                        "billed_visits",
                        "units",
                        "timed_units",
                        "booked",
                        "cancelled",
                        "no_show",
                        "arrived",
                    )
                },
            )
        ):
            target = row(r[summary_key])
            target.days_worked += r["days"]
            for name in ("visits", "evaluations", "signed_same_day", "signed_next_day",
                         "billed_visits", "units", "timed_units", "booked", "cancelled",
                         "no_show", "arrived"):  # fmt: skip
                setattr(target, name, getattr(target, name) + (r[name] or 0))
            if r["documentation"] is not None:
                spent[target.key] += r["documentation"]
    live = live_part(filters, run.through if run is not None else None)
    if live is not None:
        for r in signed_counts(live, (note_key,)):
            target = row(r[note_key])
            target.visits += r["visits"]
            target.days_worked += r["days"]
            target.evaluations += r["evaluations"]
            if r["seconds"] is not None:
                spent[target.key] += r["seconds"]
        # Signature lag: counted per (group, day of service, day signed), bucketed here.
        for r in signature_lags(live, (note_key,)):
            if r["lag"] <= 0:
                row(r[note_key]).signed_same_day += r["n"]
            elif r["lag"] == 1:
                row(r[note_key]).signed_next_day += r["n"]
        for r in unit_counts(live, (note_key,)):
            target = row(r[f"claim__note__{note_key}"])
            target.billed_visits += r["billed"]
            target.units += r["all_units"]
            target.timed_units += r["timed"]
        for r in appointment_counts(live, appointment_key):
            target = row(r[appointment_key])
            target.booked += r["booked"]
            target.cancelled += r["cancelled"]
            target.no_show += r["no_show"]
            target.arrived += r["arrived"]
    for key, duration in spent.items():
        rows[key].documentation_seconds = duration.total_seconds()
    notes = _clinic_notes(filters)
    cutoff_24, cutoff_72 = (
        filters.today - dt.timedelta(days=2),
        filters.today - dt.timedelta(days=4),
    )
    for r in (
        notes.filter(status=NoteStatus.DRAFT, date_of_service__lte=cutoff_24)
        .values(note_key)
        .annotate(
            n24=Count("id", distinct=True),
            n72=Count("id", filter=Q(date_of_service__lte=cutoff_72), distinct=True),
        )
    ):
        row(r[note_key]).unsigned_24h, row(r[note_key]).unsigned_72h = r["n24"], r["n72"]
    # Visits per discharged case: cases discharged in the period, every visit they had.
    discharged = Note.objects.filter(
        TREATMENT_VISIT,
        patient__organisation=filters.organisation,
        status=NoteStatus.SIGNED,
        case__closure="discharged",
        case__closed_on__gte=filters.start,
        case__closed_on__lte=filters.end,
    )
    if (places := filters.location_scope()) is not None:
        discharged = discharged.filter(location_id__in=places)
    if filters.clinician_id:
        discharged = discharged.filter(therapist_id=filters.clinician_id)
    if filters.discipline:
        discharged = discharged.filter(case__discipline=filters.discipline)
    for r in (
        discharged.order_by()
        .values(note_key)
        .annotate(cases=Count("case_id", distinct=True), visits=Count("id", distinct=True))
    ):
        target = row(r[note_key])
        target.discharged_cases, target.discharged_case_visits = r["cases"], r["visits"]
    # FTE from the schedule's working hours (a stretch with no location counts at the
    # clinician's default location).
    hours_key = "staff_id" if group == "clinician" else "at_location"
    working = WorkingHours.objects.filter(staff__organisation=filters.organisation).annotate(
        at_location=Coalesce("location_id", "staff__default_location_id")
    )
    for r in (
        working.order_by()
        .values(hours_key)
        .annotate(span=Sum(ExpressionWrapper(F("end") - F("start"), output_field=DurationField())))
    ):
        if r[hours_key] in rows and r["span"] is not None:
            weekly = Decimal(str(r["span"].total_seconds())) / 3600
            rows[r[hours_key]].fte = reporting.fte(weekly)
    rows.pop(None, None)  # type: ignore[call-overload]
    names = row_names(group, filters, set(rows))
    weeks = reporting.weeks_in(filters.start, filters.end)
    result = []
    for key, target in rows.items():
        if key not in names:
            continue
        target.name = names[key]
        target.figures = productivity_figures(target, weeks)
        result.append(target)
    return sorted(result, key=lambda r: r.name)


def productivity_figures(r: ProductivityRow, weeks: Decimal) -> dict[str, Any]:
    """Every figure of one row, from its counts (the report's arithmetic, one place)."""
    doc_hours = reporting.hours(r.documentation_seconds)
    return {
        "visits": r.visits,
        "days_worked": r.days_worked,
        "visits_per_day": reporting.ratio(r.visits, r.days_worked),
        "fte": r.fte,
        "visits_per_fte_week": reporting.visits_per_fte_week(r.visits, r.fte, weeks),
        "units_per_visit": reporting.ratio(r.units, r.billed_visits),
        "timed_units_per_visit": reporting.ratio(r.timed_units, r.billed_visits),
        "evaluations": r.evaluations,
        "visits_per_discharged_case": reporting.ratio(r.discharged_case_visits, r.discharged_cases),
        "cancellation_rate": reporting.percent(r.cancelled, r.booked),
        "no_show_rate": reporting.percent(r.no_show, r.booked),
        "arrived_to_booked": reporting.percent(r.arrived, r.booked),
        "signed_same_day": reporting.percent(r.signed_same_day, r.visits),
        "signed_within_24h": reporting.percent(r.signed_same_day + r.signed_next_day, r.visits),
        "unsigned_24h": r.unsigned_24h,
        "unsigned_72h": r.unsigned_72h,
        "documentation_hours": doc_hours,
        "notes_per_hour": reporting.ratio(r.visits, doc_hours),
    }


def clinic_productivity(filters: ReportFilters) -> dict[str, Any]:
    """The whole clinic's productivity figures: the clinicians' counts added up (days worked
    become clinician-days, FTE the clinicians' sum)."""
    total = ProductivityRow(key=0, name="")
    fte_sum = Decimal(0)
    for row in productivity(filters, "clinician"):
        for name in ("visits", "days_worked", "evaluations", "billed_visits", "units",
                     "timed_units", "discharged_cases", "discharged_case_visits", "booked",
                     "cancelled", "no_show", "arrived", "signed_same_day", "signed_next_day",
                     "unsigned_24h", "unsigned_72h", "documentation_seconds"):  # fmt: skip
            setattr(total, name, getattr(total, name) + getattr(row, name))
        fte_sum += row.fte or 0
    total.fte = fte_sum or None
    return productivity_figures(total, reporting.weeks_in(filters.start, filters.end))
