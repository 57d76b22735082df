"""The chart's clinical screens, one per case: referrals and authorizations (add, correct,
renew), diagnoses (add, correct with the suggested replacement, reorder, remove) and the plan of
care (write, change, revise, send, certify, PDF). ADR 0521.

Every page is scoped to the signed-in person's organisation (404 otherwise) and audited as a
view; every change goes through `clinical_actions`, which checks who may make it (403 with the
reason) and writes the audit row with who and why. A save returns to the same screen (PRG) with
a message, so the keyboard user lands where they were.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cleannote.apps.audit.actions import do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.organisations.access import actor_of, staff_view
from cleannote.apps.organisations.roles import Capability, has_capability
from cleannote.apps.patients import clinical_selectors as chart
from cleannote.apps.patients.chart_actions import ChartChangeRefused
from cleannote.apps.patients.chart_edit import edit_screen, posted
from cleannote.apps.patients.clinical_access import clinical_refusal, paperwork_refusal
from cleannote.apps.patients.clinical_actions import (
    do_add_diagnosis,
    do_change_diagnosis,
    do_move_diagnosis,
    do_record_certification,
    do_record_plan_sent,
    do_record_referral,
    do_remove_diagnosis,
    do_renew_referral,
    do_revise_plan_of_care,
    do_update_plan_of_care,
    do_update_referral,
    do_write_plan_of_care,
)
from cleannote.apps.patients.clinical_forms import (
    CertificationForm,
    DeliveryForm,
    DiagnosisForm,
    GoalForm,
    PlanForm,
    ReferralChartForm,
    RemoveDiagnosisForm,
    goal_forms,
    group_forms,
)
from cleannote.apps.patients.models import Case, Goal, PlanOfCare, Referral
from cleannote.apps.patients.plan_pdf import render_plan_pdf
from cleannote.rules.visit import CertificationKind

see_view = staff_view(Capability.SEE_PATIENTS)
clinical_view = staff_view(Capability.SEE_PATIENTS, Capability.READ_NOTES)


def _case(request: HttpRequest, patient_id: int, case_id: int) -> Case:
    case = chart.case_of(request.staff.organisation, patient_id, case_id)  # type: ignore[attr-defined]
    if case is None:
        raise Http404("no such case")
    return case


def _viewed(request: HttpRequest, what: str, case: Case) -> None:
    do_record_audit_event(
        actor_of(request), AuditAction.VIEW, what, case.pk, patient_id=case.patient_id
    )


def _back(name: str, case: Case, anchor: str = "") -> HttpResponseRedirect:
    url = reverse(f"patients:{name}", args=[case.patient_id, case.pk])
    return HttpResponseRedirect(url + (f"#{anchor}" if anchor else ""))


def _may(request: HttpRequest, case: Case) -> dict[str, bool]:
    staff = request.staff  # type: ignore[attr-defined]
    return {
        "clinical": clinical_refusal(staff, case) is None,
        "paperwork": paperwork_refusal(staff, case) is None,
        "read_notes": has_capability(staff.role, Capability.READ_NOTES),
    }


# --- referrals and authorizations ------------------------------------------------------------


@see_view
@require_http_methods(["GET", "POST"])
def referrals(request: HttpRequest, patient_id: int, case_id: int) -> HttpResponse:
    case = _case(request, patient_id, case_id)
    data = posted(request)
    form = ReferralChartForm(data, prefix="new")
    groups = group_forms(data)
    if data is None:
        _viewed(request, "referrals", case)
    return edit_screen(
        request,
        form,
        lambda: do_record_referral(
            actor_of(request),
            case,
            form.save(commit=False),
            _groups(groups),
            reason=form.cleaned_data.get("reason") or "",
        ),
        also=groups,
        said="Referral added.",
        then=_back("referrals", case),
        page=lambda: _referral_page(
            request, case, form, groups, title="Add a referral or authorization"
        ),
    )


def _groups(forms: list[Any]) -> list[Any]:
    return [g for g in (f.group() for f in forms) if g is not None]


def _referral_page(
    request: HttpRequest,
    case: Case,
    form: ReferralChartForm,
    groups: list[Any],
    *,
    title: str,
    action: str = "",
    renewing: Referral | None = None,
) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "patients/clinical_referrals.html",
        {
            "case": case,
            "patient": case.patient,
            "rows": chart.referral_rows(case, today),
            "form": form,
            "groups": groups,
            "title": title,
            "action": action,
            "renewing": renewing,
            "may": _may(request, case),
        },
        status=400 if form.errors or any(g.errors for g in groups) else 200,
    )


def _referral(case: Case, referral_id: int) -> Referral:
    referral = case.referrals.filter(pk=referral_id).first()
    if referral is None:
        raise Http404("no such referral")
    return referral


@see_view
@require_http_methods(["GET", "POST"])
def renew_referral(
    request: HttpRequest, patient_id: int, case_id: int, referral_id: int
) -> HttpResponse:
    case = _case(request, patient_id, case_id)
    old = _referral(case, referral_id)
    data = posted(request)
    start = max(timezone.localdate(), old.referral_date)
    initial = {
        "provider_first_name": old.provider_first_name,
        "provider_last_name": old.provider_last_name,
        "provider_npi": old.provider_npi,
        "qualifier": old.qualifier,
        "referral_date": start,
        "received_on": timezone.localdate(),
        "diagnoses_text": ", ".join(old.diagnoses),
        "authorized_visits": old.authorized_visits,
    }
    form = ReferralChartForm(data, prefix="new", initial=initial)
    groups = group_forms(data, list(old.code_groups.all()))
    return edit_screen(
        request,
        form,
        lambda: do_renew_referral(
            actor_of(request),
            old,
            form.save(commit=False),
            _groups(groups),
            reason=form.cleaned_data.get("reason") or "",
        ),
        also=groups,
        said="Referral renewed: visits from its date count against it.",
        then=_back("referrals", case),
        page=lambda: _referral_page(
            request,
            case,
            form,
            groups,
            title="Renew the referral",
            action=request.path,
            renewing=old,
        ),
    )


@see_view
@require_http_methods(["GET", "POST"])
def edit_referral(
    request: HttpRequest, patient_id: int, case_id: int, referral_id: int
) -> HttpResponse:
    case = _case(request, patient_id, case_id)
    referral = _referral(case, referral_id)
    data = posted(request)
    form = ReferralChartForm(data, prefix="new", instance=referral, reason_required=True)
    groups = group_forms(data, list(referral.code_groups.all()))
    return edit_screen(
        request,
        form,
        lambda: do_update_referral(
            actor_of(request),
            form.save(commit=False),
            _groups(groups),
            reason=form.cleaned_data["reason"],
        ),
        also=groups,
        said="Referral corrected.",
        then=_back("referrals", case),
        page=lambda: _referral_page(
            request, case, form, groups, title="Correct the referral", action=request.path
        ),
    )


# --- diagnoses -------------------------------------------------------------------------------


@clinical_view
@require_http_methods(["GET", "POST"])
def diagnoses(request: HttpRequest, patient_id: int, case_id: int) -> HttpResponse:
    case = _case(request, patient_id, case_id)
    data = posted(request)
    form = DiagnosisForm(data, prefix="add", reason_required=False)
    if data is None:
        _viewed(request, "diagnoses", case)
    return edit_screen(
        request,
        form,
        lambda: do_add_diagnosis(
            actor_of(request),
            case,
            form.cleaned_data["code"],
            form.cleaned_data["onset_date"],
            reason=form.cleaned_data.get("reason") or "",
        ),
        said="Diagnosis added.",
        then=_back("diagnoses", case),
        page=lambda: _diagnosis_page(request, case, add_form=form),
    )


def _diagnosis_page(
    request: HttpRequest,
    case: Case,
    *,
    add_form: DiagnosisForm | None = None,
    editing: int | None = None,
    edit_form: DiagnosisForm | None = None,
) -> HttpResponse:
    form = add_form or DiagnosisForm(prefix="add", reason_required=False)
    errors = bool(form.errors or (edit_form is not None and edit_form.errors))
    return render(
        request,
        "patients/clinical_diagnoses.html",
        {
            "case": case,
            "patient": case.patient,
            "rows": chart.diagnosis_rows(case),
            "form": form,
            "typed": chart.code_advice(form.data.get("add-code", "")) if form.errors else None,
            "editing": editing,
            "edit_form": edit_form,
            "may": _may(request, case),
        },
        status=400 if errors else 200,
    )


def _diagnosis(case: Case, diagnosis_id: int) -> Any:
    row = case.diagnoses.filter(pk=diagnosis_id).first()
    if row is None:
        raise Http404("no such diagnosis")
    return row


@clinical_view
@require_POST
def change_diagnosis(
    request: HttpRequest, patient_id: int, case_id: int, diagnosis_id: int
) -> HttpResponse:
    """Correct a diagnosis: typed, or one click on a suggested replacement (`replace_with`),
    whose reason says what was replaced and why."""
    case = _case(request, patient_id, case_id)
    row = _diagnosis(case, diagnosis_id)
    post = request.POST.copy()
    replacement = post.get("replace_with")
    if replacement:
        post[f"dx{row.pk}-code"] = replacement
        post.setdefault(
            f"dx{row.pk}-onset_date", row.onset_date.isoformat() if row.onset_date else ""
        )
        post[f"dx{row.pk}-reason"] = (
            f"{row.code} {chart.code_advice(row.code).problem or 'corrected'}; chose {replacement}"
        )[:200]
    form = DiagnosisForm(post, prefix=f"dx{row.pk}")
    return edit_screen(
        request,
        form,
        lambda: do_change_diagnosis(
            actor_of(request),
            row,
            form.cleaned_data["code"],
            form.cleaned_data["onset_date"],
            reason=form.cleaned_data["reason"],
        ),
        said=lambda _: f"Diagnosis {row.position} is now {row.code}.",
        then=_back("diagnoses", case),
        page=lambda: _diagnosis_page(request, case, editing=row.pk, edit_form=form),
    )


@clinical_view
@require_POST
def move_diagnosis(
    request: HttpRequest, patient_id: int, case_id: int, diagnosis_id: int
) -> HttpResponse:
    case = _case(request, patient_id, case_id)
    row = _diagnosis(case, diagnosis_id)
    do_move_diagnosis(actor_of(request), row, request.POST.get("direction") == "up")
    return _back("diagnoses", case, f"dx-{row.pk}")


@clinical_view
@require_POST
def remove_diagnosis(
    request: HttpRequest, patient_id: int, case_id: int, diagnosis_id: int
) -> HttpResponse:
    case = _case(request, patient_id, case_id)
    row = _diagnosis(case, diagnosis_id)
    form = RemoveDiagnosisForm(request.POST, prefix=f"rm{row.pk}")

    def ask_why() -> HttpResponse:
        messages.error(request, "Say why the diagnosis is removed.")
        return _back("diagnoses", case, f"dx-{row.pk}")

    return edit_screen(
        request,
        form,
        lambda: do_remove_diagnosis(actor_of(request), row, reason=form.cleaned_data["reason"]),
        said=f"Removed {row.code}.",
        then=_back("diagnoses", case),
        page=ask_why,
        catching=(ChartChangeRefused,),
    )


@clinical_view
def check_code(request: HttpRequest, patient_id: int, case_id: int) -> HttpResponse:
    """The typed code's ICD-10-CM check, as the command line gives it (htmx, while typing)."""
    case = _case(request, patient_id, case_id)
    code = (request.GET.get("add-code") or "")[:10]
    return render(
        request,
        "patients/_code_advice.html",
        {"typed": chart.code_advice(code) if code.strip() else None, "case": case},
    )


