"""Eligibility pages: recent checks and 271 upload, one check, ask about one coverage, run a
day's checks in the background, record a manual verification, HETS enrollments."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cleannote.apps.audit.actions import do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.eligibility import selectors
from cleannote.apps.eligibility.actions import (
    CARRIER_SKIP_NOTE,
    Question,
    do_add_hets_enrollment,
    do_build_270,
    do_file_270,
    do_record_271,
    do_record_manual_verification,
    next_clinic_day,
    open_case_discipline,
)
from cleannote.apps.eligibility.errors import EligibilityError
from cleannote.apps.eligibility.forms import (
    DayForm,
    HetsEnrollmentForm,
    ManualVerificationForm,
    ResponseUploadForm,
)
from cleannote.apps.eligibility.tasks import check_appointments_on, check_next_clinic_day
from cleannote.apps.exchange.clearinghouse import filing_adapter
from cleannote.apps.organisations.access import actor_of, staff_view
from cleannote.apps.organisations.roles import Capability
from cleannote.apps.patients.coverage_order import PROPERTY_AND_CASUALTY
from cleannote.apps.patients.models import Coverage
from cleannote.platform.request_params import bounded_message, form_problem
from cleannote.platform.tasks import enqueue


def _coverage(request: HttpRequest, coverage_id: int) -> Coverage:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    coverage = (
        Coverage.objects.select_related("patient")
        .filter(pk=coverage_id, patient__organisation=organisation)
        .first()
    )
    if coverage is None:
        raise Http404("no such coverage")
    return coverage


@staff_view(Capability.CHECK_ELIGIBILITY)
def eligibility_home(request: HttpRequest) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    return render(
        request,
        "eligibility/home.html",
        {
            "checks": selectors.recent_checks(organisation),
            "enrollments": list(selectors.enrollments_of(organisation)),
            "upload_form": ResponseUploadForm(),
            "day_form": DayForm(initial={"day": timezone.localdate()}),
            "hets_form": HetsEnrollmentForm(),
        },
    )


@staff_view(Capability.CHECK_ELIGIBILITY)
@require_POST
def upload_271(request: HttpRequest) -> HttpResponse:
    form = ResponseUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, f"No 271 recorded: {form_problem(form)}")
        return redirect("eligibility:home")
    upload = form.cleaned_data["file"]
    try:
        checks = do_record_271(actor_of(request), upload.read(), file_name=upload.name)
    except EligibilityError as exc:
        messages.error(request, bounded_message(str(exc)))
    else:
        messages.success(
            request, bounded_message(f"Recorded {len(checks)} answer(s) from {upload.name}.")
        )
    return redirect("eligibility:home")


@staff_view(Capability.CHECK_ELIGIBILITY)
@require_POST
def check_coverage(request: HttpRequest, coverage_id: int) -> HttpResponse:
    coverage = _coverage(request, coverage_id)
    form = DayForm(request.POST)
    if form.is_valid():
        day = form.cleaned_data["day"]
    elif request.POST.get("day"):
        messages.error(request, f"No eligibility request: {form_problem(form)}")
        return redirect("patients:chart", patient_id=coverage.patient_id)
    else:
        day = timezone.localdate()
    if coverage.kind in PROPERTY_AND_CASUALTY:
        note = CARRIER_SKIP_NOTE.format(payer=coverage.payer_name, kind=coverage.get_kind_display())
        messages.error(request, f"No eligibility request sent. {note}")
        return redirect("patients:chart", patient_id=coverage.patient_id)
    actor = actor_of(request)
    try:
        question = Question(coverage, day, discipline=open_case_discipline(coverage.patient))
        (check,) = do_build_270(actor, [question])
        adapter = filing_adapter(actor.organisation.pk)
        if adapter is not None:  # with SFTP, the exchange's poll files it (ADR 0700)
            do_file_270(actor, check.request_file, adapter)  # type: ignore[arg-type]
    except EligibilityError as exc:
        messages.error(request, str(exc))
        return redirect("patients:chart", patient_id=coverage.patient_id)
    if check.warning:
        messages.warning(request, check.warning)
    sent = "sent" if adapter is not None else "queued for the clearinghouse"
    messages.success(request, f"Eligibility request {check.trace_number} {sent}.")
    return redirect("patients:chart", patient_id=coverage.patient_id)


@staff_view(Capability.CHECK_ELIGIBILITY)
@require_POST
def run_day(request: HttpRequest) -> HttpResponse:
    staff = request.staff  # type: ignore[attr-defined]
    form = DayForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Choose the day to check: {form_problem(form)}")
        return redirect("eligibility:home")
    day = form.cleaned_data["day"]
    try:
        queued = enqueue(
            check_appointments_on, staff.organisation.pk, day.isoformat(), staff.user.pk
        )
    except EligibilityError as exc:
        messages.error(request, str(exc))
        return redirect("eligibility:home")
    if queued.job_id or queued.on_commit:
        messages.success(request, f"Eligibility run for {day.isoformat()} queued.")
    else:
        count = len(queued.result)  # type: ignore[arg-type]
        messages.success(request, f"Sent {count} eligibility request(s) for {day.isoformat()}.")
    return redirect("eligibility:home")


@staff_view(Capability.CHECK_ELIGIBILITY)
@require_POST
def run_tomorrow(request: HttpRequest) -> HttpResponse:
    """The schedule's "Check tomorrow's eligibility": the next clinic day's run (ADR 0633)."""
    staff = request.staff  # type: ignore[attr-defined]
    today = timezone.localdate()
    queued = enqueue(check_next_clinic_day, staff.organisation.pk, today.isoformat(), staff.user.pk)
    if queued.job_id or queued.on_commit:
        day = next_clinic_day(staff.organisation, today)
        messages.success(request, f"Eligibility run for {day.isoformat()} queued.")
    else:
        result: dict[str, Any] = queued.result  # type: ignore[assignment]
        day = dt.date.fromisoformat(result["day"])
        asked, skipped, fresh = len(result["asked"]), len(result["skipped"]), result["fresh"]
        text = f"Sent {asked} eligibility request(s) for {day.isoformat()}"
        if skipped:
            text += f"; {skipped} auto or injury carrier(s) not asked (they do not answer)"
        if fresh:
            text += f"; {fresh} patient(s) not asked again, their answer is under a week old"
        messages.success(request, text + ".")
    return redirect(f"{reverse('scheduling:day')}?day={day.isoformat()}")


