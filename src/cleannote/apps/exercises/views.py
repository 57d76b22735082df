"""The staff pages of home exercise programs (ADR 0970): the library (list, search, add, edit,
its media), the program panel of the note editor, the suggestion sentence of the note's
subjective section, a case's program page and its PDF, and the form on which a clinician logs
a session the patient reports (ADR 0924)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.views.decorators.http import require_http_methods

from cleannote.apps.audit.actions import do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.exercises import media
from cleannote.apps.exercises.actions import (
    DoseInput,
    ExerciseInput,
    ExerciseRefused,
    do_create_exercise,
    do_log_session,
    do_prescribe,
    do_stop_exercise,
    do_update_exercise,
)
from cleannote.apps.exercises.forms import DoseForm, ExerciseForm, SessionForm, session_entries
from cleannote.apps.exercises.models import Exercise, Region
from cleannote.apps.exercises.program_pdf import render_program_pdf
from cleannote.apps.exercises.selectors import (
    adherence_of,
    exercise_of,
    library,
    program_of,
    sessions_of,
)
from cleannote.apps.notes.models import Note
from cleannote.apps.organisations.access import actor_of, staff_view
from cleannote.apps.organisations.models import Organisation
from cleannote.apps.organisations.roles import Capability, has_capability
from cleannote.apps.patients.chart_edit import edit_screen
from cleannote.apps.patients.models import Case

MANAGE = Capability.MANAGE_EXERCISES


def _org(request: HttpRequest) -> Organisation:
    return request.staff.organisation  # type: ignore[attr-defined, no-any-return]


# --- the library ------------------------------------------------------------------------


@staff_view(MANAGE)
@require_http_methods(["GET"])
def exercise_list(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()[:80]
    region = request.GET.get("region", "")
    region = region if region in Region.values else ""
    retired = request.GET.get("retired") == "1"
    rows = list(library(_org(request), text=text, region=region, active=None if retired else True))
    return render(
        request,
        "exercises/list.html",
        {"rows": rows, "q": text, "region": region, "retired": retired, "regions": Region.choices},
    )


def _input(data: dict[str, Any]) -> ExerciseInput:
    return ExerciseInput(
        name=data["name"],
        region=data["region"],
        category=data["category"],
        instructions=data["instructions"],
        is_active=bool(data.get("is_active")),
        media=data.get("attachment"),
        drop_media=bool(data.get("drop_media")),
    )


def _form_page(request: HttpRequest, form: ExerciseForm, **context: Any) -> HttpResponse:
    return render(
        request, "exercises/form.html", {"form": form, **context},
        status=400 if form.errors else 200,
    )  # fmt: skip


@staff_view(MANAGE)
@require_http_methods(["GET", "POST"])
def new_exercise(request: HttpRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = ExerciseForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        initial={"is_active": True},
    )
    form.fields.pop("drop_media")

    def create() -> Exercise:
        return do_create_exercise(actor_of(request), _input(form.cleaned_data))

    return edit_screen(
        request, form, create,
        said=lambda e: f"{e.name} added to the library.",
        then=lambda e: redirect("exercises:list"),
        page=lambda: _form_page(request, form, title="New exercise", button="Add exercise"),
        catching=(ExerciseRefused,),
        renamed={"media": "attachment"},
    )  # fmt: skip


@staff_view(MANAGE)
@require_http_methods(["GET", "POST"])
def edit_exercise(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise = exercise_of(_org(request), exercise_id)
    if exercise is None:
        raise Http404("no such exercise")
    posted = request.method == "POST"
    initial = {
        k: getattr(exercise, k) for k in ("name", "region", "category", "instructions", "is_active")
    }
    form = ExerciseForm(
        request.POST if posted else None, request.FILES if posted else None, initial=initial
    )
    if not exercise.media_path:
        form.fields.pop("drop_media")

    def save() -> Exercise:
        return do_update_exercise(actor_of(request), exercise, _input(form.cleaned_data))

    return edit_screen(
        request, form, save,
        said=lambda e: f"{e.name} saved.",
        then=lambda e: redirect("exercises:list"),
        page=lambda: _form_page(
            request, form, title=f"Edit {exercise.name}", button="Save", exercise=exercise
        ),
        catching=(ExerciseRefused,),
        renamed={"media": "attachment"},
    )  # fmt: skip


def media_response(exercise: Exercise) -> HttpResponse:
    """The picture or video, private to whoever the calling view let in."""
    data = media.read(exercise.media_path) if exercise.media_path else None
    if data is None:
        raise Http404("no media")
    response = HttpResponse(data, content_type=exercise.media_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_view(Capability.SEE_PATIENTS)
@require_http_methods(["GET"])
def exercise_media(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise = exercise_of(_org(request), exercise_id)
    if exercise is None:
        raise Http404("no such exercise")
    return media_response(exercise)


# --- the note's program panel -----------------------------------------------------------


def _note(request: HttpRequest, note_id: int) -> Note:
    note = (
        Note.objects.select_related("case__patient__organisation", "therapist")
        .filter(pk=note_id, patient__organisation=_org(request))
        .first()
    )
    if note is None:
        raise Http404("no such note")
    return note


def _panel(
    request: HttpRequest, note: Note, form: DoseForm, status: int = 200, error: str = ""
) -> HttpResponse:
    staff = request.staff  # type: ignore[attr-defined]
    program = program_of(note.case)
    mine = next((r for r in program.revisions if r.note_id == note.pk), None)
    current = program.current
    # A note older than the program in force, or whose revision a later note replaced, shows
    # the program read-only: the change belongs on the newest note.
    superseded = current is not None and (
        (mine is not None and mine != current) or current.starts_on > note.date_of_service
    )
    return render(
        request,
        "exercises/_note_program.html",
        {
            "note": note,
            "program": program,
            "mine": mine,
            "changes": program.changes_of(mine) if mine else [],
            "form": form,
            "error": error,
            "editable": not note.is_signed and note.therapist_id == staff.pk and not superseded,
            "superseded": superseded,
        },
        status=status,
    )


def _dose(data: dict[str, Any]) -> DoseInput:
    return DoseInput(
        sets=data["sets"],
        reps=data["reps"],
        load=data.get("load") or "",
        hold_seconds=data.get("hold_seconds"),
        times=data["times"],
        per=data["per"],
        progression=data.get("progression") or "",
    )


def _back(request: HttpRequest, note: Note, response: HttpResponse) -> HttpResponse:
    if request.headers.get("HX-Request"):
        return response
    return redirect(f"{reverse('notes:edit', args=[note.pk])}#home-program")


@staff_view(Capability.READ_NOTES)
@require_http_methods(["GET", "POST"])
def note_program(request: HttpRequest, note_id: int) -> HttpResponse:
    """GET: the panel (htmx, on the editor). POST: prescribe an exercise or change its dose."""
    note = _note(request, note_id)
    if request.method == "GET":
        do_record_audit_event(
            actor_of(request), AuditAction.VIEW, "home_program", note.case_id,
            patient_id=note.patient_id,
        )  # fmt: skip
        return _panel(request, note, DoseForm(_org(request)))
    if not has_capability(request.staff.role, Capability.WRITE_NOTES):  # type: ignore[attr-defined]
        raise PermissionDenied("prescribing is part of writing the note")
    form = DoseForm(_org(request), request.POST)
    if not form.is_valid():
        return _panel(request, note, form, status=200 if request.headers.get("HX-Request") else 400)
    try:
        data = form.cleaned_data
        do_prescribe(actor_of(request), note, data["exercise"], _dose(data))
    except ExerciseRefused as refusal:
        if refusal.field in form.fields:
            form.add_error(refusal.field, refusal.message)
            return _panel(request, note, form)
        if refusal.field == "actor":
            raise PermissionDenied(refusal.message) from refusal
        return _panel(request, note, form, error=refusal.message)
    return _back(request, note, _panel(request, note, DoseForm(_org(request))))


@staff_view(Capability.WRITE_NOTES)
@require_http_methods(["POST"])
def stop_exercise(request: HttpRequest, note_id: int, exercise_id: int) -> HttpResponse:
    note = _note(request, note_id)
    try:
        do_stop_exercise(actor_of(request), note, exercise_id)
    except ExerciseRefused as refusal:
        if refusal.field == "actor":
            raise PermissionDenied(refusal.message) from refusal
        return _panel(request, note, DoseForm(_org(request)), error=refusal.message)
    return _back(request, note, _panel(request, note, DoseForm(_org(request))))


@staff_view(Capability.READ_NOTES)
@require_http_methods(["GET"])
def note_suggestion(request: HttpRequest, note_id: int) -> HttpResponse:
    """The adherence sentence the therapist may insert into the subjective section."""
    note = _note(request, note_id)
    seen = adherence_of(program_of(note.case), note.date_of_service)
    do_record_audit_event(
        actor_of(request), AuditAction.VIEW, "home_program_adherence", note.case_id,
        patient_id=note.patient_id,
    )  # fmt: skip
    return render(
        request,
        "exercises/_note_suggestion.html",
        {"note": note, "seen": seen, "editable": not note.is_signed},
    )


# --- a case's program -------------------------------------------------------------------


def _case(request: HttpRequest, case_id: int) -> Case:
    case = (
        Case.objects.select_related("patient__organisation")
        .filter(pk=case_id, patient__organisation=_org(request))
        .first()
    )
    if case is None:
        raise Http404("no such case")
    return case


@staff_view(Capability.READ_NOTES)
@require_http_methods(["GET"])
def case_program(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    program = program_of(case)
    do_record_audit_event(
        actor_of(request), AuditAction.VIEW, "home_program", case.pk, patient_id=case.patient_id
    )
    return render(
        request,
        "exercises/case_program.html",
        {
            "case": case,
            "patient": case.patient,
            "program": program,
            "history": program.history(),
            "seen": adherence_of(program, timezone.localdate()),
            "sessions": sessions_of(case.pk),
        },
    )


@staff_view(Capability.WRITE_NOTES)
@require_http_methods(["GET", "POST"])
def log_session(request: HttpRequest, case_id: int) -> HttpResponse:
    """A session the patient reports by phone or at a visit, written down by a clinician: the
    day, what was done, pain and difficulty, against the program in force; marked as entered
    by staff (`by_patient=False`, `logged_by`), counted by adherence like the patient's own."""
    case = _case(request, case_id)
    program = program_of(case)
    revision = program.current
    if revision is None:
        messages.info(request, "No home program yet: prescribe one from a note.")
        return redirect("exercises:case_program", case.pk)
    today = timezone.localdate()
    form = SessionForm(request.POST or None, initial={"done_on": today})
    problem = ""
    if request.method == "GET":
        do_record_audit_event(
            actor_of(request), AuditAction.VIEW, "home_program", case.pk,
            patient_id=case.patient_id,
        )  # fmt: skip
    elif form.is_valid():
        entries, problem = session_entries(request.POST, program.lines)
        if not problem:
            data = form.cleaned_data
            try:
                session = do_log_session(
                    actor_of(request), case.patient, revision, done_on=data["done_on"],
                    entries=entries, pain=data["pain"], difficulty=data["difficulty"],
                    by_patient=False, today=today,
                )  # fmt: skip
            except ExerciseRefused as refusal:
                if refusal.field == "actor":
                    raise PermissionDenied(refusal.message) from refusal
                if refusal.field in form.fields:
                    form.add_error(refusal.field, refusal.message)
                else:
                    problem = refusal.message
            else:
                day = dateformat.format(session.done_on, "D j M")
                messages.success(request, f"Session of {day} logged for the patient.")
                return redirect(f"{reverse('exercises:case_program', args=[case.pk])}#h-log")
    checked = {
        line.pk
        for line in program.lines
        if request.method != "POST" or request.POST.get(f"done-{line.pk}") == "1"
    }
    return render(
        request,
        "exercises/log_session.html",
        {
            "case": case,
            "patient": case.patient,
            "program": program,
            "form": form,
            "problem": problem,
            "checked": checked,
            "pain_scale": range(11),
            "today": today,
        },
        status=400 if request.method == "POST" else 200,
    )


@staff_view(Capability.READ_NOTES)
@require_http_methods(["GET"])
def program_pdf(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    program = program_of(case)
    if program.current is None:
        messages.info(request, "No home program yet: prescribe one from a note.")
        return redirect("exercises:case_program", case.pk)
    do_record_audit_event(
        actor_of(request), AuditAction.EXPORT, "home_program", case.pk, patient_id=case.patient_id
    )
    return pdf_response(program)


def pdf_response(program: Any) -> HttpResponse:
    response = HttpResponse(render_program_pdf(program), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="home-program-{program.case.pk}.pdf"'
    return response
