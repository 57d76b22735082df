"""The therapist home (work lists) and the read-only note page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from cleannote.apps.audit.actions import do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.notes import selectors
from cleannote.apps.notes.clinical_reports import goals_shown, sections_shown
from cleannote.apps.notes.models import Note
from cleannote.apps.notes.note_reading import (
    block_details,
    goal_texts,
    objective_lines,
    progress_measures,
)
from cleannote.apps.notes.progress_report import measures_since_last_report
from cleannote.apps.organisations.access import actor_of, staff_view
from cleannote.apps.organisations.models import Staff
from cleannote.apps.organisations.roles import Capability, has_capability
from cleannote.rules.note_types import NoteType
from cleannote.rules.scope_of_practice import cosign_refusal, scope_of
from cleannote.rules.visit import Credential

HOME_ROWS = 10  # each home list shows its first rows; "See all" opens the paged worklist
WORKLIST_PAGE = 50


@dataclass(frozen=True)
class HomeList:
    rows: list[Any]
    total: int

    def __iter__(self) -> Iterator[Any]:
        return iter(self.rows)

    def __bool__(self) -> bool:
        return bool(self.rows)

    @property
    def more(self) -> bool:
        return self.total > len(self.rows)


def _first_rows(rows: QuerySet[Any]) -> HomeList:
    """The first HOME_ROWS of a list, counted in full only when it is longer (one query for a
    short list, two for a long one)."""
    shown = list(rows[: HOME_ROWS + 1])
    if len(shown) <= HOME_ROWS:
        return HomeList(shown, len(shown))
    return HomeList(shown[:HOME_ROWS], rows.count())


def _worklists(staff: Staff, today: dt.date) -> dict[str, tuple[str, Any]]:
    """The home's lists in full, by the name their "See all" page carries."""
    return {
        "in-progress": (
            "Notes in progress",
            selectors.notes_in_progress(staff, today).select_related("therapist__user"),
        ),
        "awaiting-signature": (
            "Awaiting your signature",
            selectors.notes_awaiting_signature(staff, today).select_related("therapist__user"),
        ),
        "awaiting-cosignature": (
            "Awaiting your co-signature",
            selectors.notes_awaiting_cosignature(staff),
        ),
        "progress-due": ("Progress reports due", selectors.ProgressDueSequence(staff)),
        "recertifications-due": (
            "Recertifications due",
            selectors.recertifications_due(staff, today),
        ),
    }


@staff_view()
def home(request: HttpRequest) -> HttpResponse:
    staff = request.staff  # type: ignore[attr-defined]
    context: dict[str, object] = {"today": timezone.localdate()}
    if has_capability(staff.role, Capability.WRITE_NOTES):
        today = timezone.localdate()
        due = selectors.progress_reports_due(staff, limit=HOME_ROWS)
        context.update(
            in_progress=_first_rows(selectors.notes_in_progress(staff, today)),
            awaiting_signature=_first_rows(selectors.notes_awaiting_signature(staff, today)),
            awaiting_cosignature=_first_rows(selectors.notes_awaiting_cosignature(staff)),
            progress_due=HomeList(due.cases, due.total),
            recerts_due=_first_rows(selectors.recertifications_due(staff, today)),
            clinician=True,
        )
    return render(request, "notes/home.html", context)


@staff_view(Capability.WRITE_NOTES)
def worklist(request: HttpRequest, kind: str) -> HttpResponse:
    """One home list in full, a page at a time (the home shows its first rows)."""
    staff = request.staff  # type: ignore[attr-defined]
    today = timezone.localdate()
    lists = _worklists(staff, today)
    if kind not in lists:
        raise Http404("no such list")
    title, rows = lists[kind]
    page = Paginator(rows, WORKLIST_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "notes/worklist.html",
        {"kind": kind, "title": title, "page": page, "today": today},
    )


def shown_note(staff: Staff, note_id: int) -> Note:
    """The note with all its page and its PDF show; 404 outside the staff's organisation."""
    note = selectors.note_detail(staff.organisation, note_id)
    if note is None:
        raise Http404("no such note")
    return note


@staff_view(Capability.READ_NOTES)
def note_detail(request: HttpRequest, note_id: int) -> HttpResponse:
    staff = request.staff  # type: ignore[attr-defined]
    note = shown_note(staff, note_id)
    do_record_audit_event(
        actor_of(request), AuditAction.VIEW, "note", note.pk, patient_id=note.patient_id
    )
    writes = has_capability(staff.role, Capability.WRITE_NOTES)
    author = _credential(note.therapist.credential)
    supervisor = scope_of(author).supervised_by if author is not None else None
    blocks = list(note.blocks.all())
    context = {
        "note": note,
        "sections": sections_shown(note),
        "goals": goals_shown(note),
        "offer_discharge": note.is_signed
        and note.note_type == NoteType.DISCHARGE_SUMMARY
        and note.case.is_open
        and has_capability(staff.role, Capability.EDIT_CHART),
        "objective": objective_lines(note.objective),
        "blocks": [(b, block_details(b), goal_texts(b)) for b in blocks],
        "trend": measures_since_last_report(note) if note.counts_as_progress_report else None,
        "measures": progress_measures(note) if note.counts_as_progress_report else [],
        "is_treating": writes and note.therapist_id == staff.pk,
        "supervisor_credential": supervisor.value if supervisor is not None else "",
        "may_cosign": writes
        and note.is_signed
        and not note.is_cosigned
        and author is not None
        and cosign_refusal(author, _credential(staff.credential)) is None,
        "may_add_addendum": writes
        and note.is_signed
        and staff.pk in (note.therapist_id, note.cosigned_by_id),
    }
    return render(request, "notes/detail.html", context)


def _credential(value: str) -> Credential | None:
    return Credential(value) if value else None
