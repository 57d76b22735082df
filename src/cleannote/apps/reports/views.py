"""The reports pages: the list, each report (filters, chart, table, definitions, CSV at the
same address with `?format=csv`) and the owner's dashboard.

Every page records one audit row: `list` for a page, `export` for a CSV, naming the report;
a page that names patients' notes (the 59/X monitor's notes to review) lists those patients.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from cleannote.apps.audit.actions import do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.claims.models import Claim
from cleannote.apps.organisations.access import actor_of, staff_view
from cleannote.apps.organisations.models import Organisation, Staff
from cleannote.apps.organisations.roles import Capability
from cleannote.apps.payers.models import Payer
from cleannote.apps.reports import compliance, financial, modifier59, productivity, summaries
from cleannote.apps.reports.charts import Chart, bar_chart
from cleannote.apps.reports.scope import ReportFilters, may_see_reports, read_filters
from cleannote.apps.reports.targets import report_targets
from cleannote.platform.money import format_money
from cleannote.platform.replica import replica_reading, replica_reads
from cleannote.rules import reporting
from cleannote.rules.reporting import Figure, Target
from cleannote.rules.visit import Discipline

REFUSAL = "reports are for the owner, billers and clinicians (who see their own figures)"


@dataclass
class Cell:
    text: str
    raw: str  # what the CSV holds
    url: str = ""
    missed: bool = False  # a target this figure misses


@dataclass
class Table:
    caption: str
    headers: list[str]
    rows: list[list[Cell]]
    target_row: list[str] | None = None


@dataclass
class ReportPage:
    tables: list[Table]
    charts: list[Chart]
    figures: list[Figure]
    notes: list[str] = field(default_factory=list)
    shown_patient_ids: list[int] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Report:
    slug: str
    title: str
    summary: str
    build: Callable[[ReportFilters], ReportPage]


Targets = dict[str, Target]


def _targets(filters: ReportFilters) -> Targets:
    """The clinic's targets, or the chosen location's (ADR 0802)."""
    return report_targets(filters.organisation, filters.location_id)


def _target_row(keys: tuple[str, ...], targets: Targets) -> list[str]:
    return ["Clinic target", *(targets[k].text if k in targets else "" for k in keys)]


def _figure_cell(key: str, value: Any, targets: Targets) -> Cell:
    target = targets.get(key)
    missed = target.missed_by(value) if target is not None else False
    text = reporting.shown(key, value)
    return Cell(
        text=text + (" (misses target)" if missed else ""),
        raw="" if value is None else str(value),
        missed=missed,
    )


def _productivity_table(
    caption: str, first: str, rows: list[productivity.ProductivityRow], targets: Targets
) -> Table:
    keys = productivity.PRODUCTIVITY_FIGURES
    return Table(
        caption=caption,
        headers=[first, *(reporting.FIGURES[k].label for k in keys)],
        rows=[
            [Cell(r.name, r.name), *(_figure_cell(k, r.figures[k], targets) for k in keys)]
            for r in rows
        ],
        target_row=_target_row(keys, targets),
    )


def productivity_page(filters: ReportFilters) -> ReportPage:
    clinicians, locations = productivity.by_clinician_and_location(filters)
    targets = _targets(filters)
    target = targets["visits_per_day"].value
    chart = bar_chart(
        "Visits per day, by clinician",
        [r.name for r in clinicians],
        [
            ("Visits per day", [r.figures["visits_per_day"] for r in clinicians]),
            ("Clinic target", [target for _ in clinicians]),
        ],
    )
    timeliness = bar_chart(
        "Notes signed within 24 hours of the day of service (%)",
        [r.name for r in clinicians],
        [("Signed within 24 h", [r.figures["signed_within_24h"] for r in clinicians])],
        percent=True,
    )
    tables = [_productivity_table("By clinician", "Clinician", clinicians, targets)]
    if not filters.own_only:
        tables.append(_productivity_table("By location", "Location", locations, targets))
    return ReportPage(
        tables=tables,
        charts=[chart, timeliness],
        figures=reporting.definitions(*productivity.PRODUCTIVITY_FIGURES),
        notes=[
            "A payer filter keeps the visits billed to that payer; appointments have no payer, "
            "so the cancellation, no-show and arrival figures ignore it.",
            *_as_of(filters, payer_counted_live=True),
        ],
    )


MODIFIER_FIGURES = (
    "claims",
    "lines",
    "claims_59_share",
    "lines_59_share",
    "rest_lines_59_share",
    "finding",
)


def modifier_59_page(filters: ReportFilters) -> ReportPage:
    rows = modifier59.modifier_59(filters)
    shares = modifier59.shares_of(rows)
    chart = bar_chart(
        "Share of lines with modifier 59 or X, by clinician (%)",
        [name for name, _, _ in shares],
        [("Lines with 59/X", [share for _, share, _ in shares])],
        percent=True,
    )
    table = Table(
        caption="By clinician and payer",
        headers=["Clinician", "Payer", *(reporting.FIGURES[k].label for k in MODIFIER_FIGURES)],
        rows=[
            [
                Cell(r.name, r.name),
                Cell(r.payer_name, r.payer_name),
                *(_figure_cell(k, r.figures[k], {}) for k in MODIFIER_FIGURES[:-1]),
                Cell(
                    "Far above the rest: review" if r.finding else "—",
                    "far above the rest" if r.finding else "",
                    missed=r.finding,
                ),
            ]
            for r in rows
        ],
    )
    pairs = modifier59.code_pairs_59(filters)
    pair_table = Table(
        caption="Code pairs behind the modifiers",
        headers=["Clinician", "Billed with", "Code with 59/X", "Lines"],
        rows=[
            [Cell(p["clinician"], p["clinician"]), Cell(p["column_one"], p["column_one"]),
             Cell(p["column_two"], p["column_two"]), Cell(str(p["lines"]), str(p["lines"]))]
            for p in pairs
        ],
    )  # fmt: skip
    flagged = {r.clinician_id for r in rows if r.finding}
    claims = modifier59.notes_to_review(filters, flagged)
    review = Table(
        caption="Notes to review (clinicians far above the rest)",
        headers=["Date of service", "Clinician", "Payer", "Note", "Claim"],
        rows=[_review_row(c) for c in claims],
    )
    return ReportPage(
        tables=[table, pair_table, review],
        charts=[chart],
        figures=reporting.definitions(*MODIFIER_FIGURES),
        notes=_as_of(filters, payer_counted_live=False),
        shown_patient_ids=sorted({c.patient_id for c in claims}),
    )


def _as_of(filters: ReportFilters, *, payer_counted_live: bool) -> list[str]:
    """The note saying when the daily summaries the page read were made (ADR 0850)."""
    if payer_counted_live and filters.payer_id:
        return []
    note = summaries.as_of(filters.organisation, filters.start)
    return [note] if note else []


def _review_row(claim: Claim) -> list[Cell]:
    day = claim.date_of_service.isoformat()
    clinician = claim.note.therapist.display_name
    return [
        Cell(day, day),
        Cell(clinician, clinician),
        Cell(claim.payer_name, claim.payer_name),
        Cell(
            f"Note {claim.note_id}",
            str(claim.note_id),
            url=reverse("notes:detail", args=[claim.note_id]),
        ),
        Cell(f"Claim {claim.pk}", str(claim.pk), url=reverse("claims:detail", args=[claim.pk])),
    ]


MONEY_FIGURES = frozenset(
    {"charges", "payments", "contractual_adjustments", "other_adjustments", "ar_balance",
     "ar_over_90", "paid_per_visit", "paid_per_unit", "contracted", "charge"}
)  # fmt: skip


def _money_cell(key: str, value: Any) -> Cell:
    if value is None:
        return Cell("—", "")
    return Cell(format_money(value), str(value))


def _cell(key: str, value: Any, targets: Targets) -> Cell:
    return _money_cell(key, value) if key in MONEY_FIGURES else _figure_cell(key, value, targets)


def financial_page(filters: ReportFilters) -> ReportPage:
    payers = financial.financial(filters)
    keys = financial.FINANCIAL_FIGURES
    targets = _targets(filters)
    chart = bar_chart(
        "Charges and payments by payer ($)",
        [p.payer_name for p in payers],
        [("Charges", [p.charges for p in payers]), ("Payments", [p.payments for p in payers])],
    )
    by_payer = Table(
        caption="By payer",
        headers=["Payer", *(reporting.FIGURES[k].label for k in keys)],
        rows=[
            [Cell(p.payer_name, p.payer_name), *(_cell(k, p.figures[k], targets) for k in keys)]
            for p in payers
        ],
        target_row=_target_row(keys, targets),
    )
    carc = Table(
        caption="Denials by payer and CARC",
        headers=["Payer", "CARC", "Denied claims", "Amount"],
        rows=[
            [Cell(r["claim__payer_name"], r["claim__payer_name"]),
             Cell(f'{r["group"]}-{r["reason"]}', f'{r["group"]}-{r["reason"]}'),
             Cell(str(r["claim_count"]), str(r["claim_count"])), _money_cell("amount", r["total"])]
            for r in financial.denials_by_carc(filters)
        ],
    )  # fmt: skip
    codes = financial.reimbursement_by_code(filters)
    by_code = Table(
        caption="Paid per unit by payer and code, beside the contract and the clinic's fee",
        headers=["Payer", "Code", "Units", "Paid", "Paid per unit", "Contracted rate",
                 "Clinic charge"],
        rows=[
            [Cell(r["payer"], r["payer"]), Cell(r["code"], r["code"]),
             Cell(str(r["units"]), str(r["units"])), _money_cell("paid", r["paid"]),
             _underpaid_cell(r["paid_per_unit"], r["contracted"]),
             _money_cell("contracted", r["contracted"]), _money_cell("charge", r["charge"])]
            for r in codes
        ],
    )  # fmt: skip
    return ReportPage(
        tables=[by_payer, carc, by_code],
        charts=[chart],
        figures=reporting.definitions(*keys, "paid_per_unit", "contracted", "charge", "carc"),
        notes=[
            "Load a payer's contracted rates, or a reference fee table such as a published "
            "fee schedule, as a fee schedule under Claims, Fees: the paid-per-unit column is "
            "compared with it.",
            *_as_of(filters, payer_counted_live=False),
            *filter(None, [summaries.receivables_as_of(filters.organisation)]),
        ],
    )


def _underpaid_cell(paid: Any, contracted: Any) -> Cell:
    cell = _money_cell("paid_per_unit", paid)
    if paid is not None and contracted is not None and paid < contracted:
        cell.text += " (below contract)"
        cell.missed = True
    return cell


def _problems_by(rows: list[compliance.ComplianceRow], field: str, label: str) -> Table:
    """One summary row per location (or clinician): how many of each problem it has."""
    counted: dict[str, dict[str, int]] = {}
    for row in rows:
        name = getattr(row, field)
        counted.setdefault(name, dict.fromkeys(compliance.PROBLEMS.values(), 0))
        counted[name][row.problem] += 1
    return Table(
        caption=f"By {label.lower()}",
        headers=[label, *compliance.PROBLEMS.values()],
        rows=[
            [Cell(name, name), *(Cell(str(n), str(n)) for n in problems.values())]
            for name, problems in sorted(counted.items())
        ],
    )


def compliance_page(filters: ReportFilters) -> ReportPage:
    rows, counts = compliance.compliance(filters)
    chart = bar_chart(
        "Open problems by kind",
        list(compliance.PROBLEMS.values()),
        [("Cases or notes", [counts[k] for k in compliance.PROBLEMS])],
    )
    summary = _problems_by(rows, "location", "Location")
    clinician_summary = _problems_by(rows, "clinician", "Clinician")
    listed = Table(
        caption="Each problem, with the screen that fixes it",
        headers=["Problem", "Location", "Clinician", "Patient", "Detail", "Fix"],
        rows=[
            [Cell(r.problem, r.problem), Cell(r.location, r.location),
             Cell(r.clinician, r.clinician),
             Cell(r.patient, r.patient, url=reverse("patients:chart", args=[r.patient_id])),
             Cell(r.detail, r.detail), Cell(r.fix_text, r.fix_url, url=r.fix_url)]
            for r in rows
        ],
    )  # fmt: skip
    notes = [
        "Problems are as of today, for open cases; the dates do not narrow them.",
        "KX and targeted review look ahead two weeks; the schedule's attention list shows "
        "every limit a booked visit will break.",
    ]
    if any(n > compliance.ROW_LIMIT for n in counts.values()):
        notes.append(f"Each problem lists its oldest {compliance.ROW_LIMIT}; the chart counts all.")
    return ReportPage(
        tables=[summary, clinician_summary, listed],
        charts=[chart],
        figures=[reporting.FIGURES[k] for k in ("progress_due", "past_certification",
                 "unsigned_24h", "authorization_ending", "kx_passed",
                 "targeted_review_passed", "referral_missing")],
        notes=notes,
        shown_patient_ids=sorted({r.patient_id for r in rows}),
        extra={"attention_url": reverse("scheduling:attention")},
    )  # fmt: skip


REPORTS: dict[str, Report] = {
    r.slug: r
    for r in (
        Report(
            "productivity",
            "Productivity",
            "Visits per day and per FTE, units per visit, evaluations, cancellations and "
            "no-shows, and how soon notes are signed, per clinician and location, against "
            "the clinic's targets.",
            productivity_page,
        ),
        Report(
            "financial",
            "Financial",
            "Charges, payments and adjustments by payer; net collection rate, days in A/R "
            "and A/R over 90 days; first-pass acceptance and denials by CARC; what each "
            "payer pays per unit beside the contract.",
            financial_page,
        ),
        Report(
            "compliance",
            "Compliance by location",
            "Progress reports due, plans past certification, notes unsigned, authorizations "
            "ending, KX and targeted-review patients and referrals missing, by location and "
            "clinician, each with the screen that fixes it.",
            compliance_page,
        ),
        Report(
            "modifier-59",
            "Modifier 59 / X monitor",
            "Each clinician's share of claims and lines with 59, XE, XS, XP or XU by payer, "
            "the code pairs behind them, and a finding when one is far above the rest.",
            modifier_59_page,
        ),
    )
}


def _gate(request: HttpRequest) -> Staff:
    staff: Staff = request.staff  # type: ignore[attr-defined]
    if not may_see_reports(staff):
        raise PermissionDenied(REFUSAL)
    return staff


@staff_view()
def index(request: HttpRequest) -> HttpResponse:
    _gate(request)
    do_record_audit_event(actor_of(request), AuditAction.LIST, "report", "index")
    return render(request, "reports/index.html", {"reports": REPORTS.values()})


def _csv(report: Report, filters: ReportFilters, page: ReportPage) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"{report.slug}-{filters.start.isoformat()}-{filters.end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    for table in page.tables:
        writer.writerow(["Table", *table.headers])
        for row in table.rows:
            writer.writerow([table.caption, *(_csv_safe(cell.raw) for cell in row)])
    return response


def _csv_safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _filter_choices(organisation: Organisation, filters: ReportFilters) -> dict[str, Any]:
    """The filter form's locations, clinicians and payers, read now (not while rendering)."""
    clinicians = Staff.objects.filter(organisation=organisation, credential__gt="").select_related(
        "user"
    )
    # The clinic's payer directory (a few rows), not a DISTINCT over every claim (about
    # 0.3 s at 100,000 visits, ADR 0838); a claim's payer id is its payer's claims id.
    payers = Payer.objects.filter(organisation=organisation).values_list("claims_payer_id", "name")
    return {
        "locations": list(
            organisation.locations.filter(pk__in=filters.location_ids)
            if filters.location_ids
            else organisation.locations.all()
        ),
        "clinicians": [] if filters.own_only else list(clinicians),
        "payers": sorted(payers, key=lambda p: (p[1], p[0])),
    }


