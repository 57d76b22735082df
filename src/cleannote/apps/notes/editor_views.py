"""The note editor: where a therapist writes, times, checks and signs a visit note.

Views validate and translate (note_form), actions write (draft_actions), the scrubber decides
(live_scrub). The page posts itself while the therapist types; each post saves what parsed,
scrubs the saved draft and answers with the units, modifiers and findings to swap in. Signing
goes through `check_sign_note`, which refuses while any error finding stands.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cleannote.apps.audit.actions import do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.notes import selectors
from cleannote.apps.notes.actions import do_add_addendum, do_cosign_note, do_update_note
from cleannote.apps.notes.block_fields import ParameterInput, inputs_for, needs_regions
from cleannote.apps.notes.clinical_reports import ReportedGoal, reported_goals, type_refusals
from cleannote.apps.notes.draft_actions import (
    SignOffRefused,
    check_sign_note,
    do_add_block_for_code,
    do_remove_treatment_block,
    do_save_draft,
    do_start_follow_up_note,
)
from cleannote.apps.notes.errors import NoteStateError, ScopeRefused
from cleannote.apps.notes.live_news import SHOWN_FIELD, live_news, shown_keys
from cleannote.apps.notes.live_scrub import LiveScrub, ShownFinding, present, scrub_loaded_note
from cleannote.apps.notes.models import (
    COMPLEXITY_CHOICES,
    LATERALITY_CHOICES,
    TREATMENT_VISIT,
    Note,
    NoteStatus,
    TreatmentBlock,
)
from cleannote.apps.notes.note_form import OBJECTIVE_ROWS, DraftInput, block_prefix, parse_draft
from cleannote.apps.notes.note_pdf import render_note_pdf
from cleannote.apps.notes.note_reading import progress_measures
from cleannote.apps.notes.objective import MEASURED_VALUE, is_carried
from cleannote.apps.notes.progress_report import RomTrend, measures_since_last_report
from cleannote.apps.notes.rtm_note import do_start_rtm_note
from cleannote.apps.notes.views import shown_note
from cleannote.apps.notes.visit_builder import (
    VisitBuildError,
    load_note_for_visit,
    refresh_saved_draft,
)
from cleannote.apps.organisations.access import actor_of, staff_view
from cleannote.apps.organisations.models import Location, Staff
from cleannote.apps.organisations.roles import Capability
from cleannote.apps.patients.models import Case, GoalStatus, PlanOfCare, RtmEnrolment
from cleannote.platform.clock import hour_cycle_of
from cleannote.platform.request_params import BadRequestParameter, param_date
from cleannote.rules.catalog import all_procedures
from cleannote.rules.note_types import (
    TEMPLATES,
    NoteType,
    Section,
    template_of,
    with_article,
)
from cleannote.rules.scope_of_practice import (
    RULE_TREATING_CLINICIAN,
    ScopeRefusal,
    act_refusal,
    code_refusal,
)
from cleannote.rules.visit import Credential, Discipline

BLANK_OBJECTIVE_ROWS = 2
NOTE_TYPES = frozenset(t.value for t in NoteType)
ADDENDUM_MAX = 4000  # refused beyond this, never cut


@dataclass
class ParameterField:
    spec: ParameterInput
    name: str
    value: object


@dataclass
class BlockView:
    block: TreatmentBlock
    descriptor: str
    inputs: list[ParameterField]
    goal_ids: set[int]
    regions_text: str
    needs_regions: bool
    units: int | None = None
    billed_code: str = ""
    modifiers: tuple[str, ...] = ()
    findings: list[ShownFinding] = field(default_factory=list)
    changes: list[tuple[str, object, object]] = field(default_factory=list)
    carried: bool = False

    @property
    def prefix(self) -> str:
        return block_prefix(self.block.pk)


def _load(request: HttpRequest, note_id: int) -> Note:
    """The note for its editor: only its treating clinician may open it for writing (403 for
    anyone else in the organisation, who reads it on the note page; 404 outside it)."""
    staff = request.staff  # type: ignore[attr-defined]
    note = load_note_for_visit(note_id, staff.organisation)
    if note is None:
        raise Http404("no such note")
    if note.therapist_id != staff.pk:
        raise PermissionDenied(
            f"note {note.pk} belongs to its treating clinician; others may read it but not "
            f"change or sign it (rule {RULE_TREATING_CLINICIAN})"
        )
    return note


def _scrub(note: Note) -> tuple[LiveScrub | None, str]:
    try:
        report = note.template.reports_goals
        return present(scrub_loaded_note(note), list(note.blocks.all()), report=report), ""
    except VisitBuildError as error:
        return None, str(error)


def _current_plan(note: Note) -> PlanOfCare | None:
    plans = list(note.case.plans_of_care.all())
    started = [p for p in plans if p.start_date <= note.date_of_service]
    return started[0] if started else (plans[0] if plans else None)


def _objective_rows(note: Note) -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {}
    for section, (prefix, names) in OBJECTIVE_ROWS.items():
        saved = list(note.objective.get(section, []))
        saved += [{} for _ in range(BLANK_OBJECTIVE_ROWS)]
        rows[section] = [
            _objective_row_view(section, f"{prefix}-{i}", names, row) for i, row in enumerate(saved)
        ]
    return rows


def _objective_row_view(
    section: str, prefix: str, names: tuple[str, ...], row: dict[str, Any]
) -> dict[str, Any]:
    """A row's inputs; a carried row's value input is left empty, with what was last measured
    and when beside it, so nothing carried passes for today's measurement."""
    values = {n: row.get(n, "") for n in names}
    view: dict[str, Any] = {"prefix": prefix, "values": values, "carried": None}
    if is_carried(row):
        value_field = MEASURED_VALUE[section]
        view["carried"] = {
            "value": values[value_field],
            "on": dt.date.fromisoformat(row["measured_on"]),
            "field": value_field,
        }
        values[value_field] = ""
    return view


