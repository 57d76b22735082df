"""The reports' daily summaries (ADR 0850): for each closed day, what the productivity and
modifier 59 reports count, per location, clinician and discipline (and payer for the 59/X
monitor), so a year's page adds up a few thousand rows instead of counting a year of visits.

`refresh_summaries` recounts given days with the live reports' own grouped queries (grouped by
day as well), so a summary row holds exactly what the live query counts for its day. The
pages read the summaries up to the run's `through` day and count the days after it live.
Two runs at once for one organisation take turns (`platform.locks`), and a rerun replaces the
same rows: the refresh is idempotent.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max, Min
from django.db.models.functions import TruncDate
from django.utils import timezone

from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.claims.models import Claim
from cleannote.apps.claims.therapy_ytd import count_medicare_therapy
from cleannote.apps.notes.models import Note
from cleannote.apps.organisations.models import Organisation
from cleannote.apps.remittance.denial_models import Denial
from cleannote.apps.reports import financial, modifier59, productivity
from cleannote.apps.reports.models import (
    DenialReasonDay,
    FinancialDay,
    Modifier59Day,
    Modifier59PairDay,
    PaidCodeDay,
    ProductivityDay,
    ReceivableDay,
    ReportSummaryRun,
)
from cleannote.apps.reports.scope import ReportFilters
from cleannote.apps.scheduling.models import Appointment
from cleannote.platform.locks import LockScope, hold
from cleannote.rules.visit import DISCIPLINE_OF_CREDENTIAL, Credential

# Closed days recounted by every run besides those whose notes changed (late claims, lines
# and appointment outcomes have no change time of their own).
RECENT_DAYS = 14

# The tables counted per day of service, recounted together.
DAY_TABLES = (ProductivityDay, Modifier59Day, Modifier59PairDay, FinancialDay, DenialReasonDay,
              PaidCodeDay)  # fmt: skip

COUNTERS = ("visits", "evaluations", "signed_same_day", "signed_next_day", "billed_visits",
            "units", "timed_units", "booked", "cancelled", "no_show", "arrived")  # fmt: skip


def _discipline_of(credential: str) -> str:
    return DISCIPLINE_OF_CREDENTIAL[Credential(credential)].value if credential else ""


def _productivity_days(filters: ReportFilters) -> list[ProductivityDay]:
    keys = productivity.NOTE_DAY_KEYS
    rows: dict[tuple[Any, ...], ProductivityDay] = {}

    def row(key: tuple[Any, ...]) -> ProductivityDay:
        if key not in rows:
            day, location, clinician, discipline = key
            rows[key] = ProductivityDay(
                organisation=filters.organisation, day=day, location_id=location,
                clinician_id=clinician, discipline=discipline or "",
                **dict.fromkeys(COUNTERS, 0),
            )  # fmt: skip
        return rows[key]

    for r in productivity.signed_counts(filters, keys):
        target = row(tuple(r[k] for k in keys))
        target.visits, target.evaluations = r["visits"], r["evaluations"]
        target.documentation = r["seconds"]
    for r in productivity.signature_lags(filters, keys):
        target = row(tuple(r[k] for k in keys))
        if r["lag"] <= 0:
            target.signed_same_day += r["n"]
        elif r["lag"] == 1:
            target.signed_next_day += r["n"]
    for r in productivity.unit_counts(filters, keys):
        target = row(tuple(r[f"claim__note__{k}"] for k in keys))
        target.billed_visits, target.units, target.timed_units = (
            r["billed"],
            r["all_units"],
            r["timed"],
        )
    zone = timezone.get_current_timezone()
    appointment_rows = productivity.appointment_counts(
        filters, "location_id", "staff_id", "staff__credential", day=TruncDate("start", tzinfo=zone)
    )
    for r in appointment_rows:
        discipline = _discipline_of(r["staff__credential"])
        target = row((r["day"], r["location_id"], r["staff_id"], discipline))
        target.booked, target.cancelled = r["booked"], r["cancelled"]
        target.no_show, target.arrived = r["no_show"], r["arrived"]
    return list(rows.values())


def _modifier_days(filters: ReportFilters) -> tuple[list[Modifier59Day], list[Modifier59PairDay]]:
    keys = modifier59.DAY_KEYS
    counted = [
        Modifier59Day(
            organisation=filters.organisation,
            day=r[keys[0]],
            location_id=r[keys[1]],
            clinician_id=r[keys[2]],
            discipline=r[keys[3]] or "",
            payer_id=r["claim__payer_id"],
            payer_name=r["payer_name"] or "",
            claims=r["claim_count"],
            claims_59=r["claims_59"],
            lines=r["line_count"],
            lines_59=r["lines_59"],
        )
        for r in modifier59.line_counts(filters, keys, named=True)
    ]
    pairs: dict[tuple[Any, ...], int] = defaultdict(int)
    for r in modifier59.pair_counts(filters, keys):
        pairs[(*tuple(r[k] for k in keys), r["claim__lines__code"], r["code"])] += r["n"]
    paired = [
        Modifier59PairDay(
            organisation=filters.organisation,
            day=key[0],
            location_id=key[1],
            clinician_id=key[2],
            discipline=key[3] or "",
            payer_id=key[4],
            column_one=key[5],
            column_two=key[6],
            lines=n,
        )
        for key, n in pairs.items()
    ]
    return counted, paired


def _keyed(organisation: Organisation, r: dict[str, Any], prefix: str, day: str) -> Any:
    """A financial summary row's key columns from a grouped row (no clinician: the row of
    every clinician)."""
    return {
        "organisation": organisation,
        "day": r[day],
        "location_id": r[f"{prefix}location_id" if day == "aged_from" else
                         f"{prefix}note__location_id"],
        "clinician_id": r.get(f"{prefix}note__therapist_id"),
        "discipline": r[f"{prefix}note__case__discipline"] or "",
    }  # fmt: skip


@dataclass
class MoneyDays:
    days: list[FinancialDay] = field(default_factory=list)
    reasons: list[DenialReasonDay] = field(default_factory=list)
    codes: list[PaidCodeDay] = field(default_factory=list)

    def count(self) -> int:
        return len(self.days) + len(self.reasons) + len(self.codes)


def _financial_days(filters: ReportFilters) -> MoneyDays:
    """The financial report's rows of the filters' days (ADR 0856), counted by its own
    grouped queries: per clinician, and for every clinician at once."""
    organisation = filters.organisation
    rows = MoneyDays()
    for keys in (financial.CLAIM_DAY_KEYS, financial.CLINIC_DAY_KEYS):
        adjusted = {
            (*(r[f"claim__{k}"] for k in keys), r["claim__payer_id"]): r
            for r in financial.period_adjustments(filters, keys)
        }
        for r in financial.period_counts(filters, keys):
            money = adjusted.get((*(r[k] for k in keys), r["payer_id"]), {})
            rows.days.append(
                FinancialDay(
                    **_keyed(organisation, r, "", "note__date_of_service"),
                    payer_id=r["payer_id"], payer_name=r["name"] or "", claims=r["n"],
                    charges=r["charged"], payments=r["paid"], adjudicated=r["adjudicated_n"],
                    adjudicated_charges=r["adjudicated_charged"], sent=r["sent_n"],
                    sent_clean=r["clean_n"], denied=r["denied_n"],
                    contractual=money.get("contractual", 0),
                    other_adjustments=money.get("other", 0),
                )
            )  # fmt: skip
        rows.reasons.extend(
            DenialReasonDay(
                **_keyed(organisation, r, "claim__", "claim__note__date_of_service"),
                payer_id=r["claim__payer_id"], payer_name=r["claim__payer_name"],
                group=r["group"], reason=r["reason"], claims=r["claim_count"],
                amount=r["total"],
            )
            for r in financial.denial_counts(filters, keys)
        )  # fmt: skip
        line = "claim_line__claim__"
        rows.codes.extend(
            PaidCodeDay(
                **_keyed(organisation, r, line, f"{line}note__date_of_service"),
                payer_id=r[f"{line}payer_id"], payer_name=r[f"{line}payer_name"],
                code=r["claim_line__code"], paid=r["paid"], units=r["posted_units"],
            )
            for r in financial.code_postings(filters, keys)
        )  # fmt: skip
    return rows


def _receivable_days(organisation: Organisation, today: dt.date) -> list[ReceivableDay]:
    """The insurance A/R of the organisation's open claims now, per day their age counts
    from, claim location, discipline and payer: per clinician, and for every clinician."""
    filters = ReportFilters(organisation=organisation, start=today, end=today, today=today)
    rows: dict[tuple[Any, ...], ReceivableDay] = {}

    def row(columns: dict[str, Any], payer_id: str) -> ReceivableDay:
        key = (*columns.values(), payer_id)
        if key not in rows:
            rows[key] = ReceivableDay(
                **columns, payer_id=payer_id, payer_name="", owed=0, adjusted=0
            )
        return rows[key]

    for keys in (financial.RECEIVABLE_KEYS, financial.CLINIC_RECEIVABLE_KEYS):
        for r in financial.receivables(filters, keys):
            target = row(_keyed(organisation, r, "", "aged_from"), r["payer_id"])
            target.owed, target.payer_name = r["balance"], r["name"] or ""
        for r in financial.receivable_adjustments(filters, keys):
            columns = _keyed(organisation, r, "claim__", "aged_from")
            row(columns, r["claim__payer_id"]).adjusted = r["adjusted"]
    return list(rows.values())


def refresh_receivables(organisation: Organisation, today: dt.date, audit_mark: int) -> int:
    """Replace the organisation's A/R snapshot with its open claims as they stand, and note
    the audit event the run started after (`audit_mark`); returns the rows written."""
    with transaction.atomic():
        hold(LockScope.REPORT_SUMMARIES, organisation.pk)
        ReceivableDay.objects.filter(organisation=organisation).delete()
        rows = ReceivableDay.objects.bulk_create(
            _receivable_days(organisation, today), batch_size=2000
        )
        ReportSummaryRun.objects.filter(organisation=organisation).update(audit_mark=audit_mark)
    return len(rows)


def refresh_summaries(
    organisation: Organisation,
    first: dt.date,
    last: dt.date,
    today: dt.date,
    started: dt.datetime | None = None,
) -> int:
    """Recount the summaries of the days `first` to `last` (closed days: `last` before
    `today`) and note the run as of `started` (a note changed after it is recounted by the
    next run); returns the rows written."""
    started = started or timezone.now()
    last = min(last, today - dt.timedelta(days=1))
    with transaction.atomic():
        hold(LockScope.REPORT_SUMMARIES, organisation.pk)
        written = 0
        if first <= last:
            filters = ReportFilters(organisation=organisation, start=first, end=last, today=today)
            for model in DAY_TABLES:
                model.objects.filter(
                    organisation=organisation, day__gte=first, day__lte=last
                ).delete()
            days = _productivity_days(filters)
            counted, paired = _modifier_days(filters)
            ProductivityDay.objects.bulk_create(days, batch_size=2000)
            Modifier59Day.objects.bulk_create(counted, batch_size=2000)
            Modifier59PairDay.objects.bulk_create(paired, batch_size=2000)
            money = _financial_days(filters)
            FinancialDay.objects.bulk_create(money.days, batch_size=2000)
            DenialReasonDay.objects.bulk_create(money.reasons, batch_size=2000)
            PaidCodeDay.objects.bulk_create(money.codes, batch_size=2000)
            written = len(days) + len(counted) + len(paired) + money.count()
        run = ReportSummaryRun.objects.filter(organisation=organisation).first()
        through = today - dt.timedelta(days=1)
        if run is None:
            ReportSummaryRun.objects.create(
                organisation=organisation, through=through, refreshed_at=started
            )
        else:
            run.through, run.refreshed_at = max(run.through, through), started
            run.save(update_fields=["through", "refreshed_at"])
    return written


def _first_day(organisation: Organisation, today: dt.date) -> dt.date:
    """The clinic's first day with a visit or an appointment."""
    notes = Note.objects.filter(patient__organisation=organisation).aggregate(
        first=Min("date_of_service")
    )["first"]
    booked = Appointment.objects.filter(organisation=organisation).aggregate(first=Min("start"))[
        "first"
    ]
    days = [d for d in (notes, timezone.localdate(booked) if booked else None) if d is not None]
    return min(days) if days else today