@staff_view()
def report(request: HttpRequest, slug: str) -> HttpResponse:
    staff = _gate(request)
    found = REPORTS.get(slug)
    if found is None:
        raise Http404("no such report")
    filters = read_filters(request.GET, staff, timezone.localdate())
    as_csv = request.GET.get("format") == "csv"
    # The figures and the filters' choices are read from the replica when there is one
    # (ADR 0840); the audit row below is written, like every write, to the primary.
    with replica_reads():
        page = found.build(filters)
        reading = replica_reading()
        choices = {} if as_csv else _filter_choices(staff.organisation, filters)
    do_record_audit_event(
        actor_of(request),
        AuditAction.EXPORT if as_csv else AuditAction.LIST,
        "report",
        slug,
        shown_patient_ids=page.shown_patient_ids,
    )
    if as_csv:
        return _csv(found, filters, page)
    return render(
        request,
        "reports/report.html",
        {
            "report": found,
            "reports": REPORTS.values(),
            "page": page,
            "filters": filters,
            **choices,
            "replica": reading,
            "disciplines": [d.value for d in Discipline],
            "csv_url": f"{request.path}?{urlencode([*filters.query_items(), ('format', 'csv')])}",
        },
    )


@dataclass(frozen=True)
class Headline:
    label: str
    value: str
    url: str
    missed: bool = False