def _block_views(note: Note, live: LiveScrub | None, *, carried: bool = True) -> list[BlockView]:
    """Each block with its inputs and scrub result; `carried=False` skips the comparison with
    the visit it was carried from (the live fragment shows only units and findings)."""
    previous: dict[str, list[TreatmentBlock]] = {}
    if carried and note.carried_from_id is not None:
        for old in TreatmentBlock.objects.filter(note_id=note.carried_from_id).order_by("order"):
            previous.setdefault(old.code, []).append(old)
    views = []
    for block in note.blocks.all():
        prefix = f"b{block.pk}-"
        view = BlockView(
            block=block,
            descriptor=_descriptor(block.code),
            inputs=[
                ParameterField(spec, f"{prefix}p-{spec.key}", block.parameters.get(spec.key, ""))
                for spec in inputs_for(block.code)
            ],
            goal_ids={g.pk for g in block.goals.all()},
            regions_text=", ".join(block.body_regions),
            needs_regions=needs_regions(block.code),
        )
        if live is not None:
            billing = live.billing.get(block.pk)
            if billing is not None:
                view.units, view.billed_code, view.modifiers = (
                    billing.units,
                    billing.code,
                    billing.modifiers,
                )
            view.findings = [f for f in live.findings if f.block_id == block.pk]
        olds = previous.get(block.code)
        if olds:
            old = olds.pop(0)
            view.carried = True
            keys = sorted(set(old.parameters) | set(block.parameters))
            view.changes = [
                (k, old.parameters.get(k, "—"), block.parameters.get(k, "—"))
                for k in keys
                if old.parameters.get(k) != block.parameters.get(k)
            ]
        views.append(view)
    return views


def _descriptor(code: str) -> str:
    return next((p.descriptor for p in all_procedures() if p.code == code), "not in the catalog")


def _codes_for(discipline: str, credential: str) -> list[tuple[str, str]]:
    """The case discipline's codes that the clinician's credential may furnish."""
    wanted = Discipline(discipline)
    own = Credential(credential) if credential else None
    return [
        (p.code, p.descriptor)
        for p in all_procedures()
        if wanted in p.disciplines and (own is None or code_refusal(own, p.code) is None)
    ]


