"""The demo clinic's calendar: four weeks behind the demo's today and two ahead, for every
clinician, written through the same actions the front desk uses (ADR 0651).

- Each clinician works weekdays 8:00 to 17:30 with lunch from 12:00 (`do_add_working_hours`,
  `do_add_break`); each bookable clinician has a room at each location for the visits that
  need one (evaluations, speech, the chiropractor's table, the massage table).
- Every documented visit of the window is an appointment at the hour its note's treatment
  began (or the first free time after it, never over lunch): an evaluation where the note is
  one, else the discipline's follow-up. Past visits were checked in at the desk (copays
  taken from the patients whose card carries one, by cash, check or card reference) and
  checked out (older ones with nothing to take only checked out); today's wait for the desk.
- Between visits: cancellations of each kind (patient, clinic, late) and no-shows.
- Ahead: each open case's plan of care booked as a series (`book_series_from_plan`), a visit a
  week for the cases no series covers, the assistants' follow-ups, then the
  visits that trip the forward flags (`rules/forward_view.py` names the chart facts): one past
  a plan's certification end, those past a referral's authorized visits, one after a referral
  expires (a Medicare patient's progress-report day comes from the series themselves); and a
  waitlist with a slot that a clinic cancellation opened.

Deterministic: the times come from the notes and from the seeded `random.Random` the demo
passes in, relative to the demo's `today`.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Min
from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.ledger.actions import do_check_in
from cleannote.apps.notes.models import Note
from cleannote.apps.organisations.actions import do_create_room
from cleannote.apps.organisations.models import Location, Organisation, Room, Staff
from cleannote.apps.patients.chart_actions import do_update_coverage
from cleannote.apps.patients.models import Case, Coverage, Patient, PlanOfCare
from cleannote.apps.scheduling.actions import (
    do_add_break,
    do_add_standard_appointment_types,
    do_add_working_hours,
    do_book_appointment,
    do_cancel_appointment,
    do_check_out,
    do_mark_no_show,
)
from cleannote.apps.scheduling.errors import SchedulingError
from cleannote.apps.scheduling.models import Appointment, AppointmentType, CancelReason
from cleannote.apps.scheduling.series import SeriesError
from cleannote.apps.scheduling.series_actions import book_series_from_plan
from cleannote.apps.scheduling.waitlist_actions import do_add_waitlist_entry
from cleannote.rules.note_types import NoteType
from cleannote.rules.visit import Discipline, PayerKind

PAST_DAYS = 28
AHEAD_DAYS = 14
DAY_START = dt.time(8, 0)
DAY_END = dt.time(17, 30)
LUNCH = (dt.time(12, 0), dt.time(13, 0))
STEP = 15  # minutes between the times a visit may start

# discipline -> (evaluation type, visit type) in the standard types table
_TYPES: dict[str, tuple[str, str]] = {
    Discipline.PT.value: ("Evaluation", "Follow-up"),
    Discipline.OT.value: ("Evaluation", "Follow-up"),
    Discipline.SLP.value: ("Evaluation", "Follow-up"),
    Discipline.CHIRO.value: ("New patient exam", "Adjustment"),
    Discipline.MASSAGE.value: ("Massage 60", "Massage 60"),
}
# What each discipline's room holds (a room of its own per clinician and location).
_ROOM_EQUIPMENT = {
    Discipline.CHIRO.value: "adjusting table",
    Discipline.MASSAGE.value: "massage table",
}
# The copay on the card of the patients whose plan asks one, by payer kind.
_COPAYS = {PayerKind.COMMERCIAL.value: Decimal("30.00"), PayerKind.MEDICAID.value: Decimal("3.00")}
_METHODS = (("cash", ""), ("card", "4417"), ("check", "1187"), ("card", "ch_3Qdemo7Lk2"))


@dataclass(frozen=True, slots=True)
class ScheduleSummary:
    appointments: int
    clinicians: int
    payments: int


def _minutes(value: dt.time) -> int:
    return value.hour * 60 + value.minute


def _at(day: dt.date, minutes: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60)))


class _Diary:
    """Who is busy when, so every booking lands on a free time (the actions would refuse an
    overlap; the demo never asks for one)."""

    def __init__(self) -> None:
        self._busy: dict[tuple[str, int, dt.date], list[tuple[int, int]]] = defaultdict(list)

    def _free(self, key: tuple[str, int, dt.date], start: int, end: int) -> bool:
        return all(end <= a or b <= start for a, b in self._busy[key])

    def hold(self, staff_id: int, patient_id: int, start: dt.datetime, end: dt.datetime) -> None:
        local_start, local_end = timezone.localtime(start), timezone.localtime(end)
        span = (_minutes(local_start.time()), _minutes(local_end.time()))
        self._busy[("staff", staff_id, local_start.date())].append(span)
        self._busy[("patient", patient_id, local_start.date())].append(span)

    def slot(
        self, staff_id: int, patient_id: int, day: dt.date, wanted: int, length: int
    ) -> dt.datetime | None:
        """The first free start at or after `wanted` (else from the morning) that fits the
        working day, misses lunch and overlaps neither the clinician nor the patient."""
        lunch = (_minutes(LUNCH[0]), _minutes(LUNCH[1]))
        first, last = _minutes(DAY_START), _minutes(DAY_END) - length
        wanted = max(first, wanted - wanted % STEP)
        for start in [*range(wanted, last + 1, STEP), *range(first, wanted, STEP)]:
            end = start + length
            if start < lunch[1] and lunch[0] < end:
                continue
            if self._free(("staff", staff_id, day), start, end) and self._free(
                ("patient", patient_id, day), start, end
            ):
                return _at(day, start)
        return None


def load_demo_schedule(
    front_desk: Actor, staff: dict[str, Staff], today: dt.date, rng: random.Random
) -> ScheduleSummary:
    clinic = front_desk.organisation
    clinicians = [s for s in staff.values() if s.discipline is not None]
    types = {(t.discipline, t.name): t for t in do_add_standard_appointment_types(front_desk)}
    rooms = _rooms(front_desk, clinicians)
    for clinician in clinicians:
        for weekday in range(5):
            do_add_working_hours(
                front_desk, staff=clinician, weekday=weekday, start=DAY_START, end=DAY_END
            )
            do_add_break(
                front_desk,
                staff=clinician,
                weekday=weekday,
                start=LUNCH[0],
                end=LUNCH[1],
                label="Lunch",
            )
    _demo_copays(front_desk)
    diary = _Diary()
    booked = _documented_visits(front_desk, today, types, rooms, diary)
    payments = _check_in_and_out(front_desk, booked, today)
    _missed_visits(front_desk, today, types, rooms, diary, rng)
    _series_ahead(front_desk, today, types, rooms, diary)
    _weekly_visits(front_desk, today, types, rooms, diary)
    _assistant_visits(front_desk, clinicians, today, types, rooms, diary)
    _flagged_visits(front_desk, today, types, rooms, diary)
    _waitlist(front_desk, staff, today, types, rooms, diary)
    return ScheduleSummary(
        appointments=Appointment.objects.filter(organisation=clinic).count(),
        clinicians=len(clinicians),
        payments=payments,
    )


def _rooms(actor: Actor, clinicians: list[Staff]) -> dict[tuple[int, int], Room]:
    """(clinician, location) -> the clinician's room there; assistants share none (their
    follow-ups need no room)."""
    rooms: dict[tuple[int, int], Room] = {}
    for location in Location.objects.filter(organisation=actor.organisation).order_by("pk"):
        for clinician in clinicians:
            if clinician.is_assistant:
                continue
            discipline = clinician.discipline.value  # type: ignore[union-attr]
            rooms[(clinician.pk, location.pk)] = do_create_room(
                actor,
                location=location,
                name=f"Room {clinician.user.last_name}",
                equipment=_ROOM_EQUIPMENT.get(discipline, ""),
            )
    return rooms


def _demo_copays(actor: Actor) -> None:
    """The copay on the card of each commercial and Medicaid primary coverage, entered from
    the card as the desk would (`do_update_coverage`, with its reason)."""
    rows = Coverage.objects.filter(
        patient__organisation=actor.organisation,
        priority="primary",
        kind__in=list(_COPAYS),
        copay__isnull=True,
    ).order_by("pk")
    for coverage in rows:
        do_update_coverage(
            actor, coverage, reason="Copay from the insurance card", copay=_COPAYS[coverage.kind]
        )


def _type_for(
    types: dict[tuple[str, str], AppointmentType], discipline: str, evaluation: bool
) -> AppointmentType:
    first, then = _TYPES[discipline]
    return types[(discipline, first if evaluation else then)]


def _book(
    actor: Actor,
    diary: _Diary,
    *,
    patient: Patient,
    clinician: Staff,
    location: Location,
    day: dt.date,
    wanted: int,
    kind: AppointmentType,
    rooms: dict[tuple[int, int], Room],
    note: str = "",
) -> Appointment | None:
    while day.weekday() >= 5:  # the clinic is closed at weekends
        day += dt.timedelta(days=1)
    start = diary.slot(clinician.pk, patient.pk, day, wanted, kind.default_minutes)
    if start is None:
        return None
    room = (
        rooms.get((clinician.pk, location.pk)) if kind.needs_room or kind.needs_equipment else None
    )
    appointment = do_book_appointment(
        actor,
        patient=patient,
        staff=clinician,
        location=location,
        start=start,
        appointment_type=kind,
        room=room,
        note=note,
    )
    diary.hold(clinician.pk, patient.pk, appointment.start, appointment.end)
    return appointment


def _documented_visits(
    actor: Actor,
    today: dt.date,
    types: dict[tuple[str, str], AppointmentType],
    rooms: dict[tuple[int, int], Room],
    diary: _Diary,
) -> list[Appointment]:
    """An appointment for every note of the window, at the hour its treatment began."""
    notes = (
        Note.objects.filter(
            patient__organisation=actor.organisation,
            date_of_service__gte=today - dt.timedelta(days=PAST_DAYS),
            date_of_service__lte=today,
            rtm_enrolment__isnull=True,
        )
        .select_related("patient", "therapist__user", "location", "case")
        .annotate(began=Min("blocks__start_time"))
        .order_by("date_of_service", "began", "pk")
    )
    booked = []
    for note in notes:
        if note.date_of_service.weekday() >= 5:
            continue
        evaluation = note.note_type == NoteType.EVALUATION.value
        began = _began(note)
        wanted = _minutes(began) if began else _minutes(DAY_START) + 60 * (note.pk % 8)
        appointment = _book(
            actor,
            diary,
            patient=note.patient,
            clinician=note.therapist,
            location=note.location,
            day=note.date_of_service,
            wanted=wanted,
            kind=_type_for(types, note.case.discipline, evaluation),
            rooms=rooms,
        )
        if appointment is not None:
            booked.append(appointment)
    return booked


def _check_in_and_out(actor: Actor, booked: list[Appointment], today: dt.date) -> int:
    """Past visits: checked in at the desk five minutes early (the copay taken when the card
    asks one, but for every seventh visit, where the patient will pay later) and checked out at
    the end; older visits with nothing to take are only checked out. Today's wait for the desk.
    Returns the payments taken."""
    payments = 0
    recent = _at(today - dt.timedelta(days=7), 0)
    coverages = {
        c.patient_id: c
        for c in Coverage.objects.filter(
            patient__organisation=actor.organisation, priority="primary"
        ).order_by("-pk")
    }
    for number, appointment in enumerate(booked):
        if timezone.localtime(appointment.start).date() >= today:
            continue
        coverage = coverages.get(appointment.patient_id)
        copay = coverage.copay if coverage is not None else None
        method, reference = _METHODS[number % len(_METHODS)]
        paying = copay is not None and number % 7 != 3
        if not paying and appointment.start < recent:
            # older visits without a copay: checked out only (which records the arrival too),
            # keeping `make run` quick
            do_check_out(actor, appointment=appointment, at=appointment.end)
            continue
        do_check_in(
            actor,
            appointment,
            demographics_confirmed=True,
            coverage=coverage,
            coverage_confirmed=coverage is not None,
            intake_complete=True,
            amount=copay if paying else None,
            method=method if paying else "",
            reference=reference if paying else "",
            at=appointment.start - dt.timedelta(minutes=5),
        )
        payments += paying
        do_check_out(actor, appointment=appointment, at=appointment.end)
    return payments


def _began(note: Note) -> dt.time | None:
    """When the note's treatment began (the `began` its query annotated), None without blocks."""
    began: dt.time | None = getattr(note, "began", None)
    return began