def _changed_days(
    organisation: Organisation, run: ReportSummaryRun, before: dt.date
) -> set[dt.date]:
    """Days of service before `before` whose notes changed since the run, or whose claims
    did (a claim's every change writes an audit event: posted payments, denials,
    rejections, batches)."""
    days = set(
        Note.objects.filter(
            patient__organisation=organisation,
            updated_at__gte=run.refreshed_at,
            date_of_service__lt=before,
        )
        .order_by()
        .values_list("date_of_service", flat=True)
        .distinct()
    )
    # A claim's every change writes an audit event on the claim (posted payments, batches,
    # rejections, voids), the denial worked on it one on the denial.
    changed: dict[str, set[int]] = {"claim": set(), "denial": set()}
    for kind, object_id in (
        AuditEvent.objects.filter(
            organisation=organisation, pk__gt=run.audit_mark, object_type__in=tuple(changed)
        )
        .order_by()
        .values_list("object_type", "object_id")
    ):
        if object_id.isdigit():
            changed[kind].add(int(object_id))
    for model, ids, day in (
        (Claim, sorted(changed["claim"]), "note__date_of_service"),
        (Denial, sorted(changed["denial"]), "claim__note__date_of_service"),
    ):
        for chunk in range(0, len(ids), 5000):
            days.update(
                model.objects.filter(
                    organisation=organisation,
                    pk__in=ids[chunk : chunk + 5000],
                    **{f"{day}__lt": before},
                )
                .order_by()
                .values_list(day, flat=True)
                .distinct()
            )
    return days


