"""Staff pages of the intake app (ADR 0960): the form builder and consent texts (owner and
location manager), and the chart's intake panel: what is missing, the signed documents, the
answers waiting to be accepted onto the chart, and the ABNs offered and signed; and the desk's
signing screens, where the patient signs a consent or an ABN on the clinic's tablet with a
staff member as witness (ADR 0961)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from cleannote.apps.audit.actions import do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.intake.actions import (
    current_version,
    do_decide_suggestion,
    do_offer_notice,
    do_publish_consent,
    do_publish_form,
    do_send_form,
    do_sign_consent,
    do_sign_notice,
    do_withdraw_notice,
    may_witness,
)
from cleannote.apps.intake.builder_rows import MAX_ROWS, rows_for_page, rows_from_post
from cleannote.apps.intake.desk_forms import DeskConsentForm, DeskNoticeForm, DeskSignatureForm
from cleannote.apps.intake.errors import IntakeRefused
from cleannote.apps.intake.form_fields import (
    FIELD_TYPE_WORDS,
    TARGET_WORDS,
    FormDefinitionError,
    read_field,
    read_fields,
    target_words,
)
from cleannote.apps.intake.models import (
    AdvanceNotice,
    ChartSuggestion,
    ConsentKind,
    IntakeForm,
    NoticeStatus,
    SignedVia,
)
from cleannote.apps.intake.selectors import (
    answer_rows,
    consent_states,
    current_consents,
    forms_of,
    missing_for,
    notices_of,
    offered_notice,
    open_responses,
    pain_for_note,
    pending_suggestions,
    response_of,
    signed_responses,
)
from cleannote.apps.notes.models import Note
from cleannote.apps.organisations.access import actor_of, staff_view
from cleannote.apps.organisations.models import Organisation
from cleannote.apps.organisations.roles import Capability, has_capability
from cleannote.apps.patients.chart_edit import edit_screen, posted
from cleannote.apps.patients.models import Patient
from cleannote.rules.beneficiary_notices import NOTICE_OPTION_WORDS
from cleannote.rules.outcome_measures import all_instruments

BUILD = Capability.MANAGE_INTAKE_FORMS
WITNESS = Capability.WITNESS_SIGNATURES


def _org(request: HttpRequest) -> Organisation:
    return request.staff.organisation  # type: ignore[attr-defined, no-any-return]


def _targets() -> list[tuple[str, str]]:
    return [(t.value, words) for t, words in TARGET_WORDS.items()] + [
        (f"measure:{i.code}", f"Outcome measure: {i.name}")
        for i in all_instruments()
        if i.patient_reported
    ]


# --- builder ----------------------------------------------------------------------------------


@staff_view(BUILD)
@require_http_methods(["GET"])
def form_list(request: HttpRequest) -> HttpResponse:
    organisation = _org(request)
    forms = [(form, current_version(form)) for form in forms_of(organisation)]
    consents = current_consents(organisation.pk)
    return render(
        request,
        "intake/forms.html",
        {
            "forms": forms,
            "consents": [(kind, consents.get(kind.value)) for kind in ConsentKind],
        },
    )


def _form_of(request: HttpRequest, form_id: int) -> IntakeForm:
    form = IntakeForm.objects.filter(organisation=_org(request), pk=form_id).first()
    if form is None:
        raise Http404("no such form")
    return form


@staff_view(BUILD)
@require_http_methods(["GET", "POST"])
def build_form(request: HttpRequest, form_id: int | None = None) -> HttpResponse:
    """Create a form or publish its next version from rows of inputs (no code)."""
    form = _form_of(request, form_id) if form_id is not None else None
    version = current_version(form) if form is not None else None
    name = form.name if form else ""
    send = form.send_with_booking if form else True
    problem = ""
    if request.method == "POST":
        name = request.POST.get("name", "")
        send = request.POST.get("send_with_booking") == "on"
        try:
            count = int(request.POST.get("rows", "0"))
        except ValueError:
            count = 0
        posted = rows_from_post(request.POST, count)
        try:
            published = do_publish_form(
                actor_of(request),
                request.staff,  # type: ignore[attr-defined]
                name=name,
                fields=posted,
                form=form,
                send_with_booking=send,
            )
        except IntakeRefused as exc:
            problem = exc.message
            rows = _rows_as_posted(posted)
        else:
            messages.success(
                request, f"Published version {published.number} of {published.form.name}."
            )
            return redirect("intake:build_form", form_id=published.form_id)
    else:
        rows = rows_for_page(read_fields(version.fields) if version else ())
    return render(
        request,
        "intake/build.html",
        {
            "form": form,
            "version": version,
            "name": name,
            "send_with_booking": send,
            "rows": rows,
            "row_count": len(rows),
            "problem": problem,
            "types": list(FIELD_TYPE_WORDS.items()),
            "targets": _targets(),
        },
    )


def _rows_as_posted(posted: list[dict[str, object]]) -> list[dict[str, object]]:
    """The rows as the person typed them, to fix what the refusal named."""
    rows: list[dict[str, object]] = []
    for n, raw in enumerate(posted[:MAX_ROWS]):
        try:
            spec = read_field(raw, f"field {n + 1}")
            rows.append({**rows_for_page((spec,))[0], "n": n, "order": n + 1})
        except FormDefinitionError:
            choices = raw.get("choices") or []
            rows.append(
                {
                    **raw,
                    "n": n,
                    "order": n + 1,
                    "choices": "\n".join(str(c) for c in choices)
                    if isinstance(choices, list)
                    else "",
                }
            )
    blank = rows_for_page(())
    for extra in blank:
        extra["n"] = extra["order"] = len(rows)
        extra["order"] = len(rows) + 1
        rows.append(extra)
    return rows


@staff_view(BUILD)
@require_http_methods(["GET", "POST"])
def consent_text(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in ConsentKind.values:
        raise Http404("no such consent")
    current = current_consents(_org(request).pk).get(kind)
    problem = ""
    text = current.text if current else ""
    required = current.required if current else kind != ConsentKind.TELEHEALTH
    if request.method == "POST":
        text = request.POST.get("text", "")
        required = request.POST.get("required") == "on"
        try:
            row = do_publish_consent(
                actor_of(request),
                request.staff,  # type: ignore[attr-defined]
                kind=kind,
                text=text,
                required=required,
            )
        except IntakeRefused as exc:
            problem = exc.message
        else:
            messages.success(request, f"Published version {row.version}.")
            return redirect("intake:forms")
    return render(
        request,
        "intake/consent_text.html",
        {
            "kind": kind,
            "words": ConsentKind(kind).label,
            "current": current,
            "text": text,
            "required": required,
            "problem": problem,
        },
    )


# --- the chart's panel ------------------------------------------------------------------------


def _patient(request: HttpRequest, patient_id: int) -> Patient:
    patient = (
        Patient.objects.filter(organisation=_org(request), pk=patient_id)
        .prefetch_related("coverages")
        .first()
    )
    if patient is None:
        raise Http404("no such patient")
    return patient


def _panel_context(request: HttpRequest, patient: Patient) -> dict[str, Any]:
    staff = request.staff  # type: ignore[attr-defined]
    return {
        "patient": patient,
        "missing": missing_for(patient),
        "consents": consent_states(patient),
        "open_forms": open_responses(patient),
        "signed_forms": signed_responses(patient),
        "suggestions": [(s, target_words(s.target)) for s in pending_suggestions(patient)],
        "notices": notices_of(patient),
        "forms": [f for f in forms_of(_org(request)) if f.is_active],
        "may_edit": has_capability(staff.role, Capability.EDIT_CHART),
        "may_witness": may_witness(staff, patient),
    }


@staff_view(Capability.SEE_PATIENTS)
@require_http_methods(["GET"])
def chart_panel(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    do_record_audit_event(
        actor_of(request), AuditAction.VIEW, "intake_panel", patient.pk, patient_id=patient.pk
    )
    template = "intake/_panel.html" if request.headers.get("HX-Request") else "intake/panel.html"
    return render(request, template, _panel_context(request, patient))


def _back(patient: Patient) -> HttpResponse:
    return redirect(reverse("intake:panel", args=[patient.pk]))


@staff_view(Capability.SEE_PATIENTS)
@require_http_methods(["GET"])
def signed_document(request: HttpRequest, patient_id: int, response_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    response = response_of(_org(request), response_id)
    if response is None or response.patient_id != patient.pk:
        raise Http404("no such document")
    do_record_audit_event(
        actor_of(request), AuditAction.VIEW, "intake_response", response.pk, patient_id=patient.pk
    )
    return render(
        request,
        "intake/document.html",
        {"patient": patient, "response": response, "rows": answer_rows(response)},
    )


@staff_view(Capability.EDIT_CHART)
@require_POST
def send_form(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    try:
        form = _form_of(request, int(request.POST.get("form", "0")))
    except ValueError:
        raise Http404("no such form") from None
    try:
        do_send_form(actor_of(request), patient, form)
    except IntakeRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{form.name} is waiting for the patient in the portal.")
    return _back(patient)


@staff_view(Capability.EDIT_CHART)
@require_POST
def decide_suggestion(request: HttpRequest, patient_id: int, suggestion_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    suggestion = ChartSuggestion.objects.filter(pk=suggestion_id, patient=patient).first()
    if suggestion is None:
        raise Http404("no such suggestion")
    accept = request.POST.get("decision") == "accept"
    try:
        decided = do_decide_suggestion(
            actor_of(request),
            request.staff,  # type: ignore[attr-defined]
            suggestion,
            accept=accept,
            today=timezone.localdate(),
        )
    except IntakeRefused as exc:
        messages.error(request, f"{target_words(suggestion.target)}: {exc.message}")
    else:
        done = "accepted onto the chart" if accept else "rejected"
        if decided.decision_note:
            done = f"{done} ({decided.decision_note})"
        messages.success(request, f"{target_words(suggestion.target)}: {done}.")
    return _back(patient)


@staff_view(Capability.EDIT_CHART)
@require_http_methods(["GET", "POST"])
def offer_notice(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Offer an ABN: the codes come from the link that offered it (a scrub finding) or typed."""
    patient = _patient(request, patient_id)
    values = {
        "codes": request.GET.get("codes", ""),
        "services": "",
        "reason": request.GET.get("reason", "")
        or "Medicare may not pay for this service as medically necessary.",
        "estimated_cost": "",
        "through": "",
    }
    problem = field = ""
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in values}
        try:
            through = dt.date.fromisoformat(values["through"]) if values["through"] else None
        except ValueError:
            problem, field = "Enter the last day as YYYY-MM-DD.", "through"
        else:
            try:
                do_offer_notice(
                    actor_of(request),
                    request.staff,  # type: ignore[attr-defined]
                    patient,
                    codes=values["codes"].replace(",", " ").split(),
                    services=values["services"],
                    reason=values["reason"],
                    estimated_cost=values["estimated_cost"],
                    through=through,
                    today=timezone.localdate(),
                )
            except IntakeRefused as exc:
                problem, field = exc.message, exc.field
            else:
                messages.success(
                    request,
                    "The ABN is offered: the patient signs it in the portal or at the desk.",
                )
                return _back(patient)
    return render(
        request,
        "intake/offer_notice.html",
        {"patient": patient, "values": values, "problem": problem, "field": field},
    )