# --- plan of care ----------------------------------------------------------------------------


@see_view
def plan(request: HttpRequest, patient_id: int, case_id: int) -> HttpResponse:
    case = _case(request, patient_id, case_id)
    _viewed(request, "plan_of_care", case)
    return _plan_page(request, case)


def _plan_page(
    request: HttpRequest,
    case: Case,
    *,
    certify: CertificationForm | None = None,
    send: DeliveryForm | None = None,
) -> HttpResponse:
    plans = chart.plans_of(case)
    current = plans[0] if plans else None
    today = timezone.localdate()
    default_send = {
        "sent_on": today,
        "method": "fax",
        "recipient": chart.referrer_name(case),
    }
    errors = bool((certify and certify.errors) or (send and send.errors))
    return render(
        request,
        "patients/clinical_plan.html",
        {
            "case": case,
            "patient": case.patient,
            "plan": current,
            "older": plans[1:],
            "status": chart.certification_status(current, today) if current else None,
            "certify": certify or CertificationForm(prefix="cert", initial={"signed_on": today}),
            "send": send or DeliveryForm(prefix="send", initial=default_send),
            "may": _may(request, case),
        },
        status=400 if errors else 200,
    )


def _plan_of(case: Case, plan_id: int) -> PlanOfCare:
    found = case.plans_of_care.filter(pk=plan_id).first()
    if found is None:
        raise Http404("no such plan of care")
    return found