def _spans(days: set[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """The days as runs of consecutive days (first, last), each recounted at once."""
    spans: list[tuple[dt.date, dt.date]] = []
    for day in sorted(days):
        if spans and spans[-1][1] + dt.timedelta(days=1) == day:
            spans[-1] = (spans[-1][0], day)
        else:
            spans.append((day, day))
    return spans


def refresh_organisation(
    organisation: Organisation, today: dt.date, *, rebuild: bool = False, days: int = RECENT_DAYS
) -> int:
    """The nightly refresh: every day on the first run (or `rebuild`, or a run from before
    the financial summaries: no audit mark); else the last `days` closed days and every day
    whose notes or claims changed since the last run; then the A/R snapshot. Returns rows
    written."""
    started = timezone.now()
    mark = AuditEvent.objects.filter(organisation=organisation).aggregate(last=Max("pk"))["last"]
    # The compliance report's year of Medicare therapy charges (ADR 0861): counted whole.
    count_medicare_therapy(organisation, today.year, started)
    run = ReportSummaryRun.objects.filter(organisation=organisation).first()
    if run is None or rebuild or not run.audit_mark:
        first = _first_day(organisation, today)
        written = refresh_summaries(organisation, first, today, today, started)
    else:
        recent = today - dt.timedelta(days=days)
        written = refresh_summaries(organisation, recent, today, today, started)
        for first, last in _spans(_changed_days(organisation, run, recent)):
            written += refresh_summaries(organisation, first, last, today, started)
    return written + refresh_receivables(organisation, today, mark or 0)


def as_of(organisation: Organisation, start: dt.date) -> str:
    """What a page says of the summaries it read (empty when it read none)."""
    run = ReportSummaryRun.objects.filter(organisation=organisation).first()
    if run is None or run.through < start:
        return ""
    at = timezone.localtime(run.refreshed_at).strftime("%Y-%m-%d %H:%M")
    return (
        f"Days up to {run.through.isoformat()} are read from the daily summaries as of {at}; "
        "later days are counted as the page opens."
    )


def receivables_as_of(organisation: Organisation) -> str:
    """What the financial page says of its A/R when read from the run's snapshot (ADR 0856)."""
    run = ReportSummaryRun.objects.filter(organisation=organisation).first()
    if run is None:
        return ""
    at = timezone.localtime(run.refreshed_at).strftime("%Y-%m-%d %H:%M")
    return f"The A/R is as the daily summaries found it at {at}."
