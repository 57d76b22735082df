"""What the notes know that the forward compliance view needs, for many cases at once (ADR 0620).

Scheduling sits beside notes and may not import it; the claims app, above both, hands this
function to scheduling's `case_treatment_days` hook at start-up (ADR 0401).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping

from cleannote.apps.notes.authorization_usage import note_units
from cleannote.apps.notes.models import (
    PROGRESS_REPORT_TYPES,
    TREATMENT_VISIT,
    TREATMENT_VISIT_BLOCK,
    Note,
    NoteStatus,
    TreatmentBlock,
)
from cleannote.apps.patients.models import AuthorizedCodeGroup
from cleannote.rules.forward_view import UnitAllowance
from cleannote.rules.visit import UnitMethod, minute_of_day

_Block = tuple[str, int | None]  # (code, documented minutes)

# (signed treatment days with whether each was a progress report, days a report is drafted)
CaseDays = tuple[tuple[tuple[dt.date, bool], ...], frozenset[dt.date]]


def case_days(case_ids: Collection[int]) -> dict[int, CaseDays]:
    """{case id: CaseDays}, counted the way the visit builder counts the episode (signed
    treatment visits; a re-evaluation or discharge summary serves as a report): one query."""
    signed: dict[int, dict[dt.date, bool]] = {}
    drafted: dict[int, set[dt.date]] = {}
    rows = (
        Note.objects.filter(TREATMENT_VISIT, case_id__any_of=case_ids)
        .order_by()
        .values_list("case_id", "date_of_service", "note_type", "status")
    )
    for case_id, day, note_type, status in rows:
        is_report = note_type in PROGRESS_REPORT_TYPES
        if status == NoteStatus.SIGNED:
            days = signed.setdefault(case_id, {})
            days[day] = days.get(day, False) or is_report
        elif is_report:
            drafted.setdefault(case_id, set()).add(day)
    return {
        case_id: (
            tuple(sorted(signed.get(case_id, {}).items())),
            frozenset(drafted.get(case_id, ())),
        )
        for case_id in signed.keys() | drafted.keys()
    }


# A signed treatment visit: its date and its blocks as (code, documented minutes), in order.
SignedVisit = tuple[dt.date, list[_Block]]


def signed_visit_blocks(case_ids: Collection[int]) -> dict[int, list[SignedVisit]]:
    """{case id: its signed treatment visits, oldest first}: one query."""
    visits: dict[int, list[SignedVisit]] = defaultdict(list)
    rows = (
        TreatmentBlock.objects.filter(
            TREATMENT_VISIT_BLOCK, note__case_id__in=case_ids, note__status=NoteStatus.SIGNED
        )
        .order_by("note__date_of_service", "note_id", "order")
        .values_list(
            "note__case_id", "note_id", "note__date_of_service", "code", "start_time",
            "stop_time", "minutes",
        )
    )  # fmt: skip
    last_note: int | None = None
    for case_id, note_id, day, code, start, stop, minutes in rows:
        if start is not None and stop is not None:
            minutes = minute_of_day(stop) - minute_of_day(start)
        if note_id != last_note:
            visits[case_id].append((day, []))
            last_note = note_id
        visits[case_id][-1][1].append((code, minutes))
    return visits


def units_per_visit(
    visits: Iterable[SignedVisit],
    *,
    start: dt.date,
    end: dt.date | None,
    method: UnitMethod,
    codes: Collection[str],
) -> list[int]:
    """The units of `codes` (every code when empty) on each visit from `start` to `end`, oldest
    first, 0 where a visit has none: timed codes pooled per visit (`note_units`), as the
    chart's authorization usage counts them."""
    wanted = set(codes)
    found: list[int] = []
    for day, blocks in visits:
        if day < start or (end is not None and day > end):
            continue
        units = note_units(blocks, method)
        found.append(
            sum(
                u
                for (code, _m), u in zip(blocks, units, strict=True)
                if not wanted or code in wanted
            )
        )
    return found


def referral_units(methods: Mapping[int, UnitMethod]) -> dict[int, tuple[UnitAllowance, ...]]:
    """{referral id: its code groups that limit units, as the forward view reads them} for
    {referral id: the payer's unit method}: the units signed notes in the referral's window
    used and each such visit's units of the group, oldest first, counted as
    `authorization_usage.usage` counts them (ADR 0654). Two queries, however many referrals;
    one when none limits units."""
    groups = list(
        AuthorizedCodeGroup.objects.filter(referral_id__in=methods, units__isnull=False)
        .select_related("referral")
        .order_by("referral_id", "id")
    )
    if not groups:
        return {}
    visits = signed_visit_blocks({g.referral.case_id for g in groups})
    found: dict[int, list[UnitAllowance]] = defaultdict(list)
    for group in groups:
        referral = group.referral
        per_visit = units_per_visit(
            visits.get(referral.case_id, ()),
            start=referral.referral_date,
            end=referral.expires_on,
            method=methods[referral.pk],
            codes=group.codes,
        )
        found[referral.pk].append(
            UnitAllowance(
                label=group.label or ", ".join(group.codes) or "all codes",
                units=group.units or 0,
                units_used=sum(per_visit),
                recent_units=tuple(per_visit),
            )
        )
    return {pk: tuple(allowances) for pk, allowances in found.items()}