@staff_view(Capability.RUN_REPORTS)
def dashboard(request: HttpRequest) -> HttpResponse:
    """The owner's headline figures for the last four weeks, each linking into its report."""
    staff: Staff = request.staff  # type: ignore[attr-defined]
    filters = read_filters({}, staff, timezone.localdate())
    with replica_reads():  # ADR 0840
        clinic = productivity.clinic_productivity(filters)
        shares = modifier59.clinician_59_shares(filters)
        money = financial.clinic_money(filters)
        targets = _targets(filters)
        reading = replica_reading()
    productivity_url = reverse("reports:report", args=["productivity"])
    monitor = reverse("reports:report", args=["modifier-59"])
    money_url = reverse("reports:report", args=["financial"])
    headlines = [
        Headline("Visits", reporting.shown("visits", clinic["visits"]), productivity_url),
        *(
            Headline(
                reporting.FIGURES[key].label,
                reporting.shown(key, clinic[key]),
                productivity_url,
                missed=targets[key].missed_by(clinic[key]) if key in targets else False,
            )
            for key in (
                "visits_per_day",
                "units_per_visit",
                "cancellation_rate",
                "no_show_rate",
                "signed_within_24h",
                "unsigned_72h",
            )
        ),
        *(
            Headline(
                reporting.FIGURES[key].label,
                format_money(money[key])
                if key in MONEY_FIGURES
                else reporting.shown(key, money[key]),
                money_url,
                missed=targets[key].missed_by(money[key]) if key in targets else False,
            )
            for key in ("payments", "net_collection_rate", "days_in_ar", "ar_over_90")
        ),
        Headline(
            "Clinicians far above the rest on 59/X",
            str(sum(1 for _, _, flagged in shares if flagged)),
            monitor,
            missed=any(flagged for _, _, flagged in shares),
        ),
    ]
    do_record_audit_event(actor_of(request), AuditAction.LIST, "report", "dashboard")
    return render(
        request,
        "reports/dashboard.html",
        {
            "headlines": headlines,
            "filters": filters,
            "reports": REPORTS.values(),
            "replica": reading,
        },
    )