@dataclass(frozen=True)
class TypeView:
    """The note type's parts of the editor: its sections with their text, the goals it
    reports on, the types the clinician may switch to, and what still stops the signature."""

    sections: list[tuple[Section, str]]
    goals: list[ReportedGoal]
    choices: list[tuple[str, str]]
    problems: list[ScopeRefusal]


def _type_view(note: Note, plan: PlanOfCare | None) -> TypeView:
    template = note.template
    goals = list(plan.goals.all()) if plan is not None else []
    credential = Credential(note.therapist.credential) if note.therapist.credential else None
    return TypeView(
        sections=[(s, note.sections.get(s.key, "")) for s in template.sections],
        goals=reported_goals(note, goals),
        choices=[
            (t.value, row.label)
            for t, row in TEMPLATES.items()
            if credential is None or act_refusal(credential, row.act) is None
        ],
        problems=type_refusals(note, goals),
    )


def _render_editor(
    request: HttpRequest,
    note: Note,
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
    refused: bool = False,
) -> HttpResponse:
    live, build_problem = _scrub(note)
    plan = _current_plan(note)
    goals = [g for g in plan.goals.all() if g.status == GoalStatus.ACTIVE] if plan else []
    reports = note.counts_as_progress_report
    trend: RomTrend | None = measures_since_last_report(note) if reports else None
    context = {
        "kind": _type_view(note, plan),
        "goal_statuses": GoalStatus.choices,
        "complexities": COMPLEXITY_CHOICES,
        "note": note,
        "plan": plan,
        "goals": goals,
        "blocks": _block_views(note, live),
        "live": live,
        "build_problem": build_problem,
        "errors": errors or {},
        "objective_rows": _objective_rows(note),
        "sides": ["", "left", "right", "bilateral"],
        "lateralities": LATERALITY_CHOICES,
        "codes": _codes_for(note.case.discipline, note.therapist.credential),
        "trend": trend,
        "measures": progress_measures(note) if reports else [],
        "refused": refused,
        "today": timezone.localdate(),
        "shown_keys": shown_keys(live, build_problem, errors or {}),
    }
    return render(request, "notes/edit.html", context, status=status)


def _save_posted(request: HttpRequest, note: Note, *, refresh: bool = False) -> DraftInput:
    """Save the posted page; with `refresh`, bring the loaded `note` up to what was saved (two
    queries, where loading it again would take the builder's full set)."""
    draft = parse_draft(
        request.POST,
        note.blocks.all(),
        today=timezone.localdate(),
        stored_objective=note.objective,
        hour_cycle=hour_cycle_of(request.staff.organisation.hour_cycle),  # type: ignore[attr-defined]
        note=note,
    )
    saved = do_save_draft(actor_of(request), note, draft)
    if refresh:
        refresh_saved_draft(note, saved)
    return draft


@staff_view(Capability.WRITE_NOTES)
@require_POST
def start_note(request: HttpRequest, case_id: int) -> HttpResponse:
    staff = request.staff  # type: ignore[attr-defined]
    case = (
        Case.objects.filter(pk=case_id, patient__organisation=staff.organisation)
        .select_related("patient")
        .first()
    )
    if case is None:
        raise Http404("no such case")
    today = timezone.localdate()
    existing = (
        Note.objects.filter(
            TREATMENT_VISIT,
            case=case,
            therapist=staff,
            status=NoteStatus.DRAFT,
            date_of_service=today,
        )
        .values_list("pk", flat=True)
        .first()
    )
    if existing is not None:
        return redirect("notes:edit", note_id=existing)
    chosen = request.POST.get("note_type", "")
    if chosen and chosen not in NOTE_TYPES:
        messages.error(request, f"{chosen[:20]!r} is not a note type.")
        return redirect("patients:chart", patient_id=case.patient_id)
    location = (
        staff.default_location
        or Location.objects.filter(organisation=staff.organisation).order_by("pk").first()
    )
    if location is None:
        messages.error(request, "Add a location to the organisation before writing notes.")
        return redirect("patients:chart", patient_id=case.patient_id)
    try:
        note = do_start_follow_up_note(
            actor_of(request),
            case=case,
            therapist=staff,
            location=location,
            date_of_service=today,
            note_type=NoteType(chosen) if chosen else None,
        )
    except NoteStateError as error:
        messages.error(request, str(error))
        return redirect("patients:chart", patient_id=case.patient_id)
    return redirect("notes:edit", note_id=note.pk)