def _open_cases(organisation: Organisation) -> list[Case]:
    return list(
        Case.objects.filter(patient__organisation=organisation, closed_on__isnull=True)
        .select_related("patient")
        .order_by("patient__chart_number", "pk")
    )


def _last_visit(case: Case) -> Note | None:
    return (
        Note.objects.filter(case=case, rtm_enrolment__isnull=True)
        .select_related("therapist__user", "location")
        .annotate(began=Min("blocks__start_time"))
        .order_by("-date_of_service", "-pk")
        .first()
    )


def _missed_visits(
    actor: Actor,
    today: dt.date,
    types: dict[tuple[str, str], AppointmentType],
    rooms: dict[tuple[int, int], Room],
    diary: _Diary,
    rng: random.Random,
) -> None:
    """On days between documented visits: cancellations of each kind, then no-shows."""
    reasons = [*CancelReason, *CancelReason, None, None, None]
    for number, case in enumerate(_open_cases(actor.organisation)[: len(reasons)]):
        note = _last_visit(case)
        if note is None:
            continue
        day = note.date_of_service - dt.timedelta(days=1 + rng.randint(0, 2))
        while day.weekday() >= 5:
            day -= dt.timedelta(days=1)
        if day < today - dt.timedelta(days=PAST_DAYS):
            continue
        appointment = _book(
            actor,
            diary,
            patient=case.patient,
            clinician=note.therapist,
            location=note.location,
            day=day,
            wanted=_minutes(_began(note) or dt.time(9)),
            kind=_type_for(types, case.discipline, False),
            rooms=rooms,
        )
        if appointment is None:
            continue
        reason = reasons[number]
        if reason is None:
            do_mark_no_show(actor, appointment=appointment, at=appointment.end)
            continue
        notice = dt.timedelta(hours=3) if reason == CancelReason.LATE else dt.timedelta(days=1)
        do_cancel_appointment(
            actor,
            appointment=appointment,
            reason=reason,
            note={
                CancelReason.PATIENT: "Called: car trouble",
                CancelReason.CLINIC: "Therapist out sick",
                CancelReason.LATE: "Called 3 hours before: childcare",
            }[reason],
            at=appointment.start - notice,
        )