@staff_view(Capability.CHECK_ELIGIBILITY)
def check_detail(request: HttpRequest, check_id: int) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    check = selectors.check_detail(organisation, check_id)
    if check is None:
        raise Http404("no such eligibility check")
    do_record_audit_event(
        actor_of(request),
        AuditAction.VIEW,
        "eligibility_check",
        check.pk,
        patient_id=check.patient_id,
    )
    return render(request, "eligibility/detail.html", {"check": check})


@staff_view(Capability.CHECK_ELIGIBILITY)
@require_http_methods(["GET", "POST"])
def verify_coverage(request: HttpRequest, coverage_id: int) -> HttpResponse:
    coverage = _coverage(request, coverage_id)
    form = ManualVerificationForm(
        request.POST or None, initial={"verified_for": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            do_record_manual_verification(
                actor_of(request),
                coverage=coverage,
                verified_for=data["verified_for"],
                source=data["source"],
                active=data["active"],
                notes=data["notes"],
                reference=data["reference"],
                visits_remaining=data["visits_remaining"],
                copay=data["copay"],
            )
        except EligibilityError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Manual verification recorded.")
            return redirect("patients:chart", patient_id=coverage.patient_id)
    return render(request, "eligibility/verify.html", {"form": form, "coverage": coverage})


@staff_view(Capability.POST_PAYMENTS)
@require_POST
def add_hets_enrollment(request: HttpRequest) -> HttpResponse:
    form = HetsEnrollmentForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{field}: {' '.join(str(e) for e in errors)}")
        return redirect("eligibility:home")
    try:
        do_add_hets_enrollment(actor_of(request), **form.cleaned_data)
    except EligibilityError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "HETS enrollment added.")
    return redirect("eligibility:home")
