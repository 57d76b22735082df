"""A visit note printed for the people outside the clinic who ask for it.

The referrer, an auto or workers' comp case manager and a patient's attorney all want the same
record: who was seen, when, what was done and for how long, toward which goals, how it is going,
signed. The PDF is the signed note as stored, with its addenda; a draft prints with a DRAFT
banner so it cannot pass for the record. It reads models (a shell module), see ADR 0130.
"""

from __future__ import annotations

from collections.abc import Iterable

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import Flowable, Spacer

from cleannote.apps.notes.clinical_reports import goals_shown, sections_shown
from cleannote.apps.notes.models import Note
from cleannote.apps.notes.note_reading import (
    block_details,
    goal_texts,
    objective_lines,
    progress_measures,
)
from cleannote.apps.notes.progress_report import measures_since_last_report
from cleannote.platform.clock import HourCycle, format_moment, format_time, hour_cycle_of
from cleannote.platform.pdf_parts import letter_pdf, letterhead, patient_line
from cleannote.platform.pdf_parts import paragraph as _p
from cleannote.platform.pdf_parts import styles as _styles
from cleannote.platform.pdf_parts import table as _table

AUDIENCES = {
    "referrer": "Referring provider",
    "case_manager": "Case manager",
    "attorney": "Attorney",
}


def _recipient(note: Note, audience: str) -> str:
    case = note.case
    if audience == "case_manager" and case.case_manager_name:
        return f"{AUDIENCES[audience]}: {case.case_manager_name}"
    if audience == "attorney" and case.attorney_name:
        return f"{AUDIENCES[audience]}: {case.attorney_name}"
    return AUDIENCES.get(audience, AUDIENCES["referrer"])


def note_story(note: Note, audience: str) -> list[Flowable]:
    s = _styles()
    org = note.patient.organisation
    cycle = hour_cycle_of(org.hour_cycle)
    patient = note.patient
    story: list[Flowable] = [
        *letterhead(org, s),
        _p(
            f"{note.template.label} · "
            f"{note.date_of_service:%d %b %Y} · prepared for {_recipient(note, audience)}",
            s["h2"],
        ),
    ]
    if not note.is_signed:
        story.append(_p("DRAFT — not signed; not part of the medical record.", s["h2"]))
    story += [
        patient_line(patient, s["body"]),
        _p(
            f"Case: {note.case.title} · clinician {note.therapist.display_name} · "
            f"{note.location.name}",
            s["body"],
        ),
        _p("Subjective", s["h2"]),
        _p(
            f"Pain {note.pain_level if note.pain_level is not None else '—'}/10 "
            f"{note.pain_location}. {note.functional_limits}",
            s["body"],
        ),
    ]
    if note.patient_words:
        story.append(_p(f"In the patient's words: “{note.patient_words}”", s["body"]))
    story += _sections(note, s)
    story += _objective(note, s)
    story += _treatment(note, s, cycle)
    story += _goals(note, s)
    if note.counts_as_progress_report:
        story += _trend(note, s)
        story += _measures(note, s)
    complexity = f" Complexity: {note.get_complexity_display().lower()}." if note.complexity else ""
    story += [
        _p("Assessment", s["h2"]),
        _p((note.assessment or "—") + complexity, s["body"]),
        _p("Plan", s["h2"]),
        _p(note.plan or "—", s["body"]),
    ]
    if note.is_signed and note.signed_by is not None and note.signed_at is not None:
        story += [
            Spacer(1, 8),
            _p(
                f"Electronically signed by {note.signed_by.display_name}"
                f"{', NPI ' + note.signed_by.npi if note.signed_by.npi else ''} on "
                f"{format_moment(note.signed_at, cycle, zone=True)}",
                s["body"],
            ),
        ]
    if note.cosigned_by is not None and note.cosigned_at is not None:
        story.append(
            _p(
                f"Co-signed as supervising therapist by {note.cosigned_by.display_name}"
                f"{', NPI ' + note.cosigned_by.npi if note.cosigned_by.npi else ''} on "
                f"{format_moment(note.cosigned_at, cycle, zone=True)}",
                s["body"],
            )
        )
    addenda = list(note.addenda.all())
    if addenda:
        story.append(_p("Addenda", s["h2"]))
        story += [
            _p(
                f"{format_moment(a.signed_at, cycle, zone=True)}, "
                f"{a.author.display_name}: {a.text}",
                s["body"],
            )
            for a in addenda
        ]
    return story


def _sections(note: Note, s: dict[str, ParagraphStyle]) -> Iterable[Flowable]:
    """The note type's own sections (history, reason for discharge...), each under its name."""
    out: list[Flowable] = []
    for label, text in sections_shown(note):
        out += [_p(label, s["h2"]), _p(text or "—", s["body"])]
    return out


