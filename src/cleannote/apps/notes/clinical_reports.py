"""The shell's side of note types (ADR 0580): the goals a report gives a status to, what stops a
note of its type from being signed, and the type a new note starts as.

The rules are the core's (`cleannote.rules.note_types`, reading the scope table); this module
only gathers the note's facts for them: its codes, sections, stated complexity and the status it
reports for each goal of the plan of care in force on the date of service.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cleannote.apps.notes.models import Note, NoteStatus
from cleannote.apps.notes.progress_report import progress_report_due, report_due_after
from cleannote.apps.organisations.models import Staff
from cleannote.apps.patients.models import Case, Goal, GoalStatus, PlanOfCare
from cleannote.rules.note_types import NoteType, sign_refusals
from cleannote.rules.scope_of_practice import Act, ScopeRefusal, act_refusal
from cleannote.rules.visit import Credential, Discipline


@dataclass(frozen=True, slots=True)
class ReportedGoal:
    """A plan goal as a report shows it: its text, where it started and aims, and the status
    and latest value this note reports (empty until given)."""

    goal_id: int
    text: str
    baseline: str
    target: str
    status: str
    current: str

    @property
    def status_label(self) -> str:
        return GoalStatus(self.status).label if self.status else "not reported"


def plan_in_force(case: Case, date_of_service: dt.date) -> PlanOfCare | None:
    """The newest plan started on or before the date of service, else the newest at all (the
    evaluation that writes the plan may come first)."""
    plans = list(case.plans_of_care.all())
    started = [p for p in plans if p.start_date <= date_of_service]
    return started[0] if started else (plans[0] if plans else None)


def plan_goals(note: Note) -> list[Goal]:
    plan = plan_in_force(note.case, note.date_of_service)
    return list(plan.goals.all()) if plan is not None else []


def reported_goals(note: Note, goals: list[Goal] | None = None) -> list[ReportedGoal]:
    """Each goal with what this note reports for it. A signed note reads its own frozen rows
    (text included), so it says the same whatever later happens to the plan."""
    stored = {row["goal"]: row for row in note.goal_report}
    if note.status == NoteStatus.SIGNED:
        return [
            ReportedGoal(
                row["goal"],
                row.get("text", ""),
                row.get("baseline", ""),
                row.get("target", ""),
                row.get("status", ""),
                row.get("current", ""),
            )
            for row in note.goal_report
        ]
    return [
        ReportedGoal(
            g.pk,
            g.text,
            g.baseline,
            g.target,
            stored.get(g.pk, {}).get("status", ""),
            stored.get(g.pk, {}).get("current", ""),
        )
        for g in (plan_goals(note) if goals is None else goals)
    ]


def frozen_goal_report(note: Note, goals: list[Goal]) -> list[dict[str, Any]]:
    """The goal rows a signed report keeps: each goal's status and value with its text."""
    return [
        {
            "goal": g.goal_id,
            "text": g.text,
            "baseline": g.baseline,
            "target": g.target,
            "status": g.status,
            "current": g.current,
        }
        for g in reported_goals(note, goals)
    ]


def type_refusals(note: Note, goals: list[Goal] | None = None) -> list[ScopeRefusal]:
    """What stops `note` from being signed as its type (rules/note_types.sign_refusals)."""
    credential = note.therapist.credential
    template = note.template
    return sign_refusals(
        NoteType(note.note_type),
        credential=Credential(credential) if credential else None,
        discipline=Discipline(note.case.discipline),
        codes=[b.code for b in note.blocks.all()],
        complexity=note.complexity,
        sections=note.sections,
        goal_statuses=(
            [g.status or None for g in reported_goals(note, goals)]
            if template.reports_goals
            else ()
        ),
        open_status=GoalStatus.ACTIVE.value,
    )


def suggested_note_type(
    case: Case,
    therapist: Staff,
    date_of_service: dt.date,
    earlier: Sequence[Note] | None = None,
) -> NoteType:
    """The type a new note starts as: the case's first visit is its evaluation, the visit a
    progress report falls due on is the report; a clinician who may not write either (an
    assistant) writes a daily note. `earlier` is the case's notes before the day when the
    caller has them already (the chart), else they are read."""
    credential = Credential(therapist.credential) if therapist.credential else None

    def may(act: Act) -> bool:
        return credential is None or act_refusal(credential, act) is None

    if earlier is None:
        first_visit = not Note.objects.filter(
            case=case, date_of_service__lt=date_of_service
        ).exists()
    else:
        first_visit = not earlier
    if first_visit and may(Act.EVALUATION):
        return NoteType.EVALUATION
    if first_visit or not may(Act.PROGRESS_REPORT):
        return NoteType.DAILY
    due = (
        progress_report_due(case, date_of_service)
        if earlier is None
        else report_due_after(
            (n.date_of_service, n.note_type)
            for n in earlier
            if n.status == NoteStatus.SIGNED and n.rtm_enrolment_id is None
        )
    )
    return NoteType.PROGRESS_REPORT if due else NoteType.DAILY


def goals_shown(note: Note) -> list[ReportedGoal]:
    """The goals a reader of the note sees: on a report, each with the status it reports; on
    an evaluation, the goals of the plan it wrote; none on a daily note."""
    if note.template.reports_goals:
        return reported_goals(note)
    if note.note_type != NoteType.EVALUATION.value:
        return []
    return [ReportedGoal(g.pk, g.text, g.baseline, g.target, "", "") for g in plan_goals(note)]


def sections_shown(note: Note) -> list[tuple[str, str]]:
    """The type's sections as (label, text), in the template's order."""
    return [(s.label, note.sections.get(s.key, "")) for s in note.template.sections]
