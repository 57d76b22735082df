"""Money-in pages: import an 835, the files imported, denials by reason, write-offs over a
date range, underpayments. Billers and owners only."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cleannote.apps.organisations.access import staff_view
from cleannote.apps.organisations.roles import Capability
from cleannote.apps.remittance import selectors
from cleannote.apps.remittance.errors import RemittanceError
from cleannote.apps.remittance.forms import DateRangeForm, EraUploadForm
from cleannote.apps.remittance.tasks import import_835
from cleannote.platform.request_params import bounded_message, form_problem
from cleannote.web.tasks import enqueue

PAGE_SIZE = 100


@staff_view(Capability.POST_PAYMENTS)
def era_list(request: HttpRequest) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    files = list(selectors.era_files_of(organisation).select_related("imported_by")[:PAGE_SIZE])
    return render(request, "remittance/list.html", {"files": files, "form": EraUploadForm()})


@staff_view(Capability.POST_PAYMENTS)
@require_POST
def import_era(request: HttpRequest) -> HttpResponse:
    staff = request.staff  # type: ignore[attr-defined]
    form = EraUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, f"Nothing posted: {form_problem(form)}")
        return redirect("remittance:list")
    upload = form.cleaned_data["file"]
    try:
        queued = enqueue(
            import_835, staff.organisation.pk, upload.name, upload.read(), staff.user.pk
        )
    except RemittanceError as exc:
        messages.error(request, bounded_message(str(exc)))
    else:
        done = "queued for posting" if queued.job_id else "posted"
        messages.success(request, bounded_message(f"{upload.name} {done}."))
    return redirect("remittance:list")


@staff_view(Capability.POST_PAYMENTS)
def denials(request: HttpRequest) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    return render(
        request, "remittance/denials.html", {"groups": selectors.denials_worklist(organisation)}
    )


@staff_view(Capability.POST_PAYMENTS)
def write_offs(request: HttpRequest) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    today = timezone.localdate()
    form = DateRangeForm(
        request.GET or {"start": today.replace(day=1).isoformat(), "end": today.isoformat()}
    )
    rows = []
    if form.is_valid():
        start: dt.date = form.cleaned_data["start"]
        end: dt.date = form.cleaned_data["end"]
        rows = selectors.write_off_report(organisation, start, end)
    return render(
        request,
        "remittance/write_offs.html",
        {"form": form, "rows": rows, "total": sum(r.total for r in rows)},
    )


@staff_view(Capability.POST_PAYMENTS)
def underpayment_list(request: HttpRequest) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    lines = list(selectors.underpayments(organisation)[:PAGE_SIZE])
    return render(request, "remittance/underpayments.html", {"lines": lines})
