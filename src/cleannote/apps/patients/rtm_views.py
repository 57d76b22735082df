"""The chart's remote therapeutic monitoring screen, one per case (ADR 0570): enrol under the
plan of care, days of data typed or imported from the app's CSV, management minutes with the
live contact, and what is billable now, each with the button that writes its note.

Scoped to the signed-in person's organisation (404 otherwise) and audited as a view; every
change goes through `rtm_actions` (403 with the reason for someone who may not make it). Each
form posts to its own address and comes back here (PRG); a refused form is drawn again on this
page with its errors (400), a refused CSV with every bad row listed.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cleannote.apps.audit.actions import do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.organisations.access import actor_of, staff_view
from cleannote.apps.organisations.roles import Capability
from cleannote.apps.patients.chart_edit import edit_screen, posted
from cleannote.apps.patients.clinical_views import _case, _may
from cleannote.apps.patients.models import Case, RtmEnrolment
from cleannote.apps.patients.rtm_actions import (
    RtmImportRefused,
    do_end_rtm,
    do_enrol_rtm,
    do_import_rtm_csv,
    do_record_rtm_days,
    do_record_rtm_time,
)
from cleannote.apps.patients.rtm_forms import DaysForm, EndForm, EnrolForm, ImportForm, TimeForm
from cleannote.apps.patients.rtm_selectors import billing_of, enrolment_of, enrolments_of_case

see_view = staff_view(Capability.SEE_PATIENTS)


def _enrolment(
    request: HttpRequest, patient_id: int, case_id: int, enrolment_id: int
) -> RtmEnrolment:
    found = enrolment_of(request.staff.organisation, patient_id, case_id, enrolment_id)  # type: ignore[attr-defined]
    if found is None:
        raise Http404("no such enrolment")
    return found


def _back(case: Case, anchor: str = "") -> HttpResponseRedirect:
    url = reverse("patients:rtm", args=[case.patient_id, case.pk])
    return HttpResponseRedirect(url + (f"#{anchor}" if anchor else ""))


@see_view
@require_http_methods(["GET", "POST"])
def rtm(request: HttpRequest, patient_id: int, case_id: int) -> HttpResponse:
    """The screen, and the enrolment form's answer."""
    case = _case(request, patient_id, case_id)
    data = posted(request)
    form = EnrolForm(data, case=case, prefix="enrol", initial=_enrol_initial(request, case))
    if data is None:
        do_record_audit_event(
            actor_of(request), AuditAction.VIEW, "rtm", case.pk, patient_id=case.patient_id
        )
    return edit_screen(
        request,
        form,
        lambda: do_enrol_rtm(actor_of(request), case, form.save(commit=False)),
        said=lambda e: f"Enrolled in remote monitoring as {e.reference}.",
        then=_back(case),
        page=lambda: _page(request, case, {"enrol": form}),
    )


def _enrol_initial(request: HttpRequest, case: Case) -> dict[str, Any]:
    staff = request.staff  # type: ignore[attr-defined]
    plan = case.plans_of_care.order_by("-start_date", "-id").first()
    return {
        "plan": plan,
        "start_date": timezone.localdate(),
        "supervising": staff if staff.credential else None,
    }


@see_view
@require_POST
def rtm_days(
    request: HttpRequest, patient_id: int, case_id: int, enrolment_id: int
) -> HttpResponse:
    enrolment = _enrolment(request, patient_id, case_id, enrolment_id)
    case = enrolment.case
    form = DaysForm(request.POST, prefix="days")
    return edit_screen(
        request,
        form,
        lambda: do_record_rtm_days(
            actor_of(request),
            enrolment,
            form.cleaned_data["first"],
            form.cleaned_data["last"],
            today=timezone.localdate(),
        ),
        said=lambda added: f"{added} new day(s) of data recorded.",
        then=_back(case, "data"),
        page=lambda: _page(request, case, {"days": form}),
    )


@see_view
@require_POST
def rtm_import(
    request: HttpRequest, patient_id: int, case_id: int, enrolment_id: int
) -> HttpResponse:
    enrolment = _enrolment(request, patient_id, case_id, enrolment_id)
    case = enrolment.case
    form = ImportForm(request.POST, request.FILES, prefix="import")

    def change() -> int:
        try:
            return do_import_rtm_csv(
                actor_of(request), enrolment, form.cleaned_data["file"], today=timezone.localdate()
            )
        except RtmImportRefused as refused:
            raise ValidationError({"file": [str(p) for p in refused.problems]}) from refused

    return edit_screen(
        request,
        form,
        change,
        said=lambda added: f"File imported: {added} new day(s) of data.",
        then=_back(case, "data"),
        page=lambda: _page(request, case, {"import": form}),
    )


@see_view
@require_POST
def rtm_time(
    request: HttpRequest, patient_id: int, case_id: int, enrolment_id: int
) -> HttpResponse:
    enrolment = _enrolment(request, patient_id, case_id, enrolment_id)
    case = enrolment.case
    form = TimeForm(request.POST, prefix="time")
    return edit_screen(
        request,
        form,
        lambda: do_record_rtm_time(
            actor_of(request),
            enrolment,
            day=form.cleaned_data["day"],
            minutes=form.cleaned_data["minutes"],
            contact=form.cleaned_data["contact"],
            note=form.cleaned_data["note"],
            today=timezone.localdate(),
        ),
        said=lambda e: f"{e.minutes} minutes recorded.",
        then=_back(case, "time"),
        page=lambda: _page(request, case, {"time": form}),
    )


@see_view
@require_POST
def rtm_end(request: HttpRequest, patient_id: int, case_id: int, enrolment_id: int) -> HttpResponse:
    enrolment = _enrolment(request, patient_id, case_id, enrolment_id)
    case = enrolment.case
    form = EndForm(request.POST, prefix="end")
    return edit_screen(
        request,
        form,
        lambda: do_end_rtm(
            actor_of(request),
            enrolment,
            form.cleaned_data["end_date"],
            reason=form.cleaned_data["reason"],
        ),
        said="Monitoring ended.",
        then=_back(case),
        page=lambda: _page(request, case, {"end": form}),
    )


def _page(request: HttpRequest, case: Case, posted_forms: dict[str, BaseForm]) -> HttpResponse:
    today = timezone.localdate()
    enrolments = enrolments_of_case(case.pk)
    current = enrolments[0] if enrolments else None
    forms: dict[str, BaseForm] = {
        "enrol": EnrolForm(case=case, prefix="enrol", initial=_enrol_initial(request, case)),
        "days": DaysForm(prefix="days", initial={"first": today, "last": today}),
        "import": ImportForm(prefix="import"),
        "time": TimeForm(prefix="time", initial={"day": today}),
        "end": EndForm(prefix="end", initial={"end_date": today}),
    }
    forms.update(posted_forms)
    errors = any(form.errors for form in posted_forms.values())
    billing = billing_of(current, today) if current is not None else None
    return render(
        request,
        "patients/clinical_rtm.html",
        {
            "case": case,
            "patient": case.patient,
            "enrolment": current,
            "earlier": enrolments[1:],
            "running": current is not None and current.end_date is None,
            "billing": billing,
            "bills": billing.bills() if billing is not None else (),
            "time": _time_rows(current),
            "forms": forms,
            "today": today,
            "may": _may(request, case),
        },
        status=400 if errors else 200,
    )


def _time_rows(enrolment: RtmEnrolment | None) -> list[Any]:
    if enrolment is None:
        return []
    return list(enrolment.time.select_related("staff__user").order_by("-day", "-id")[:60])
