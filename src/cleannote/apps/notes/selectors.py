"""Reads of notes and the therapist home's work lists, always within one organisation.

Each list is one query however long it grows: counts and dates are computed in SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from cleannote.apps.notes.models import PROGRESS_REPORT_TYPES, TREATMENT_VISIT, Note, NoteStatus
from cleannote.apps.organisations.models import Organisation, Role, Staff
from cleannote.apps.patients.models import Case, Patient, PlanOfCare, Referral
from cleannote.apps.patients.selectors import FAR_FUTURE
from cleannote.rules.scope_of_practice import SCOPE

# Medicare asks for a progress report at least once every 10 treatment days (BPM 100-02
# ch.15 §220.3D); the list shows a case once 9 treatment days have passed since the last one,
# because the next visit is the one that needs it.
PROGRESS_REPORT_EVERY = 10
RECERT_WINDOW_DAYS = 14
LONG_AGO = dt.date(1900, 1, 1)


def notes_for_chart(patient: Patient) -> list[Note]:
    """The patient's notes for the chart, newest first, with their block counts (one query)."""
    return list(
        Note.objects.filter(patient=patient)
        .select_related("therapist__user", "case", "location")
        .annotate(block_count=Count("blocks"))
        .order_by("-date_of_service", "-id")
    )