def _goals(forms: list[GoalForm], existing: dict[int, Goal]) -> list[Goal]:
    return [g for g in (f.goal(existing) for f in forms) if g is not None]


@clinical_view
@require_http_methods(["GET", "POST"])
def write_plan(request: HttpRequest, patient_id: int, case_id: int) -> HttpResponse:
    case = _case(request, patient_id, case_id)
    data = posted(request)
    start = timezone.localdate()
    form = PlanForm(
        data,
        prefix="plan",
        initial={
            "start_date": start,
            "certified_through": start + dt.timedelta(days=55),
            "frequency_per_week": 2,
            "duration_weeks": 8,
        },
    )
    goals = goal_forms(data, [], keep_ids=False)
    return edit_screen(
        request,
        form,
        lambda: do_write_plan_of_care(
            actor_of(request),
            case,
            form.save(commit=False),
            _goals(goals, {}),
            reason=form.cleaned_data.get("reason") or "",
        ),
        also=goals,
        said="Plan of care written: send it and record its certification.",
        then=_back("plan", case),
        page=lambda: _plan_form_page(request, case, form, goals, title="Write the plan of care"),
    )


def _plan_form_page(
    request: HttpRequest,
    case: Case,
    form: PlanForm,
    goals: list[GoalForm],
    *,
    title: str,
    action: str = "",
) -> HttpResponse:
    return render(
        request,
        "patients/clinical_plan_form.html",
        {
            "case": case,
            "patient": case.patient,
            "form": form,
            "goals": goals,
            "title": title,
            "action": action,
            "diagnoses": chart.diagnosis_rows(case),
        },
        status=400 if form.errors or any(g.errors for g in goals) else 200,
    )


