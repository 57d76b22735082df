"""What the notes know that the forward compliance view needs, for many cases at once (ADR 0620).

Scheduling sits beside notes and may not import it; the claims app, above both, hands this
function to scheduling's `case_treatment_days` hook at start-up (ADR 0401).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from cleannote.apps.notes.models import PROGRESS_REPORT_TYPES, TREATMENT_VISIT, Note, NoteStatus

# (signed treatment days with whether each was a progress report, days a report is drafted)
CaseDays = tuple[tuple[tuple[dt.date, bool], ...], frozenset[dt.date]]


def case_days(case_ids: Collection[int]) -> dict[int, CaseDays]:
    """{case id: CaseDays}, counted the way the visit builder counts the episode (signed
    treatment visits; a re-evaluation or discharge summary serves as a report): one query."""
    signed: dict[int, dict[dt.date, bool]] = {}
    drafted: dict[int, set[dt.date]] = {}
    rows = (
        Note.objects.filter(TREATMENT_VISIT, case_id__in=case_ids)
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
