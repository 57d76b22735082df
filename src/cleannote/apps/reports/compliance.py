"""The compliance report's rows: what is slipping on each open case, where, and the chart
screen (or note) that fixes it (ADR 0800). The progress-report and certification rules are the
therapist home's own selectors (`notes.selectors`), read for the whole clinic. KX and targeted
review (ADR 0802) are the forward flags' own: the same year-to-date Medicare therapy charges
(`claims.therapy_ytd.medicare_therapy_ytd`: the nightly count and what changed since, ADR
0861), the same comparison and words (`rules.forward_view.thresholds_passed`), and for booked
visits `flags_for` itself."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple, TypeVar

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.urls import reverse
from django.utils import timezone

from cleannote.apps.claims.therapy_ytd import medicare_therapy_ytd
from cleannote.apps.notes import selectors as note_selectors
from cleannote.apps.notes.models import TREATMENT_VISIT, Note, NoteStatus
from cleannote.apps.organisations.models import Location, Role, Staff
from cleannote.apps.patients.fix_links import ChartScreen, screen_link
from cleannote.apps.patients.models import Case, Patient, Referral
from cleannote.apps.reports.scope import ReportFilters
from cleannote.apps.scheduling.forward_flags import flags_for, remedy_link
from cleannote.apps.scheduling.models import EXPECTED, Appointment
from cleannote.apps.scheduling.selectors import day_bounds
from cleannote.rules.forward_view import (
    FlagKind,
    Remedy,
    threshold_message,
    thresholds_passed,
)
from cleannote.rules.thresholds import TherapyBucket, bucket_for
from cleannote.rules.visit import Discipline

# Per problem: the count is whole, the list its oldest ROW_LIMIT. A hundred is more than a
# day of work on one problem, and a location or clinician filter narrows it; two hundred made
# the page 250 KB of rows at a million visits (ADR 0865).
ROW_LIMIT = 100
AUTH_DAYS = 7
AUTH_VISITS = 3
BOOKED_DAYS = 14  # booked visits that will pass a threshold: the next two weeks, as the
# schedule's attention list looks ahead

PROBLEMS = {
    "progress": "Progress report due",
    "certification": "Plan of care past certification",
    "unsigned": "Note unsigned after 24 h",
    "authorization": f"Authorization ending (within {AUTH_DAYS} days or {AUTH_VISITS} visits)",
    "kx": "KX threshold passed",
    "targeted_review": "Targeted medical review amount passed",
    "referral": "Referral missing",
}
_PROBLEM_OF_FLAG = {FlagKind.KX_THRESHOLD: "kx", FlagKind.TARGETED_REVIEW: "targeted_review"}


@dataclass(frozen=True)
class ComplianceRow:
    problem: str
    location: str
    clinician: str
    patient_id: int
    patient: str
    detail: str
    fix_url: str
    fix_text: str


def _whole_clinic(filters: ReportFilters) -> Staff:
    """The home page's selectors read every open case for an owner: the report's reader."""
    return Staff(organisation=filters.organisation, role=Role.OWNER)


class CaseScope(NamedTuple):
    """A tuple, not a frozen dataclass: 20,000 of them are built per report (ADR 0865)."""

    location_id: int | None  # of the case's newest visit
    clinician_id: int | None
    patient_id: int
    discipline: str


def _open_cases(filters: ReportFilters) -> dict[int, CaseScope]:
    """Open cases in scope: case id -> where and by whom its newest visit was, its patient.
    One query: each open case with the location and clinician of its newest treatment note,
    each read by one probe of the notes' newest-first index per case (ADR 0862), not a ranking
    of every note of every open case (ADR 0838); the location and clinician filters then apply
    to that newest visit, as a case with no treatment visit matches neither."""
    cases = Case.objects.filter(patient__organisation=filters.organisation, closed_on__isnull=True)
    if filters.discipline:
        cases = cases.filter(discipline=filters.discipline)
    newest = Note.objects.filter(TREATMENT_VISIT, case=OuterRef("pk")).order_by(
        "-date_of_service", "-id"
    )
    places = filters.location_scope()
    scope = {}
    for pk, patient_id, discipline, at, by in (
        cases.order_by()
        .annotate(
            at=Subquery(newest.values("location_id")[:1]),
            by=Subquery(newest.values("therapist_id")[:1]),
        )
        .values_list("pk", "patient_id", "discipline", "at", "by")
    ):
        if places is not None and at not in places:
            continue
        if filters.clinician_id and by != filters.clinician_id:
            continue
        scope[pk] = CaseScope(at, by, patient_id, discipline)
    return scope


_Row = TypeVar("_Row", bound=Model)
Add = Callable[[str, int, int, str, str, tuple[str, str]], None]


def _thresholds(filters: ReportFilters, scope: dict[int, CaseScope], add: Add) -> None:
    """KX and targeted review, per patient and bucket (PT and SLP together, OT apart): passed
    by this year's Medicare therapy charges, or passed at a visit booked in the next
    BOOKED_DAYS (the forward flags, asked for these two alone: ADR 0863). A fixed number of
    queries for the charges, names and booked visits, and `flags_for`'s, however many
    patients."""
    year = filters.today.year
    newest: dict[tuple[int, TherapyBucket], int] = {}  # the newest open case of the bucket
    for case_id, case in scope.items():
        bucket = bucket_for(Discipline(case.discipline))
        if bucket is not None:
            key = (case.patient_id, bucket)
            newest[key] = max(newest.get(key, 0), case_id)
    if not newest:
        return
    ytd = medicare_therapy_ytd(
        filters.organisation.pk, {patient_id for patient_id, _ in newest}, year
    )
    billed = sorted(ytd)
    # Rows wait for their patients' names, read once for the few hundred listed rather than
    # for every patient billed this year (ADR 0865).
    found: list[tuple[str, int, int, str, tuple[str, str]]] = []
    fix = Remedy.CONFIRM_MEDICAL_NECESSITY
    # Only a patient with charges this year can have passed an amount: the few thousand
    # billed, not the 20,000 open cases' patients (ADR 0865).
    passed = [(case_id, key) for key, case_id in newest.items() if key[0] in ytd]
    for case_id, (patient_id, bucket) in sorted(passed):
        amount = ytd[patient_id].get(bucket, Decimal("0"))
        for kind, row in thresholds_passed(year, Decimal("0"), amount):
            link = remedy_link(fix, patient_id=patient_id, case_id=case_id)
            text = threshold_message(
                kind, bucket, year, amount or Decimal("0"), row, expected=False
            )
            found.append((_PROBLEM_OF_FLAG[kind], case_id, patient_id, text, (link.url, link.text)))
    # Booked visits that will pass one: only a patient billed to Medicare this year has the
    # charges the forward flags count from.
    start, _ = day_bounds(filters.today)
    _, until = day_bounds(filters.today + dt.timedelta(days=BOOKED_DAYS - 1))
    booked = list(
        Appointment.objects.filter(
            organisation=filters.organisation, patient_id__any_of=billed, status__in=EXPECTED,
            start__gte=start, start__lt=until,
        ).only("pk", "patient_id", "start")
    )  # fmt: skip
    flags = flags_for(filters.organisation, booked, filters.today, thresholds_only=True)
    zone = timezone.get_current_timezone()
    for appointment in sorted(booked, key=lambda a: (a.start, a.pk)):
        for flag in flags.get(appointment.pk, ()):
            problem = _PROBLEM_OF_FLAG.get(flag.kind)
            case_id = int(flag.case_key)  # type: ignore[call-overload]
            if problem is None or case_id not in scope:
                continue
            day = appointment.start.astimezone(zone).date().isoformat()
            link = remedy_link(flag.remedy, patient_id=appointment.patient_id, case_id=case_id)
            found.append((
                problem, case_id, appointment.patient_id,
                f"Booked visit of {day}: {flag.message}", (link.url, link.text),
            ))  # fmt: skip
    listed = sorted({patient_id for _, _, patient_id, _, _ in found})
    names = {
        p.pk: str(p)
        for p in Patient.objects.filter(pk__any_of=listed).only("first_name", "last_name")
    }
    for problem, case_id, patient_id, text, link_of in found:
        add(problem, case_id, patient_id, names[patient_id], text, link_of)


def _first_rows(rows: QuerySet[_Row]) -> tuple[list[_Row], int]:
    """The first ROW_LIMIT rows in the query's order and how many there are in all, in one
    query: the count is a window over the whole result (`COUNT(*) OVER ()`), so a problem with
    thousands of rows loads only the ones listed."""
    page = list(rows.annotate(whole_count=Window(Count("*")))[:ROW_LIMIT])
    return page, page[0].whole_count if page else 0  # type: ignore[attr-defined]


def compliance(filters: ReportFilters) -> tuple[list[ComplianceRow], dict[str, int]]:
    """Every problem's rows (at most ROW_LIMIT each) and its whole count."""
    scope = _open_cases(filters)
    staff = _whole_clinic(filters)
    locations = dict(
        Location.objects.filter(organisation=filters.organisation).values_list("pk", "name")
    )
    clinicians = {
        s.pk: s.display_name
        for s in Staff.objects.filter(organisation=filters.organisation).select_related("user")
    }
    rows: list[ComplianceRow] = []
    counts = dict.fromkeys(PROBLEMS, 0)

    def add(
        problem: str, case_id: int, patient_id: int, name: str, detail: str, link: tuple[str, str]
    ) -> None:
        counts[problem] += 1
        if counts[problem] > ROW_LIMIT:
            return
        case = scope.get(case_id)
        at, by = (case.location_id, case.clinician_id) if case else (None, None)
        rows.append(
            ComplianceRow(
                problem=PROBLEMS[problem], location=locations.get(at, "—") if at else "—",
                clinician=clinicians.get(by, "—") if by else "—", patient_id=patient_id,
                patient=name, detail=detail, fix_url=link[0], fix_text=link[1],
            )
        )  # fmt: skip

    # No open case in scope (a clinician with none): an empty id list is no SQL to run.
    scope_ids = list(scope)
    in_scope: QuerySet[Case] | None = Case.objects.filter(pk__any_of=scope_ids)
    if filters.location_scope() is None and not filters.clinician_id:
        # Not narrowed by where or by whom: the scope is every open case (of the discipline),
        # the selector's own scope, named without the 20,000 ids it would match twice against
        # (ADR 0865).
        in_scope = (
            Case.objects.filter(discipline=filters.discipline) if filters.discipline else None
        )
    due = (
        note_selectors.progress_reports_due(staff, cases=in_scope, limit=ROW_LIMIT)
        if scope
        else note_selectors.ProgressDue(cases=[], total=0)
    )
    for case in due:
        add(
            "progress", case.pk, case.patient_id, str(case.patient),
            f"{case.days_since_report} treatment days since the last report",  # type: ignore[attr-defined]
            (reverse("notes:start", args=[case.pk]), "Start the progress report"),
        )  # fmt: skip
    counts["progress"] = due.total
    plans, plans_total = _first_rows(
        note_selectors.recertifications_due(staff, filters.today)
        .filter(case_id__any_of=scope_ids, certified_through__lt=filters.today)
        .select_related("case__patient")
    )
    for plan in plans:
        link = screen_link(ChartScreen.PLAN, patient_id=plan.case.patient_id, case_id=plan.case_id)
        add(
            "certification", plan.case_id, plan.case.patient_id, str(plan.case.patient),
            f"certified through {plan.certified_through.isoformat()}", (link.url, link.text),
        )  # fmt: skip
    drafts = (
        Note.objects.filter(
            TREATMENT_VISIT, patient__organisation=filters.organisation,
            status=NoteStatus.DRAFT, date_of_service__lte=filters.today - dt.timedelta(days=2),
        )
        .select_related("patient")
        .order_by("date_of_service", "id")
    )  # fmt: skip
    if (places := filters.location_scope()) is not None:
        drafts = drafts.filter(location_id__in=places)
    if filters.clinician_id:
        drafts = drafts.filter(therapist_id=filters.clinician_id)
    if filters.discipline:
        drafts = drafts.filter(case__discipline=filters.discipline)
    notes, counts["unsigned"] = _first_rows(drafts)
    for note in notes:
        rows.append(
            ComplianceRow(
                problem=PROBLEMS["unsigned"], location=locations.get(note.location_id, "—"),
                clinician=clinicians.get(note.therapist_id, "—"), patient_id=note.patient_id,
                patient=str(note.patient),
                detail=f"visit of {note.date_of_service.isoformat()}",
                fix_url=reverse("notes:edit", args=[note.pk]), fix_text="Finish and sign the note",
            )
        )  # fmt: skip
    used = (
        Note.objects.filter(
            TREATMENT_VISIT, case=OuterRef("case"), status=NoteStatus.SIGNED,
            date_of_service__gte=OuterRef("referral_date"),
        )
        .order_by()
        .values("case")
        .annotate(n=Count("id"))
        .values("n")
    )  # fmt: skip
    newer = Referral.objects.filter(renews=OuterRef("pk"))
    soon, few = filters.today + dt.timedelta(days=AUTH_DAYS), AUTH_VISITS
    ending = (
        Referral.objects.filter(case_id__any_of=scope_ids)
        .exclude(Exists(newer))
        .annotate(visits_used=Subquery(used, output_field=IntegerField()))
        .filter(
            Q(expires_on__gte=filters.today, expires_on__lte=soon)
            | Q(authorized_visits__isnull=False, visits_used__gte=F("authorized_visits") - few)
        )
        .select_related("case__patient")
    )  # fmt: skip
    referrals, referrals_total = _first_rows(ending)
    for referral in referrals:
        link = screen_link(
            ChartScreen.REFERRALS, patient_id=referral.case.patient_id, case_id=referral.case_id
        )
        taken = referral.visits_used or 0  # type: ignore[attr-defined]  # the annotation
        left = (
            f"{referral.authorized_visits - taken} visits left"
            if referral.authorized_visits is not None
            else ""
        )
        through = f"valid through {referral.expires_on.isoformat()}" if referral.expires_on else ""
        add(
            "authorization", referral.case_id, referral.case.patient_id, str(referral.case.patient),
            "; ".join(p for p in (through, left) if p), (link.url, link.text),
        )  # fmt: skip
    _thresholds(filters, scope, add)
    # Nearly every open case can lack a referral (20,000 on the million-visit copy): the
    # window counts the ids alone in the cases' order, then the listed ones are read whole
    # with their patient, not 20,000 wide rows counted and spilled to disk (ADR 0865).
    first, missing_total = _first_rows(
        Case.objects.filter(pk__any_of=scope_ids)
        .exclude(Exists(Referral.objects.filter(case=OuterRef("pk"))))
        .only("pk")
    )
    whole = Case.objects.select_related("patient").in_bulk([case.pk for case in first])
    missing = [whole[case.pk] for case in first]
    for case in missing:
        link = screen_link(ChartScreen.REFERRALS, patient_id=case.patient_id, case_id=case.pk)
        add(
            "referral",
            case.pk,
            case.patient_id,
            str(case.patient),
            case.title,
            (link.url, link.text),
        )
    # The lists were read with their limit: each whole count is its query's window count.
    counts.update(certification=plans_total, authorization=referrals_total, referral=missing_total)
    order = {label: n for n, label in enumerate(PROBLEMS.values())}
    rows.sort(key=lambda r: order[r.problem])  # stable: each problem's rows keep their order
    return rows, counts