def _series_ahead(
    actor: Actor,
    today: dt.date,
    types: dict[tuple[str, str], AppointmentType],
    rooms: dict[tuple[int, int], Room],
    diary: _Diary,
) -> None:
    """Each open case's current plan booked as a series from tomorrow, with its clinician at
    the hour of the last visit, ending where the plan, the authorization or the visit count
    ends (the series' own limits). Two weeks of it are the demo's "ahead"."""
    first_day = today + dt.timedelta(days=1)
    for case in _open_cases(actor.organisation):
        plan = (
            PlanOfCare.objects.filter(case=case, revisions__isnull=True)
            .order_by("-start_date", "-pk")
            .first()
        )
        note = _last_visit(case)
        if plan is None or note is None or plan.certified_through < first_day:
            continue
        kind = _type_for(types, case.discipline, False)
        began = _began(note) or dt.time(9)
        try:
            series = book_series_from_plan(
                actor,
                plan,
                staff=_treating(note.therapist, case),
                location=note.location,
                first_day=first_day,
                at=began if LUNCH[0] > began or began >= LUNCH[1] else LUNCH[1],
                appointment_type=kind,
            )
        except (SchedulingError, SeriesError):
            continue  # nothing left to book under the plan: no series
        for appointment in series.appointments:
            diary.hold(
                appointment.staff_id, appointment.patient_id, appointment.start, appointment.end
            )


