"""The modifier 59 / X monitor's reads (ADR 0801): per clinician and payer, the claims and
lines carrying 59 or XE/XS/XP/XU, counted by the database, against the rest of the clinic."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import CharField, Count, Max, Q, Sum
from django.db.models.functions import Cast

from cleannote.apps.claims.models import Claim, ClaimLine
from cleannote.apps.reports.productivity import row_names
from cleannote.apps.reports.scope import ReportFilters, primary_claims_q
from cleannote.apps.reports.summary_reads import live_part, summary_rows, summary_run
from cleannote.rules import reporting
from cleannote.rules.reporting import DISTINCT_SERVICE_MODIFIERS


def _modifier_q(prefix: str = "") -> Q:
    """A line carrying 59 or an X modifier: its modifiers' JSON text names one (works on
    SQLite, where JSON containment is not available, and on PostgreSQL)."""
    q = Q()
    for modifier in sorted(DISTINCT_SERVICE_MODIFIERS):
        q |= Q(**{f"{prefix}modifiers_text__contains": f'"{modifier}"'})
    return q


@dataclass
class ModifierRow:
    clinician_id: int
    name: str
    payer_id: str
    payer_name: str
    claims: int
    claims_59: int
    lines: int
    lines_59: int
    figures: dict[str, Any] = field(default_factory=dict)
    finding: bool = False


def _billed_lines(filters: ReportFilters) -> Any:
    lines = ClaimLine.objects.filter(
        primary_claims_q("claim__"),
        filters.notes_q("claim__note__"),
        claim__organisation=filters.organisation,
    )
    if filters.payer_id:
        lines = lines.filter(claim__payer_id=filters.payer_id)
    return lines.order_by().annotate(modifiers_text=Cast("modifiers", CharField()))


def _rest_filters(filters: ReportFilters) -> ReportFilters:
    """The same filters without the clinician: what a clinician is compared with."""
    return ReportFilters(
        organisation=filters.organisation, start=filters.start, end=filters.end,
        today=filters.today, location_id=filters.location_id, payer_id=filters.payer_id,
        discipline=filters.discipline, location_ids=filters.location_ids,
    )  # fmt: skip


# The keys a daily summary row is counted under (ADR 0850), from the line's claim's note.
DAY_KEYS = (
    "claim__note__date_of_service",
    "claim__note__location_id",
    "claim__note__therapist_id",
    "claim__note__case__discipline",
    "claim__payer_id",
)


def line_counts(filters: ReportFilters, keys: tuple[str, ...], named: bool = False) -> Any:
    """Claims and lines, and those with 59/X, grouped by `keys` (and the payer's name)."""
    extra = {"payer_name": Max("claim__payer_name")} if named else {}
    return (
        _billed_lines(filters)
        .values(*keys)
        .annotate(
            claim_count=Count("claim_id", distinct=True),
            claims_59=Count("claim_id", filter=_modifier_q(), distinct=True),
            line_count=Count("id"),
            lines_59=Count("id", filter=_modifier_q()),
            **extra,
        )
    )


def pair_counts(filters: ReportFilters, keys: tuple[str, ...]) -> Any:
    """Each line with 59/X joined to its claim's other lines, counted per `keys`, other code
    (`claim__lines__code`) and code."""
    flagged = _billed_lines(filters).filter(_modifier_q())
    for r in flagged.values(*keys, "claim__lines__code", "code").annotate(n=Count("id")):
        if r["claim__lines__code"] != r["code"]:
            yield r


def _clinician_payer_counts(filters: ReportFilters) -> list[dict[str, Any]]:
    """Per (clinician, payer): claims, lines and those with 59/X, from the daily summaries for
    closed days (ADR 0850) and counted live after them."""
    from cleannote.apps.reports.models import Modifier59Day

    keys = ("claim__note__therapist_id", "claim__payer_id")
    totals: dict[tuple[int, str], dict[str, Any]] = {}

    def add(clinician: int, payer: str, r: dict[str, Any]) -> None:
        target = totals.setdefault(
            (clinician, payer),
            {keys[0]: clinician, keys[1]: payer, "payer_name": "", "claim_count": 0,
             "claims_59": 0, "line_count": 0, "lines_59": 0},
        )  # fmt: skip
        for name in ("claim_count", "claims_59", "line_count", "lines_59"):
            target[name] += r[name]
        target["payer_name"] = max(target["payer_name"], r["payer_name"] or "")

    run = summary_run(filters)
    if run is not None:
        for r in (
            summary_rows(filters, Modifier59Day, run.through)
            .values("clinician_id", "payer_id")
            .annotate(
                claim_count=Sum("claims"),
                claims_59=Sum("claims_59"),
                line_count=Sum("lines"),
                lines_59=Sum("lines_59"),
                payer_name=Max("payer_name"),
            )
        ):
            add(r["clinician_id"], r["payer_id"], r)
    live = live_part(filters, run.through if run is not None else None)
    if live is not None:
        for r in line_counts(live, keys, named=True):
            add(r[keys[0]], r[keys[1]], r)
    return list(totals.values())


def modifier_59(filters: ReportFilters) -> list[ModifierRow]:
    """Per clinician and payer: claims and lines with 59 or X, against the rest of the clinic.

    The comparison always reads the whole clinic (a clinician sees how they stand against
    their colleagues' total, never a colleague's own figures)."""
    table = _clinician_payer_counts(_rest_filters(filters))
    per_clinician: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for r in table:
        totals = per_clinician[r["claim__note__therapist_id"]]
        totals[0] += r["line_count"]
        totals[1] += r["lines_59"]
    clinic_lines = sum(t[0] for t in per_clinician.values())
    clinic_59 = sum(t[1] for t in per_clinician.values())
    names = row_names("clinician", filters, set(per_clinician))
    flagged = {
        clinician
        for clinician, (lines, lines_59) in per_clinician.items()
        if reporting.is_outlier(
            lines,
            reporting.percent(lines_59, lines),
            reporting.percent(clinic_59 - lines_59, clinic_lines - lines),
        )
    }
    rows = []
    for r in table:
        clinician = r["claim__note__therapist_id"]
        if filters.clinician_id and clinician != filters.clinician_id:
            continue
        lines, lines_59 = per_clinician[clinician]
        row = ModifierRow(
            clinician_id=clinician,
            name=names.get(clinician, ""),
            payer_id=r["claim__payer_id"],
            payer_name=r["payer_name"] or r["claim__payer_id"],
            claims=r["claim_count"],
            claims_59=r["claims_59"],
            lines=r["line_count"],
            lines_59=r["lines_59"],
            finding=clinician in flagged,
        )
        row.figures = {
            "claims": row.claims,
            "lines": row.lines,
            "claims_59_share": reporting.percent(row.claims_59, row.claims),
            "lines_59_share": reporting.percent(row.lines_59, row.lines),
            "rest_lines_59_share": reporting.percent(clinic_59 - lines_59, clinic_lines - lines),
        }
        rows.append(row)
    return sorted(rows, key=lambda r: (r.name, r.payer_name))


def clinician_59_shares(filters: ReportFilters) -> list[tuple[str, Decimal | None, bool]]:
    """(clinician, share of lines with 59/X, flagged) per clinician, for the chart."""
    return shares_of(modifier_59(filters))


def shares_of(rows: list[ModifierRow]) -> list[tuple[str, Decimal | None, bool]]:
    """(clinician, share of lines with 59/X, flagged) per clinician of `modifier_59`'s rows."""
    by_clinician: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    flags: dict[str, bool] = {}
    for row in rows:
        by_clinician[row.name][0] += row.lines
        by_clinician[row.name][1] += row.lines_59
        flags[row.name] = row.finding
    return [
        (name, reporting.percent(t[1], t[0]), flags[name])
        for name, t in sorted(by_clinician.items())
    ]


def code_pairs_59(filters: ReportFilters, limit: int = 50) -> list[dict[str, Any]]:
    """The code pairs behind the modifiers: each line with 59/X beside the other codes on its
    claim (the column-one code it was unbundled from), counted per clinician; closed days
    from the daily summaries (ADR 0850)."""
    from cleannote.apps.reports.models import Modifier59PairDay

    pairs: dict[tuple[int, str, str], int] = defaultdict(int)
    run = summary_run(filters)
    if run is not None:
        for r in (
            summary_rows(filters, Modifier59PairDay, run.through)
            .values("clinician_id", "column_one", "column_two")
            .annotate(n=Sum("lines"))
        ):
            pairs[(r["clinician_id"], r["column_one"], r["column_two"])] += r["n"]
    live = live_part(filters, run.through if run is not None else None)
    if live is not None:
        # Each flagged line joined to its claim's lines: (clinician, other code, code).
        for r in pair_counts(live, ("claim__note__therapist_id",)):
            pairs[(r["claim__note__therapist_id"], r["claim__lines__code"], r["code"])] += r["n"]
    names = row_names("clinician", filters, {k[0] for k in pairs})
    ranked = sorted(pairs.items(), key=lambda item: (-item[1], names.get(item[0][0], ""), item[0]))
    return [
        {"clinician": names.get(k[0], ""), "column_one": k[1], "column_two": k[2], "lines": n}
        for k, n in ranked[:limit]
    ]


def notes_to_review(filters: ReportFilters, clinician_ids: set[int], limit: int = 25) -> list[Any]:
    """The most recent notes of flagged clinicians whose claim carries 59 or X."""
    if not clinician_ids:
        return []
    claim_ids = (
        _billed_lines(filters)
        .filter(_modifier_q(), claim__note__therapist_id__in=clinician_ids)
        .values("claim_id")
    )
    return list(
        Claim.objects.filter(pk__in=claim_ids)
        .select_related("note__therapist__user")
        .only("id", "note_id", "patient_id", "date_of_service", "payer_name",
              "note__therapist__user__first_name", "note__therapist__user__last_name",
              "note__therapist__credential", "note__therapist__user__username")
        .order_by("-date_of_service", "-id")[:limit]
    )  # fmt: skip
