"""How a report reads its daily summaries (ADR 0850, 0856): the organisation's run, a summary
table's rows for the filters' closed days, and the filters of the days after them, which the
report counts live with its own grouped queries."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from cleannote.apps.reports.models import ReportSummaryRun
from cleannote.apps.reports.scope import ReportFilters


def summary_run(filters: ReportFilters) -> ReportSummaryRun | None:
    """The organisation's run when it holds a day of the period, else None."""
    run = ReportSummaryRun.objects.filter(organisation=filters.organisation).first()
    return run if run is not None and run.through >= filters.start else None


def summary_rows(filters: ReportFilters, model: Any, through: dt.date) -> Any:
    """A summary table's rows for the filters' days up to `through` (a payer filter asks the
    table's `payer_id`: only tables with one are read with it)."""
    rows = model.objects.filter(
        organisation=filters.organisation,
        day__gte=filters.start,
        day__lte=min(filters.end, through),
    )
    return narrowed(filters, rows)


def narrowed(filters: ReportFilters, rows: Any) -> Any:
    """Summary rows kept to the filters' locations, clinician, discipline and payer."""
    if (places := filters.location_scope()) is not None:
        rows = rows.filter(location_id__in=places)
    if filters.clinician_id:
        rows = rows.filter(clinician_id=filters.clinician_id)
    if filters.discipline:
        rows = rows.filter(discipline=filters.discipline)
    if filters.payer_id:
        rows = rows.filter(payer_id=filters.payer_id)
    return rows.order_by()


def live_part(filters: ReportFilters, through: dt.date | None) -> ReportFilters | None:
    """The filters for the days after the summaries' last (None when they hold them all)."""
    if through is None:
        return filters
    if through >= filters.end:
        return None
    return dataclasses.replace(filters, start=through + dt.timedelta(days=1))
