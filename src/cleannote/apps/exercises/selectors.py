"""Reads of the library, the programs and the log, shaped for the pages that show them and
for the portal (ADR 0970)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from cleannote.apps.exercises.models import (
    Difficulty,
    Exercise,
    ExerciseSession,
    Prescription,
    ProgramRevision,
)
from cleannote.apps.organisations.models import Organisation
from cleannote.apps.patients.models import Case, PlanOfCare
from cleannote.rules.home_program import (
    Adherence,
    Change,
    Revision,
    adherence,
    changes,
    recent,
    sessions_a_week,
    suggestion,
)


def library(
    organisation: Organisation, *, text: str = "", region: str = "", active: bool | None = True
) -> QuerySet[Exercise]:
    rows = Exercise.objects.filter(organisation=organisation)
    if active is not None:
        rows = rows.filter(is_active=active)
    if region:
        rows = rows.filter(region=region)
    for word in text.split()[:5]:
        rows = rows.filter(Q(name__icontains=word) | Q(instructions__icontains=word))
    return rows


def exercise_of(organisation: Organisation, exercise_id: int) -> Exercise | None:
    return Exercise.objects.filter(organisation=organisation, pk=exercise_id).first()


def _revisions() -> QuerySet[ProgramRevision]:
    return (
        ProgramRevision.objects.select_related("note", "prescribed_by")
        .prefetch_related("lines__exercise")
        .order_by("case_id", "number")
    )


def revisions_of(case_id: int) -> list[ProgramRevision]:
    return list(_revisions().filter(case_id=case_id))


def revisions_by_case(patient_id: int) -> dict[int, list[ProgramRevision]]:
    """Every case's revisions of one patient in one query, for the chart, which shows each
    case's program: its cost stays one query however many cases the patient has."""
    found: dict[int, list[ProgramRevision]] = {}
    for revision in _revisions().filter(case__patient_id=patient_id):
        found.setdefault(revision.case_id, []).append(revision)
    return found


@dataclass(frozen=True)
class ProgramView:
    """A case's program as every page shows it: the revision in force with its lines, what
    it changed against the one before, and the revisions as adherence counts them."""

    case: Case
    revisions: list[ProgramRevision]

    @property
    def current(self) -> ProgramRevision | None:
        return self.revisions[-1] if self.revisions else None

    @property
    def lines(self) -> list[Prescription]:
        return list(self.current.lines.all()) if self.current else []

    def changes_of(self, revision: ProgramRevision) -> list[Change]:
        i = self.revisions.index(revision)
        before = [p.dose() for p in self.revisions[i - 1].lines.all()] if i else []
        return changes(before, [p.dose() for p in revision.lines.all()])

    @property
    def latest_changes(self) -> list[Change]:
        return self.changes_of(self.current) if self.current else []

    def history(self) -> list[tuple[ProgramRevision, list[Change]]]:
        """Newest first: each revision with what it changed."""
        return [(r, self.changes_of(r)) for r in reversed(self.revisions)]

    def as_revisions(self) -> list[Revision]:
        return [
            Revision(r.starts_on, sessions_a_week(p.dose() for p in r.lines.all()))
            for r in self.revisions
        ]


def program_of(case: Case) -> ProgramView:
    return ProgramView(case, revisions_of(case.pk))


def session_days(case_id: int, first: dt.date, last: dt.date) -> list[dt.date]:
    return list(
        ExerciseSession.objects.filter(
            revision__case_id=case_id, done_on__gte=first, done_on__lte=last
        ).values_list("done_on", flat=True)
    )


def sessions_of(case_id: int, limit: int = 20) -> list[ExerciseSession]:
    return list(
        ExerciseSession.objects.filter(revision__case_id=case_id)
        .select_related("logged_by")
        .prefetch_related("entries__prescription__exercise")
        .order_by("-done_on", "-id")[:limit]
    )


@dataclass(frozen=True)
class AdherenceView:
    week: Adherence
    month: Adherence
    suggestion: str


def adherence_of(program: ProgramView, today: dt.date) -> AdherenceView | None:
    """The last 7 and 28 days, and the sentence the note editor offers; None without a
    program."""
    if program.current is None:
        return None
    revisions = program.as_revisions()
    first = today - dt.timedelta(days=27)
    logged = list(
        ExerciseSession.objects.filter(
            revision__case_id=program.case.pk, done_on__gte=first, done_on__lte=today
        ).values_list("done_on", "pain", "difficulty")
    )
    days = [d for d, _, _ in logged]
    week, month = recent(revisions, days, today, 7), recent(revisions, days, today, 28)
    pains = [p for _, p, _ in logged if p is not None]
    felt = Counter(f for _, _, f in logged if f)
    hardest = Difficulty(felt.most_common(1)[0][0]).label if felt else None
    return AdherenceView(week, month, suggestion(week, month, pains, hardest))


def plan_adherence(plan: PlanOfCare, today: dt.date) -> Adherence | None:
    """Sessions done over prescribed from the plan's start to its end (or today, if sooner)."""
    program = program_of(plan.case)
    if program.current is None:
        return None
    last = min(plan.certified_through, today)
    if last < plan.start_date:
        return None
    return adherence(
        program.as_revisions(),
        session_days(plan.case_id, plan.start_date, last),
        plan.start_date,
        last,
    )
