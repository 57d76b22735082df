"""The day list: every appointment of a day with the patient's newest coverage check."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from cleannote.apps.organisations.access import staff_view
from cleannote.apps.organisations.roles import Capability
from cleannote.apps.scheduling.selectors import appointments_on, coverage_by_patient
from cleannote.platform.request_params import param_date


def _day(request: HttpRequest) -> dt.date:
    """`?day=` (a date from 1900 to 2100, else a 400), today when absent."""
    return param_date(request.GET, "day") or timezone.localdate()


@staff_view(Capability.SEE_PATIENTS)
def day_list(request: HttpRequest) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    day = _day(request)
    appointments = list(appointments_on(organisation, day))
    statuses = coverage_by_patient(organisation.pk, {a.patient_id for a in appointments})
    rows = [(a, statuses.get(a.patient_id)) for a in appointments]
    return render(
        request,
        "scheduling/day.html",
        {
            "day": day,
            "rows": rows,
            "previous": day - dt.timedelta(days=1),
            "next": day + dt.timedelta(days=1),
        },
    )