@clinical_view
@require_http_methods(["GET", "POST"])
def edit_plan(request: HttpRequest, patient_id: int, case_id: int, plan_id: int) -> HttpResponse:
    case = _case(request, patient_id, case_id)
    current = _plan_of(case, plan_id)
    existing = {g.pk: g for g in current.goals.all()}
    data = posted(request)
    form = PlanForm(data, prefix="plan", instance=current, reason_required=True)
    goals = goal_forms(data, list(existing.values()), keep_ids=True)
    return edit_screen(
        request,
        form,
        lambda: do_update_plan_of_care(
            actor_of(request),
            form.save(commit=False),
            _goals(goals, existing),
            reason=form.cleaned_data["reason"],
        ),
        also=goals,
        said="Plan of care changed.",
        then=_back("plan", case),
        page=lambda: _plan_form_page(
            request, case, form, goals, title="Change the plan of care", action=request.path
        ),
    )


@clinical_view
@require_http_methods(["GET", "POST"])
def revise_plan(request: HttpRequest, patient_id: int, case_id: int, plan_id: int) -> HttpResponse:
    case = _case(request, patient_id, case_id)
    old = _plan_of(case, plan_id)
    data = posted(request)
    start = max(timezone.localdate(), old.start_date)
    form = PlanForm(
        data,
        prefix="plan",
        reason_required=True,
        initial={
            "start_date": start,
            "certified_through": start + dt.timedelta(days=old.duration_weeks * 7 - 1),
            "frequency_per_week": old.frequency_per_week,
            "duration_weeks": old.duration_weeks,
            "interventions": old.interventions,
            "certifier_name": old.certifier_name,
            "certifier_npi": old.certifier_npi,
        },
    )
    goals = goal_forms(data, list(old.goals.all()), keep_ids=False)
    return edit_screen(
        request,
        form,
        lambda: do_revise_plan_of_care(
            actor_of(request),
            old,
            form.save(commit=False),
            _goals(goals, {}),
            reason=form.cleaned_data["reason"],
        ),
        also=goals,
        said="Revised plan written: it needs its own certification.",
        then=_back("plan", case),
        page=lambda: _plan_form_page(
            request,
            case,
            form,
            goals,
            title="Revise or recertify the plan of care",
            action=request.path,
        ),
    )