def _goals(note: Note, s: dict[str, ParagraphStyle]) -> Iterable[Flowable]:
    """Each goal by its text (never its number): on a report with the status it gives it."""
    goals = goals_shown(note)
    if not goals:
        return []
    template = note.template
    if not template.reports_goals:
        rows: list[list[object]] = [["Goal of the plan of care", "Baseline → target"]]
        rows += [[g.text, f"{g.baseline or '—'} → {g.target or '—'}"] for g in goals]
        return [_p("Goals", s["h2"]), _table(rows, [4.6 * inch, 2.4 * inch], s["small"])]
    value = "Final value" if template.closes_goals else "Latest value"
    rows = [["Goal", "Baseline → target", "Status", value]]
    rows += [
        [g.text, f"{g.baseline or '—'} → {g.target or '—'}", g.status_label, g.current or "—"]
        for g in goals
    ]
    title = "Goals at discharge" if template.closes_goals else "Goals: status this period"
    return [
        _p(title, s["h2"]),
        _table(rows, [3.4 * inch, 1.4 * inch, 1.1 * inch, 1.1 * inch], s["small"]),
    ]


def _objective(note: Note, s: dict[str, ParagraphStyle]) -> Iterable[Flowable]:
    out: list[Flowable] = [_p("Objective", s["h2"])]
    titles = {
        "rom": "Range of motion",
        "strength": "Strength",
        "outcome_measures": "Outcome measures",
    }
    for section, lines in objective_lines(note.objective).items():
        if lines:
            text = "; ".join(
                line.text + (f" ({line.carried_text})" if line.last_measured else "")
                for line in lines
            )
            out.append(_p(f"{titles[section]}: {text}", s["body"]))
    if len(out) == 1:
        out.append(_p("—", s["body"]))
    return out


def _treatment(note: Note, s: dict[str, ParagraphStyle], cycle: HourCycle) -> Iterable[Flowable]:
    blocks = list(note.blocks.all())
    if not blocks:
        return [_p("Treatment", s["h2"]), _p("No treatment documented.", s["body"])]
    rows: list[list[object]] = [["Code", "Time", "Min", "Details", "Goals", "Skilled need"]]
    for b in blocks:
        time = (
            f"{format_time(b.start_time, cycle)}–{format_time(b.stop_time, cycle)}"
            if b.start_time and b.stop_time
            else ""
        )
        details = "; ".join(f"{label}: {value}" for label, value in block_details(b))
        regions = ", ".join(b.body_regions)
        if regions:
            details = f"{regions} {b.laterality}" + (f" · {details}" if details else "")
        goals = "; ".join(goal_texts(b))
        rows.append(
            [b.code, time, b.documented_minutes or "", details, goals, b.justification or ""]
        )
    # The time column holds "12:05 PM–12:58 PM" on one line (ADR 0590).
    widths = [0.55 * inch, 1.3 * inch, 0.4 * inch, 2.0 * inch, 1.2 * inch, 1.55 * inch]
    return [_p("Treatment", s["h2"]), _table(rows, widths, s["small"])]


def _trend(note: Note, s: dict[str, ParagraphStyle]) -> Iterable[Flowable]:
    trend = measures_since_last_report(note)
    if not trend.rows:
        return []
    header: list[object] = ["Joint / motion / side", *(f"{d:%m-%d}" for d in trend.dates)]
    rows = [header] + [
        [f"{r.joint} {r.motion} {r.side}", *("" if d is None else d for d in r.degrees)]
        for r in trend.rows
    ]
    first = 2.0 * inch
    rest = (7.0 * inch - first) / max(1, len(trend.dates))
    return [
        _p("Range of motion since the last report", s["h2"]),
        _table(rows, [first, *([rest] * len(trend.dates))], s["small"]),
    ]


def _measures(note: Note, s: dict[str, ParagraphStyle]) -> Iterable[Flowable]:
    series = progress_measures(note)
    if not series:
        return []
    rows: list[list[object]] = [["Measure", "Measurements", "Change since the first"]]
    for one in series:
        points = ", ".join(f"{p.shown} ({p.measured_on:%d %b %Y})" for p in one.points)
        change = one.change.summary if one.change is not None else "one measurement so far"
        better = "higher is better" if one.instrument.higher_is_better else "lower is better"
        rows.append([f"{one.instrument.name} ({one.instrument.code}; {better})", points, change])
    return [
        _p("Outcome measures", s["h2"]),
        _table(rows, [2.0 * inch, 2.8 * inch, 2.2 * inch], s["small"]),
    ]


def render_note_pdf(note: Note, *, audience: str = "referrer") -> bytes:
    """The note as a Letter-size PDF for `audience` (referrer, case_manager or attorney)."""
    return letter_pdf(
        note_story(note, audience if audience in AUDIENCES else "referrer"),
        title=f"{note.template.label} {note.pk}",
        author=note.patient.organisation.name,
    )