def _weekly_visits(
    actor: Actor,
    today: dt.date,
    types: dict[tuple[str, str], AppointmentType],
    rooms: dict[tuple[int, int], Room],
    diary: _Diary,
) -> None:
    """The open cases no series covers (the plan or the authorization ends first, or no plan
    applies, as for the chiropractor's and the massage therapist's patients): a visit a week
    for the next two weeks, booked one at a time as the desk does at each check-out."""
    ahead = set(
        Appointment.objects.filter(
            organisation=actor.organisation, start__gte=_at(today + dt.timedelta(days=1), 0)
        ).values_list("patient_id", flat=True)
    )
    for case in _open_cases(actor.organisation):
        note = _last_visit(case)
        if note is None or case.patient_id in ahead:
            continue
        first = note.date_of_service + dt.timedelta(days=7)
        while first <= today:
            first += dt.timedelta(days=7)
        for week in range(AHEAD_DAYS // 7):
            day = first + dt.timedelta(days=7 * week)
            _book(
                actor,
                diary,
                patient=case.patient,
                clinician=_treating(note.therapist, case),
                location=note.location,
                day=day,
                wanted=_minutes(_began(note) or dt.time(9)),
                kind=_type_for(types, case.discipline, False),
                rooms=rooms,
            )


def _assistant_visits(
    actor: Actor,
    clinicians: list[Staff],
    today: dt.date,
    types: dict[tuple[str, str], AppointmentType],
    rooms: dict[tuple[int, int], Room],
    diary: _Diary,
) -> None:
    """The assistants' weeks ahead: a follow-up a week for up to four open cases of their
    discipline, on a day the series left free, in the afternoon."""
    cases = _open_cases(actor.organisation)
    for assistant in (c for c in clinicians if c.is_assistant):
        discipline = assistant.discipline.value  # type: ignore[union-attr]
        mine = [c for c in cases if c.discipline == discipline][:4]
        for number, case in enumerate(mine):
            note = _last_visit(case)
            if note is None:
                continue
            for week in range(2):
                day = today + dt.timedelta(days=7 * week + 1 + number % 4)
                while day.weekday() >= 5:
                    day += dt.timedelta(days=1)
                _book(
                    actor,
                    diary,
                    patient=case.patient,
                    clinician=assistant,
                    location=note.location,
                    day=day,
                    wanted=14 * 60 + 60 * (number % 3),
                    kind=_type_for(types, discipline, False),
                    rooms=rooms,
                )


def _treating(writer: Staff, case: Case) -> Staff:
    """Series are booked with the case's therapist, not the assistant who wrote a visit."""
    if not writer.is_assistant:
        return writer
    signed = Note.objects.filter(case=case, therapist__credential__in=("PT", "OT", "SLP"))
    therapist = signed.exclude(therapist=writer).select_related("therapist__user").first()
    return therapist.therapist if therapist is not None else writer


def _flagged_visits(
    actor: Actor,
    today: dt.date,
    types: dict[tuple[str, str], AppointmentType],
    rooms: dict[tuple[int, int], Room],
    diary: _Diary,
) -> None:
    """Single visits booked past what the series stop at, so each forward flag shows: after
    a plan's certification end, past a referral's authorized visits, after a referral
    expires (the demo's referrals run 90 days; one whose patient comes back later)."""
    cases = _open_cases(actor.organisation)
    for case in cases:
        plan = PlanOfCare.objects.filter(case=case).order_by("-start_date", "-pk").first()
        note = _last_visit(case)
        if plan is None or note is None:
            continue
        if today < plan.certified_through < today + dt.timedelta(days=AHEAD_DAYS - 2):
            day = plan.certified_through + dt.timedelta(days=1)
            while day.weekday() >= 5:
                day += dt.timedelta(days=1)
            _book(
                actor,
                diary,
                patient=case.patient,
                clinician=_treating(note.therapist, case),
                location=note.location,
                day=day,
                wanted=_minutes(_began(note) or dt.time(9)),
                kind=_type_for(types, case.discipline, False),
                rooms=rooms,
                note="Booked past the plan's end: recertify first",
            )
            break
    referral_cases = [
        c for c in cases if c.referrals.filter(authorized_visits__isnull=False).exists()
    ]
    for case in referral_cases[:1]:
        note = _last_visit(case)
        referral = case.referrals.order_by("-referral_date").first()
        if note is None or referral is None:
            continue
        for offset in range(1, AHEAD_DAYS):
            day = today + dt.timedelta(days=offset)
            if day.weekday() < 5:
                _book(
                    actor,
                    diary,
                    patient=case.patient,
                    clinician=_treating(note.therapist, case),
                    location=note.location,
                    day=day,
                    wanted=15 * 60,
                    kind=_type_for(types, case.discipline, False),
                    rooms=rooms,
                    note="Extra visit requested by the patient",
                )
    for case in reversed(cases):
        note = _last_visit(case)
        referral = case.referrals.order_by("-referral_date").first()
        if note is None or referral is None or referral.expires_on is None:
            continue
        booked = _book(
            actor,
            diary,
            patient=case.patient,
            clinician=_treating(note.therapist, case),
            location=note.location,
            day=referral.expires_on + dt.timedelta(days=1),
            wanted=10 * 60,
            kind=_type_for(types, case.discipline, False),
            rooms=rooms,
            note="Follow-up after the referral expires",
        )
        if booked is not None:
            break


def _waitlist(
    actor: Actor,
    staff: dict[str, Staff],
    today: dt.date,
    types: dict[tuple[str, str], AppointmentType],
    rooms: dict[tuple[int, int], Room],
    diary: _Diary,
) -> None:
    """Three patients who want an earlier time with their therapist, and next week's clinic
    cancellation that opens a slot one of them matches."""
    cases = [c for c in _open_cases(actor.organisation) if c.discipline == Discipline.PT.value]
    for case in cases[:3]:
        note = _last_visit(case)
        if note is None:
            continue
        do_add_waitlist_entry(
            actor,
            patient=case.patient,
            clinicians=[_treating(note.therapist, case)],
            location=note.location,
            weekdays=range(5),
            windows=[(dt.time(8), dt.time(12))],
            earliest=today + dt.timedelta(days=1),
            latest=today + dt.timedelta(days=AHEAD_DAYS),
            note="Wants a morning before work",
        )
    upcoming = (
        Appointment.objects.filter(
            organisation=actor.organisation,
            staff=staff["demo-pt"],
            start__gte=_at(today + dt.timedelta(days=3), 0),
            start__lt=_at(today + dt.timedelta(days=AHEAD_DAYS), 0),
        )
        .exclude(status="cancelled")
        .order_by("start")
    )
    morning = next((a for a in upcoming if timezone.localtime(a.start).hour < 12), None)
    if morning is not None:
        do_cancel_appointment(
            actor,
            appointment=morning,
            reason=CancelReason.CLINIC,
            note="Therapist at a course",
            at=timezone.make_aware(dt.datetime.combine(today, dt.time(8))),
        )
