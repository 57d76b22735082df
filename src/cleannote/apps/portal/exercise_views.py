"""The patient's home exercise pages in the portal (ADR 0970): the program in force with the
clinic's own instructions and media, what the last visit changed, the adherence the therapist
sees, the printable PDF, and the form to log a session.

Only `request.portal.patient`'s cases are shown; a case or exercise id in a URL is checked to
be theirs (404 otherwise). Logging goes through `exercises.actions.do_log_session` as the
portal account, which writes the audit row."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cleannote.apps.audit.actions import do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.exercises.actions import ExerciseRefused, do_log_session
from cleannote.apps.exercises.forms import SessionForm, session_entries
from cleannote.apps.exercises.models import Exercise, Prescription
from cleannote.apps.exercises.selectors import ProgramView, adherence_of, program_of
from cleannote.apps.exercises.views import media_response, pdf_response
from cleannote.apps.patients.models import Case
from cleannote.apps.portal.pages import Portal, portal_page, portal_render
from cleannote.apps.portal.session import put_notice


def _portal(request: HttpRequest) -> Portal:
    return request.portal  # type: ignore[attr-defined, no-any-return]


def _programs(portal: Portal) -> list[ProgramView]:
    """The patient's programs, one per case that has one, open cases first."""
    cases = Case.objects.filter(patient=portal.patient).select_related("patient__organisation")
    programs = [program_of(case) for case in cases.order_by("closed_on", "-opened_on", "-id")]
    return [p for p in programs if p.current is not None]


def _program(portal: Portal, case_id: int) -> ProgramView:
    case = (
        Case.objects.filter(pk=case_id, patient=portal.patient)
        .select_related("patient__organisation")
        .first()
    )
    program = program_of(case) if case is not None else None
    if program is None or program.current is None:
        raise Http404("no such program")
    return program


@require_http_methods(["GET"])
@portal_page
def exercises(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    shown = [(p, adherence_of(p, today)) for p in _programs(_portal(request))]
    return portal_render(request, "portal/exercises/program.html", {"programs": shown})


@require_http_methods(["GET"])
@portal_page
def changes(request: HttpRequest, case_id: int) -> HttpResponse:
    program = _program(_portal(request), case_id)
    return portal_render(
        request, "portal/exercises/changes.html", {"program": program, "history": program.history()}
    )


@require_http_methods(["GET"])
@portal_page
def program_pdf(request: HttpRequest, case_id: int) -> HttpResponse:
    portal = _portal(request)
    program = _program(portal, case_id)
    do_record_audit_event(
        portal.actor, AuditAction.EXPORT, "home_program", program.case.pk,
        patient_id=portal.patient.pk,
    )  # fmt: skip
    return pdf_response(program)


@require_http_methods(["GET"])
@portal_page
def exercise_media(request: HttpRequest, exercise_id: int) -> HttpResponse:
    """An exercise's picture or video, to a patient whose program (any revision) holds it."""
    portal = _portal(request)
    held = Prescription.objects.filter(
        exercise_id=exercise_id, revision__case__patient=portal.patient
    ).exists()
    exercise = Exercise.objects.filter(pk=exercise_id).first() if held else None
    if exercise is None:
        raise Http404("no such exercise")
    return media_response(exercise)


@require_http_methods(["GET", "POST"])
@portal_page
def log_session(request: HttpRequest, case_id: int) -> HttpResponse:
    portal = _portal(request)
    program = _program(portal, case_id)
    revision = program.current
    assert revision is not None
    lines = program.lines
    today = timezone.localdate()
    form = SessionForm(request.POST or None, initial={"done_on": today})
    problem = ""
    if request.method == "POST" and form.is_valid():
        entries, problem = session_entries(request.POST, lines)
        if not problem:
            try:
                do_log_session(
                    portal.actor, portal.patient, revision,
                    done_on=form.cleaned_data["done_on"], entries=entries,
                    pain=form.cleaned_data["pain"], difficulty=form.cleaned_data["difficulty"],
                )  # fmt: skip
            except ExerciseRefused as refusal:
                if refusal.field in form.fields:
                    form.add_error(refusal.field, refusal.message)
                else:
                    problem = refusal.message
            else:
                put_notice(request, "Session logged. Thank you!")
                return redirect("portal:exercises")
    context: dict[str, Any] = {
        "program": program,
        "lines": lines,
        "form": form,
        "problem": problem,
        "checked": {
            line.pk
            for line in lines
            if request.method != "POST" or request.POST.get(f"done-{line.pk}") == "1"
        },
        "pain_scale": range(11),
        "today": today,
    }
    status = 400 if request.method == "POST" else 200
    return portal_render(request, "portal/exercises/log.html", context, status=status)
