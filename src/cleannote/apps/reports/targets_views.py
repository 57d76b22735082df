"""The report targets page: the owner sets what each report compares with, for the whole
clinic or for one location (ADR 0802)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from cleannote.apps.organisations.access import actor_of, staff_view
from cleannote.apps.organisations.models import Location
from cleannote.apps.organisations.roles import Capability
from cleannote.apps.reports.targets import TargetErrors, do_set_report_targets, saved_targets
from cleannote.platform.request_params import BadRequestParameter, param_id
from cleannote.rules import reporting


@dataclass(frozen=True)
class TargetField:
    key: str
    label: str
    direction: str  # "at least" or "at most"
    default: str  # what a blank means here: the default, or for a location the clinic's
    value: str  # what the input shows
    error: str
    unit: str


def _location(request: HttpRequest, params: Mapping[str, Any]) -> Location | None:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    chosen = param_id(params, "location")
    if chosen is None:
        return None
    location = Location.objects.filter(organisation=organisation, pk=chosen).first()
    if location is None:
        raise BadRequestParameter("location", "is not one of this clinic's locations")
    return location


def _shown(value: object) -> str:
    return "" if value is None else str(value)


@staff_view(Capability.SET_REPORT_TARGETS)
def targets(request: HttpRequest) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    params = request.POST if request.method == "POST" else request.GET
    location = _location(request, params)
    errors: dict[str, str] = {}
    typed: dict[str, str] = {}
    if request.method == "POST":
        typed = {key: request.POST.get(key, "") for key in reporting.DEFAULT_TARGETS}
        try:
            do_set_report_targets(actor_of(request), organisation, typed, location=location)
        except TargetErrors as refused:
            errors = refused.by_field
        else:
            where = location.name if location is not None else "the clinic"
            messages.success(request, f"Saved the report targets for {where}.")
            url = reverse("reports:targets")
            return redirect(f"{url}?location={location.pk}" if location is not None else url)
    clinic, located = saved_targets(organisation, location.pk if location else None)
    mine = located if location is not None else clinic
    fields = []
    for key, default in reporting.DEFAULT_TARGETS.items():
        blank_means = clinic.get(key, default.value) if location is not None else default.value
        fields.append(
            TargetField(
                key=key,
                label=reporting.FIGURES[key].label,
                direction="at least" if default.at_least else "at most",
                default=str(blank_means),
                value=typed[key] if key in typed else _shown(mine.get(key)),
                error=errors.get(key, ""),
                unit="%" if key in reporting.PERCENT_FIGURES else "",
            )
        )
    return render(
        request,
        "reports/targets.html",
        {
            "fields": fields,
            "errors": [f for f in fields if f.error],
            "location": location,
            "locations": organisation.locations.order_by("name"),
            "definitions": reporting.definitions(*reporting.DEFAULT_TARGETS),
        },
    )