@staff_view(Capability.WRITE_NOTES)
@require_http_methods(["GET", "POST"])
def edit_note(request: HttpRequest, note_id: int) -> HttpResponse:
    note = _load(request, note_id)
    if note.is_signed:
        return redirect("notes:detail", note_id=note.pk)
    if request.method == "POST":
        draft = _save_posted(request, note, refresh=True)
        if draft.errors:
            return _render_editor(request, note, errors=draft.errors, status=422)
        messages.success(request, "Draft saved.")
        return redirect("notes:edit", note_id=note.pk)
    do_record_audit_event(
        actor_of(request), AuditAction.VIEW, "note", note.pk, patient_id=note.patient_id
    )
    return _render_editor(request, note)


@staff_view(Capability.WRITE_NOTES)
@require_POST
def set_note_type(request: HttpRequest, note_id: int) -> HttpResponse:
    """Make the draft another type (its sections change; text already written is kept)."""
    note = _load(request, note_id)
    if note.is_signed:
        return redirect("notes:detail", note_id=note.pk)
    chosen = request.POST.get("note_type", "")
    if chosen not in NOTE_TYPES:
        messages.error(request, f"{chosen[:20]!r} is not a note type.")
        return redirect("notes:edit", note_id=note.pk)
    try:
        do_update_note(actor_of(request), note, note_type=NoteType(chosen))
    except NoteStateError as error:
        messages.error(request, error.problem.capitalize() + ".")
    else:
        messages.success(request, f"This note is now {with_article(template_of(chosen).label)}.")
    return redirect("notes:edit", note_id=note.pk)


@staff_view(Capability.WRITE_NOTES)
@require_POST
def live_scrub(request: HttpRequest, note_id: int) -> HttpResponse:
    """Autosave what parsed and answer with the scrub of the saved draft (an htmx fragment)."""
    note = _load(request, note_id)
    if note.is_signed:
        return HttpResponse(
            '<p class="alert">This note is signed; reload to see it.</p>', status=409
        )
    draft = _save_posted(request, note, refresh=True)
    live, build_problem = _scrub(note)
    context = {
        "note": note,
        "live": live,
        "build_problem": build_problem,
        "errors": draft.errors,
        "blocks": _block_views(note, live, carried=False),
        "saved_at": timezone.localtime(),
        "kind": _type_view(note, _current_plan(note)),
        "news": live_news(request.POST.get(SHOWN_FIELD, ""), live, build_problem, draft.errors),
    }
    return render(request, "notes/_live.html", context)


@staff_view(Capability.WRITE_NOTES)
@require_POST
def add_block(request: HttpRequest, note_id: int) -> HttpResponse:
    note = _load(request, note_id)
    code = request.POST.get("code", "").split(" ", 1)[0]
    try:
        _save_posted(request, note)
        block = do_add_block_for_code(actor_of(request), note, code)
    except NoteStateError as error:
        messages.error(request, str(error))
        return redirect("notes:edit", note_id=note.pk)
    return redirect(reverse("notes:edit", args=[note.pk]) + f"#block-{block.pk}")


@staff_view(Capability.WRITE_NOTES)
@require_POST
def remove_block(request: HttpRequest, note_id: int, block_id: int) -> HttpResponse:
    note = _load(request, note_id)
    try:
        do_remove_treatment_block(actor_of(request), note, block_id)
    except NoteStateError as error:
        messages.error(request, str(error))
    return redirect("notes:edit", note_id=note.pk)