def with_visits_used(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """Referrals annotated with `visits_used`: signed notes in the case from the referral date
    on, up to its expiry (a draft may be abandoned)."""
    used = (
        Note.objects.filter(
            TREATMENT_VISIT,
            case=OuterRef("case"),
            status=NoteStatus.SIGNED,
            date_of_service__gte=OuterRef("referral_date"),
            date_of_service__lte=Coalesce(OuterRef("expires_on"), Value(FAR_FUTURE)),
        )
        .order_by()
        .values("case")
        .annotate(n=Count("id"))
        .values("n")
    )
    return referrals.annotate(
        visits_used=Coalesce(Subquery(used, output_field=IntegerField()), Value(0))
    )


def notes_of(organisation: Organisation) -> QuerySet[Note]:
    return Note.objects.filter(patient__organisation=organisation)


def note_detail(organisation: Organisation, note_id: int) -> Note | None:
    return (
        notes_of(organisation)
        .select_related(
            "patient",
            "case",
            "therapist__user",
            "signed_by__user",
            "cosigned_by__user",
            "location",
        )
        .prefetch_related("blocks__goals", "addenda__author__user")
        .filter(pk=note_id)
        .first()
    )


def _my_drafts(staff: Staff) -> QuerySet[Note]:
    return (
        notes_of(staff.organisation)
        .filter(therapist=staff, status=NoteStatus.DRAFT)
        .select_related("patient", "case")
        .order_by("date_of_service", "id")
    )


def notes_in_progress(staff: Staff, today: dt.date) -> QuerySet[Note]:
    """Drafts for today's (or later) visits: being written now."""
    return _my_drafts(staff).filter(date_of_service__gte=today)


def notes_awaiting_signature(staff: Staff, today: dt.date) -> QuerySet[Note]:
    """Drafts for past visits: the care happened, the claim waits for the signature."""
    return _my_drafts(staff).filter(date_of_service__lt=today)


def notes_awaiting_cosignature(staff: Staff) -> QuerySet[Note]:
    """Signed notes of the assistants this clinician's credential supervises (a PT sees the
    PTAs' notes), not yet co-signed, oldest first; none for anyone who supervises nobody."""
    supervised = [
        scope.credential.value
        for scope in SCOPE.values()
        if staff.credential and scope.supervised_by == staff.credential
    ]
    return (
        notes_of(staff.organisation)
        .filter(
            status=NoteStatus.SIGNED,
            cosigned_at__isnull=True,
            therapist__credential__in=supervised,
        )
        .select_related("patient", "therapist__user")
        .order_by("date_of_service", "id")
    )


def _cases_in_scope(staff: Staff) -> QuerySet[Case]:
    """Open cases this person treats; the owner sees every open case in the organisation."""
    cases = Case.objects.filter(patient__organisation=staff.organisation, closed_on__isnull=True)
    if staff.role != Role.OWNER:
        cases = cases.filter(Exists(Note.objects.filter(case=OuterRef("pk"), therapist=staff)))
    return cases


@dataclass(frozen=True)
class ProgressDue:
    """A page of the progress-reports-due list and how many cases are due in all."""

    cases: list[Case]
    total: int

    def __iter__(self) -> Iterator[Case]:
        return iter(self.cases)


class ProgressDueSequence:
    """The whole list for a paginator: `count()` and slices each read only what they need."""

    def __init__(self, staff: Staff) -> None:
        self.staff = staff

    def count(self) -> int:
        return progress_reports_due(self.staff, limit=1).total

    def __getitem__(self, index: slice) -> list[Case]:
        start = index.start or 0
        stop = index.stop if index.stop is not None else start + 1_000_000
        return progress_reports_due(self.staff, limit=stop - start, offset=start).cases


# Each scoped case's last progress report is one probe of its notes newest first (a subquery
# per case, not per note row: ADR 0836), stopping at the first report instead of reading every
# note of every case (ADR 0864); one grouped pass then counts the treatment days after it.
_PROGRESS_DUE_SQL = """
SELECT due.case_id, due.last_report_on, due.days, COUNT(*) OVER () AS total
FROM (
    SELECT n.case_id, r.last_report_on, COUNT(DISTINCT n.date_of_service) AS days
    FROM {note} n
    JOIN (
        SELECT s.id AS case_id,
               (SELECT MAX(date_of_service) FROM {note}
                WHERE case_id = s.id AND note_type IN ({types})) AS last_report_on
        FROM {case} s
        WHERE s.id IN ({scope})
    ) r ON r.case_id = n.case_id
    WHERE n.case_id IN ({scope}) AND n.date_of_service > COALESCE(r.last_report_on, %s)
    GROUP BY n.case_id, r.last_report_on
    HAVING COUNT(DISTINCT n.date_of_service) >= %s
) due
JOIN {case} c ON c.id = due.case_id
JOIN {patient} p ON p.id = c.patient_id
ORDER BY due.days DESC, p.last_name, c.id
"""


def _as_date(value: object) -> dt.date | None:
    """A date column read through a cursor: a date on PostgreSQL, ISO text on SQLite."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def progress_reports_due(
    staff: Staff,
    *,
    cases: QuerySet[Case] | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> ProgressDue:
    """Open cases with 9 or more treatment days since the last progress report (or the start),
    most days first; `cases` narrows the scope (the compliance report's filters), `limit` and
    `offset` take one page. Two queries whatever the number of notes; both
    passes over the notes name the scope, so the planner reads only its cases' notes (ADR 0838).

    Each case carries `last_report_on` (None before the first report) and `days_since_report`.
    """
    scope = _cases_in_scope(staff)
    if cases is not None:
        scope = scope.filter(pk__in=cases.values("pk"))
    try:
        scope_sql, scope_params = scope.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # an empty id list in `cases`: no SQL can say it, nothing is due
        return ProgressDue(cases=[], total=0)
    sql = _PROGRESS_DUE_SQL.format(
        note=Note._meta.db_table,
        case=Case._meta.db_table,
        patient=Patient._meta.db_table,
        types=", ".join(["%s"] * len(PROGRESS_REPORT_TYPES)),
        scope=scope_sql,
    )
    params: list[Any] = [*PROGRESS_REPORT_TYPES, *scope_params, *scope_params, LONG_AGO]
    params.append(PROGRESS_REPORT_EVERY - 1)
    if limit is not None:
        sql += " LIMIT %s OFFSET %s"
        params += [limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    total = rows[0][3] if rows else 0
    if not rows and offset:
        total = progress_reports_due(staff, cases=cases, limit=1).total
    found = Case.objects.select_related("patient").in_bulk([r[0] for r in rows])
    page: list[Case] = []
    for case_id, last_report_on, days, _ in rows:
        case = found[case_id]
        case.last_report_on = _as_date(last_report_on)  # type: ignore[attr-defined]
        case.days_since_report = days  # type: ignore[attr-defined]
        page.append(case)
    return ProgressDue(cases=page, total=total)


def recertifications_due(staff: Staff, today: dt.date) -> QuerySet[PlanOfCare]:
    """Current plans of care (the newest per open case) certified through today + 14 days or
    less, lapsed ones included."""
    newer = PlanOfCare.objects.filter(case=OuterRef("case"), start_date__gt=OuterRef("start_date"))
    return (
        PlanOfCare.objects.filter(
            case__in=_cases_in_scope(staff),
            certified_through__lte=today + dt.timedelta(days=RECERT_WINDOW_DAYS),
        )
        .exclude(Exists(newer))
        .select_related("case__patient")
        .order_by("certified_through", "id")
    )
