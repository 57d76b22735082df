"""The home exercise program the patient takes home: a Letter-size PDF under the clinic's
letterhead, built from the same parts as the note and plan of care PDFs (`platform.pdf_parts`).
Each exercise with its dose, the clinic's own instructions and the progression; what this
revision changed, and when to stop and call."""

from __future__ import annotations

from reportlab.lib.units import inch
from reportlab.platypus import Flowable, Spacer

from cleannote.apps.exercises.selectors import ProgramView
from cleannote.platform.pdf_parts import letter_pdf, letterhead, patient_line
from cleannote.platform.pdf_parts import paragraph as _p
from cleannote.platform.pdf_parts import styles as _styles
from cleannote.platform.pdf_parts import table as _table
from cleannote.rules.home_program import ChangeKind


def program_story(program: ProgramView) -> list[Flowable]:
    s = _styles()
    case = program.case
    patient = case.patient
    revision = program.current
    assert revision is not None
    story: list[Flowable] = [
        *letterhead(patient.organisation, s),
        _p(f"Home exercise program · from {revision.starts_on:%d %b %Y}", s["h2"]),
        patient_line(patient, s["body"]),
        _p(
            f"Case: {case.title} · prescribed by {revision.prescribed_by.display_name} · "
            f"revision {revision.number}",
            s["body"],
        ),
    ]
    rows: list[list[object]] = [["#", "Exercise", "Dose", "How to do it"]]
    for i, line in enumerate(revision.lines.all(), 1):
        how = line.exercise.instructions
        if line.progression:
            how += f"\nNext step: {line.progression}"
        rows.append([i, line.exercise.name, line.dose().text(), how])
    story.append(_table(rows, [0.3 * inch, 1.6 * inch, 1.5 * inch, 3.4 * inch], s["body"]))
    found = program.latest_changes if revision.number > 1 else []
    if found:
        words = {
            ChangeKind.ADDED: "New",
            ChangeKind.REMOVED: "Stopped",
            ChangeKind.CHANGED: "Changed",
        }
        story.append(_p("What changed at this visit", s["h2"]))
        story += [
            _p(
                f"{words[c.kind]}: {c.name}"
                + (f" ({c.before} → {c.after})" if c.kind == ChangeKind.CHANGED else "")
                + (f" ({c.after})" if c.kind == ChangeKind.ADDED else ""),
                s["body"],
            )
            for c in found
        ]
    story += [
        Spacer(1, 10),
        _p(
            "Stop an exercise and call the clinic if it causes sharp pain, numbness or pain "
            "that lasts after you rest. You can also log your sessions in the patient portal.",
            s["small"],
        ),
        Spacer(1, 6),
        _p(f"{patient.organisation.name} · program {case.pk}-{revision.number}", s["small"]),
    ]
    return story


def render_program_pdf(program: ProgramView) -> bytes:
    return letter_pdf(
        program_story(program),
        title=f"Home exercise program {program.case.pk}",
        author=program.case.patient.organisation.name,
    )