@staff_view(Capability.WRITE_NOTES)
@require_POST
def sign_note(request: HttpRequest, note_id: int) -> HttpResponse:
    note = _load(request, note_id)
    if note.is_signed:
        return redirect("notes:detail", note_id=note.pk)
    draft = _save_posted(request, note, refresh=True)
    if draft.errors:
        return _render_editor(request, note, errors=draft.errors, status=422)
    try:
        check_sign_note(actor_of(request), note, request.staff)  # type: ignore[attr-defined]
    except SignOffRefused:
        return _render_editor(request, note, status=409, refused=True)
    except (NoteStateError, VisitBuildError) as error:
        messages.error(request, str(error))
        return _render_editor(request, note, status=409)
    messages.success(request, "Note signed.")
    return redirect("notes:detail", note_id=note.pk)


def _note_of(staff: Staff, note_id: int) -> Note:
    """A note of the staff member's organisation (404 outside it), for an act on the record."""
    note = selectors.notes_of(staff.organisation).filter(pk=note_id).first()
    if note is None:
        raise Http404("no such note")
    return note


def _act_on_record(
    request: HttpRequest, note: Note, act: Callable[[], object], done: str
) -> HttpResponse:
    """Run an act on a signed note and return to its page: a scope refusal is a 403, a note in
    the wrong state a message."""
    try:
        act()
    except ScopeRefused as error:
        raise PermissionDenied(str(error)) from error
    except NoteStateError as error:
        messages.error(request, error.problem.capitalize() + ".")
    else:
        messages.success(request, done)
    return redirect("notes:detail", note_id=note.pk)


@staff_view(Capability.WRITE_NOTES)
@require_POST
def cosign_note(request: HttpRequest, note_id: int) -> HttpResponse:
    """The supervising therapist co-signs an assistant's signed note."""
    staff = request.staff  # type: ignore[attr-defined]
    note = _note_of(staff, note_id)
    return _act_on_record(
        request, note, lambda: do_cosign_note(actor_of(request), note, staff), "Note co-signed."
    )


@staff_view(Capability.WRITE_NOTES)
@require_POST
def add_addendum(request: HttpRequest, note_id: int) -> HttpResponse:
    staff = request.staff  # type: ignore[attr-defined]
    note = _note_of(staff, note_id)
    text = request.POST.get("text", "")
    if len(text) > ADDENDUM_MAX:
        messages.error(request, f"Not signed: an addendum holds at most {ADDENDUM_MAX} characters.")
        return redirect("notes:detail", note_id=note.pk)
    return _act_on_record(
        request,
        note,
        lambda: do_add_addendum(actor_of(request), note, staff, text),
        "Addendum signed.",
    )


@staff_view(Capability.READ_NOTES)
def note_pdf(request: HttpRequest, note_id: int) -> HttpResponse:
    note = shown_note(request.staff, note_id)  # type: ignore[attr-defined]
    audience = request.GET.get("for", "referrer")
    pdf = render_note_pdf(note, audience=audience)
    do_record_audit_event(
        actor_of(request), AuditAction.EXPORT, "note", note.pk, patient_id=note.patient_id
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="note-{note.pk}.pdf"'
    return response


@staff_view(Capability.WRITE_NOTES)
@require_POST
def start_rtm_note(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    """Write the RTM note for one date of service of the enrolment (ADR 0570) and open it."""
    staff = request.staff  # type: ignore[attr-defined]
    enrolment = (
        RtmEnrolment.objects.select_related("case__patient", "plan")
        .filter(pk=enrolment_id, case__patient__organisation=staff.organisation)
        .first()
    )
    if enrolment is None:
        raise Http404("no such enrolment")
    back = reverse("patients:rtm", args=[enrolment.case.patient_id, enrolment.case_id])
    day = param_date(request.POST, "date_of_service")
    if day is None:
        raise BadRequestParameter("date_of_service", "is required")
    try:
        note = do_start_rtm_note(actor_of(request), enrolment, day, today=timezone.localdate())
    except (ValidationError, NoteStateError) as error:
        problem = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, problem)
        return redirect(back)
    return redirect("notes:edit", note_id=note.pk)