@staff_view(Capability.EDIT_CHART)
@require_POST
def withdraw_notice(request: HttpRequest, patient_id: int, notice_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    notice = AdvanceNotice.objects.filter(
        pk=notice_id, patient=patient, status=NoticeStatus.OFFERED
    ).first()
    if notice is None:
        raise Http404("no such notice")
    try:
        do_withdraw_notice(actor_of(request), request.staff, notice)  # type: ignore[attr-defined]
    except IntakeRefused as exc:
        messages.error(request, exc.message)
    return _back(patient)


# --- the note's offer -------------------------------------------------------------------------


@staff_view(Capability.READ_NOTES)
@require_http_methods(["GET"])
def note_pain(request: HttpRequest, note_id: int) -> HttpResponse:
    """The pain now the patient answered on an intake form, which the therapist may put into
    the note's subjective pain (ADR 0964); nothing when there is none to offer."""
    note = Note.objects.filter(pk=note_id, patient__organisation=_org(request)).first()
    if note is None:
        raise Http404("no such note")
    pain = pain_for_note(note) if not note.is_signed else None
    if pain is not None:
        do_record_audit_event(
            actor_of(request),
            AuditAction.VIEW,
            "intake_response",
            pain.response_id,
            patient_id=note.patient_id,
        )
    return render(
        request,
        "intake/_note_pain.html",
        {"note": note, "pain": pain, "editable": not note.is_signed},
    )


# --- signing at the desk (ADR 0961) -----------------------------------------------------------


def _desk_back(request: HttpRequest, patient: Patient) -> str:
    """Where the desk goes after signing: `next` when it is a page of this site (the check-in
    the screen was opened from), else the chart's intake panel."""
    target = str(request.POST.get("next") or request.GET.get("next") or "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return str(reverse("intake:panel", args=[patient.pk]))


def _desk_page(
    request: HttpRequest,
    patient: Patient,
    template: str,
    form: DeskSignatureForm,
    context: dict[str, Any],
) -> HttpResponse:
    staff = request.staff  # type: ignore[attr-defined]
    allowed = may_witness(staff, patient)
    status = 200 if allowed else 403
    if allowed and form.is_bound:
        status = 400
    return render(
        request,
        template,
        {
            "patient": patient,
            "form": form,
            "allowed": allowed,
            "witness": staff,
            "back": _desk_back(request, patient),
            **context,
        },
        status=status,
    )


@staff_view(WITNESS)
@require_http_methods(["GET", "POST"])
def desk_consent(request: HttpRequest, patient_id: int, kind: str) -> HttpResponse:
    """The patient (or their representative) reads the consent's current version and signs it
    by typing their name and ticking the attestation; the signed-in staff member witnesses."""
    if kind not in ConsentKind.values:
        raise Http404("no such consent")
    patient = _patient(request, patient_id)
    state = next((s for s in consent_states(patient) if s.kind == kind), None)
    if state is None:
        raise Http404("no such consent")
    staff = request.staff  # type: ignore[attr-defined]
    actor = actor_of(request)
    form = DeskConsentForm(posted(request), initial={"version": state.current.pk})

    def change() -> object:
        data = form.cleaned_data
        if data["version"] != state.current.pk:
            raise IntakeRefused(
                "consent",
                "A newer version of this consent was published: read it, then sign again.",
            )
        return do_sign_consent(
            actor,
            patient,
            state.current,
            signed_name=data["signed_name"],
            via=SignedVia.DESK,
            witness=staff,
            relationship=data["relationship"],
            attested=data["attested"],
        )

    def page() -> HttpResponse:
        do_record_audit_event(
            actor, AuditAction.VIEW, "consent_text", state.current.pk, patient_id=patient.pk
        )
        if form.is_bound and form.data.get("version") != str(state.current.pk):
            # A newer version was published meanwhile: it is the one shown, to be read anew.
            fresh = request.POST.copy()
            fresh["version"] = str(state.current.pk)
            fresh.pop("attested", None)
            form.data = fresh
        return _desk_page(request, patient, "intake/desk_consent.html", form, {"state": state})

    if request.method == "POST" and not may_witness(staff, patient):
        return page()
    return edit_screen(
        request,
        form,
        change,
        said=f"{state.words} (v{state.current.version}) is signed at the desk.",
        then=redirect(_desk_back(request, patient)),
        page=page,
        catching=(IntakeRefused,),
    )


@staff_view(WITNESS)
@require_http_methods(["GET", "POST"])
def desk_notice(request: HttpRequest, patient_id: int, notice_id: int) -> HttpResponse:
    """The patient (or their representative) reads an offered ABN, its services, estimated cost
    and three options, chooses one and signs; the signed-in staff member witnesses."""
    patient = _patient(request, patient_id)
    notice = offered_notice(patient, notice_id)
    if notice is None:
        raise Http404("no such notice waiting for a signature")
    staff = request.staff  # type: ignore[attr-defined]
    actor = actor_of(request)
    form = DeskNoticeForm(posted(request))

    def change() -> AdvanceNotice:
        data = form.cleaned_data
        return do_sign_notice(
            actor,
            notice,
            option=data["option"],
            signed_name=data["signed_name"],
            via=SignedVia.DESK,
            witness=staff,
            relationship=data["relationship"],
            attested=data["attested"],
        )

    def page() -> HttpResponse:
        do_record_audit_event(
            actor, AuditAction.VIEW, "advance_notice", notice.pk, patient_id=patient.pk
        )
        return _desk_page(
            request,
            patient,
            "intake/desk_notice.html",
            form,
            {
                "notice": notice,
                "options": [(int(o), words) for o, words in NOTICE_OPTION_WORDS.items()],
            },
        )

    if request.method == "POST" and not may_witness(staff, patient):
        return page()
    return edit_screen(
        request,
        form,
        change,
        said=lambda row: f"The ABN is signed at the desk with option {row.option}.",
        then=redirect(_desk_back(request, patient)),
        page=page,
        catching=(IntakeRefused,),
    )