@see_view
@require_POST
def certify_plan(request: HttpRequest, patient_id: int, case_id: int, plan_id: int) -> HttpResponse:
    case = _case(request, patient_id, case_id)
    current = _plan_of(case, plan_id)
    form = CertificationForm(request.POST, prefix="cert")

    def certify() -> Any:
        data = form.cleaned_data
        return do_record_certification(
            actor_of(request),
            current,
            kind=CertificationKind(data["kind"]),
            signed_on=data.get("signed_on"),
            order_signed_on=data.get("order_signed_on"),
            delay_reason=data.get("delay_reason") or "",
            certifier_name=data.get("certifier_name") or current.certifier_name,
            certifier_npi=data.get("certifier_npi") or current.certifier_npi,
        )

    return edit_screen(
        request,
        form,
        certify,
        said="Certification recorded: notes under this plan can be signed.",
        then=_back("plan", case, "certification"),
        page=lambda: _plan_page(request, case, certify=form),
    )


@see_view
@require_POST
def send_plan(request: HttpRequest, patient_id: int, case_id: int, plan_id: int) -> HttpResponse:
    case = _case(request, patient_id, case_id)
    current = _plan_of(case, plan_id)
    form = DeliveryForm(request.POST, prefix="send")
    return edit_screen(
        request,
        form,
        lambda: do_record_plan_sent(actor_of(request), current, form.save(commit=False)),
        said="Recorded that the plan was sent.",
        then=_back("plan", case, "sending"),
        page=lambda: _plan_page(request, case, send=form),
    )


@see_view
def plan_pdf(request: HttpRequest, patient_id: int, case_id: int, plan_id: int) -> HttpResponse:
    case = _case(request, patient_id, case_id)
    current = _plan_of(case, plan_id)
    staff = request.staff  # type: ignore[attr-defined]
    if paperwork_refusal(staff, case) is not None and not has_capability(
        staff.role, Capability.READ_NOTES
    ):
        raise Http404("no such plan of care")
    do_record_audit_event(
        actor_of(request),
        AuditAction.EXPORT,
        "plan_of_care",
        current.pk,
        patient_id=case.patient_id,
    )
    response = HttpResponse(render_plan_pdf(current), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="plan-of-care-{current.pk}.pdf"'
    return response
