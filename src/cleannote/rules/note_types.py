"""Note types: what each kind of visit note holds and what it takes to sign one (ADR 0580).

A daily note documents treatment. An evaluation, a re-evaluation, a progress report and a
discharge summary are clinical reports: each has the sections a payer or referrer reads, is an
act of the scope table (`scope_of_practice.Act`, so an assistant writes none of them), and
agrees with the scope table's evaluation codes (`scope_of_practice.CODE_ACTS`) the way the
scrubber's `line.two-evaluations` and `line.evaluation-and-re-evaluation` read them: a PT or OT
evaluation is one code at one level, an SLP evaluation may assess several functions, and an SLP
re-evaluation bills the evaluation code (SLP has no re-evaluation code).

`sign_refusals` is the sign-off rule; the shell asks it before a note is signed and shows the
same refusals on the page while the note is written. Pure: no Django, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from cleannote.rules.catalog import find_procedure
from cleannote.rules.scope_of_practice import (
    CODE_ACTS,
    Act,
    CodeAct,
    ScopeRefusal,
    act_refusal,
    leveled_disciplines,
)
from cleannote.rules.visit import Credential, Discipline


class NoteType(StrEnum):
    DAILY = "daily"
    EVALUATION = "evaluation"
    RE_EVALUATION = "re_evaluation"
    PROGRESS_REPORT = "progress_report"
    DISCHARGE_SUMMARY = "discharge_summary"


class Complexity(StrEnum):
    """The complexity an evaluation's assessment states; a leveled code bills one."""

    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    label: str
    hint: str


@dataclass(frozen=True, slots=True)
class NoteTemplate:
    note_type: NoteType
    label: str
    act: Act
    sections: tuple[Section, ...]
    """The type's own sections, besides the subjective, objective, assessment and plan every
    note has; each must hold text before the note is signed."""
    reports_goals: bool
    """Each goal of the plan of care is given its status (met, not met...) on this note."""
    closes_goals: bool
    """No goal may be left in progress: the episode ends with this note."""
    counts_as_progress_report: bool
    """Restarts Medicare's every-10-treatment-days progress report count."""
    source: str


RULE_EVALUATION_CODE = "note-type.evaluation-code"
RULE_ONE_EVALUATION = "note-type.one-evaluation"
RULE_COMPLEXITY = "note-type.complexity"
RULE_RE_EVALUATION_CODE = "note-type.re-evaluation-code"
RULE_CODE_OF_OTHER_TYPE = "note-type.code-of-other-type"
RULE_SECTION = "note-type.section"
RULE_GOAL_STATUS = "note-type.goal-status"

_HISTORY = Section(
    "history",
    "History",
    "Onset and mechanism, prior level of function, medical history and medications, "
    "personal factors and comorbidities that affect the plan.",
)
_SYSTEMS = Section(
    "systems_review",
    "Systems review",
    "Cardiovascular and pulmonary, integumentary, musculoskeletal, neuromuscular; "
    "communication, cognition, learning style.",
)
_TESTS = Section(
    "tests_and_measures",
    "Tests and measures",
    "Standardized tests and special tests with their results (the objective table holds "
    "range of motion, strength and outcome scores).",
)
_REPORT_SOURCE = (
    "CMS 100-02 Ch.15 §220.3C-D (progress reports at least every 10 treatment days, written "
    "by the clinician; a re-evaluation or the discharge note serves as one); §230.1-230.2"
)

TEMPLATES: Mapping[NoteType, NoteTemplate] = MappingProxyType(
    {
        t.note_type: t
        for t in (
            NoteTemplate(
                NoteType.DAILY,
                "Daily note",
                Act.TREATMENT,
                (),
                reports_goals=False,
                closes_goals=False,
                counts_as_progress_report=False,
                source="CMS 100-02 Ch.15 §220.3E (treatment note)",
            ),
            NoteTemplate(
                NoteType.EVALUATION,
                "Evaluation",
                Act.EVALUATION,
                (_HISTORY, _SYSTEMS, _TESTS),
                reports_goals=False,
                closes_goals=False,
                counts_as_progress_report=False,
                source="CMS 100-02 Ch.15 §220.3B; CPT 97161-97167 (history, examination, "
                "clinical presentation, decision making of a stated complexity)",
            ),
            NoteTemplate(
                NoteType.RE_EVALUATION,
                "Re-evaluation",
                Act.RE_EVALUATION,
                (
                    Section(
                        "reason",
                        "Reason for re-evaluation",
                        "New clinical findings, a significant change, or failure to respond "
                        "to treatment; or the assessment before a planned discharge.",
                    ),
                    _TESTS,
                ),
                reports_goals=True,
                closes_goals=False,
                counts_as_progress_report=True,
                source="CMS 100-02 Ch.15 §220.3C; CPT 97164, 97168",
            ),
            NoteTemplate(
                NoteType.PROGRESS_REPORT,
                "Progress report",
                Act.PROGRESS_REPORT,
                (
                    Section(
                        "narrative",
                        "Progress this period",
                        "What changed since the last report, toward which goals, and why "
                        "skilled care is still needed.",
                    ),
                ),
                reports_goals=True,
                closes_goals=False,
                counts_as_progress_report=True,
                source=_REPORT_SOURCE,
            ),
            NoteTemplate(
                NoteType.DISCHARGE_SUMMARY,
                "Discharge summary",
                Act.DISCHARGE_SUMMARY,
                (
                    Section(
                        "discharge_reason",
                        "Reason for discharge",
                        "Goals met, plateau, patient's choice, did not return, benefits "
                        "exhausted, referred on.",
                    ),
                    Section(
                        "final_status",
                        "Final status",
                        "Function at discharge against the evaluation's baseline.",
                    ),
                    Section(
                        "recommendations",
                        "Recommendations and home program",
                        "The home exercise program, follow-up, and when to return.",
                    ),
                ),
                reports_goals=True,
                closes_goals=True,
                counts_as_progress_report=True,
                source=_REPORT_SOURCE,
            ),
        )
    }
)


def template_of(note_type: NoteType | str) -> NoteTemplate:
    return TEMPLATES[NoteType(note_type)]


def type_of_codes(codes: Iterable[str]) -> NoteType | None:
    """The note type a visit's codes call for: an evaluation code makes it an evaluation, a
    re-evaluation code a re-evaluation; None when no code names the visit."""
    acts = {row.act for row in _naming_rows(codes)}
    if Act.RE_EVALUATION in acts:
        return NoteType.RE_EVALUATION
    if Act.EVALUATION in acts:
        return NoteType.EVALUATION
    return None


def _naming_rows(codes: Iterable[str]) -> list[CodeAct]:
    rows = (CODE_ACTS.get(code.strip().upper()) for code in codes)
    return [row for row in rows if row is not None and row.names_visit]


def _disciplines(code: str) -> frozenset[Discipline]:
    procedure = find_procedure(code)
    return frozenset() if procedure is None else procedure.disciplines


def _codes_of(discipline: Discipline, act: Act) -> list[str]:
    return sorted(
        row.code
        for row in CODE_ACTS.values()
        if row.names_visit and row.act is act and discipline in _disciplines(row.code)
    )


def _act_wanted(note_type: NoteType, discipline: Discipline) -> Act | None:
    """The act whose code a note of this type bills: an evaluation's, a re-evaluation's (an
    SLP re-evaluation bills the evaluation code: SLP has no re-evaluation code); None for a
    daily note or a report, which bill none."""
    if note_type is NoteType.EVALUATION:
        return Act.EVALUATION
    if note_type is NoteType.RE_EVALUATION:
        return Act.RE_EVALUATION if discipline in leveled_disciplines() else Act.EVALUATION
    return None


def _code_refusal(note_type: NoteType, discipline: Discipline, row: CodeAct) -> ScopeRefusal | None:
    template = template_of(note_type)
    act = _act_wanted(note_type, discipline)
    if discipline not in _disciplines(row.code):
        return ScopeRefusal(
            RULE_EVALUATION_CODE,
            f"{row.code} is not a {discipline.value} {row.act}; this case is {discipline.value}",
            f"Remove {row.code}; a {discipline.value} {template.label.lower()} bills "
            f"{_listed(_codes_of(discipline, act or row.act))}.",
        )
    if row.act is not act:
        what = "an" if row.act.value[0] in "aeiou" else "a"
        right = type_of_codes([row.code]) or NoteType.EVALUATION
        return ScopeRefusal(
            RULE_CODE_OF_OTHER_TYPE,
            f"{row.code} is {what} {row.act}; {_a(template.label)} does not bill it",
            f"Make this note {_a(template_of(right).label)}, or remove {row.code}.",
        )
    return None


def code_fits_type(note_type: NoteType, discipline: Discipline, code: str) -> bool:
    """Whether a note of `note_type` may bill `code` at all (what a new note carries over)."""
    rows = _naming_rows([code])
    return not rows or _code_refusal(note_type, discipline, rows[0]) is None


def code_refusals(
    note_type: NoteType, discipline: Discipline, codes: Iterable[str], complexity: str = ""
) -> list[ScopeRefusal]:
    """What the note's codes say against its type: the evaluation code it needs (one level for
    PT and OT), the complexity that code bills, and no evaluation code on another type."""
    template = template_of(note_type)
    rows = _naming_rows(codes)
    refusals = [
        r for r in (_code_refusal(note_type, discipline, row) for row in rows) if r is not None
    ]
    act = _act_wanted(note_type, discipline)
    if act is None:
        return refusals
    own = sorted({r.code for r in rows if r.act is act and discipline in _disciplines(r.code)})
    offered = _codes_of(discipline, act)
    if not own and offered:
        rule = RULE_EVALUATION_CODE if note_type is NoteType.EVALUATION else RULE_RE_EVALUATION_CODE
        refusals.append(
            ScopeRefusal(
                rule,
                f"{_a(template.label)} carries its {discipline.value} code, and this note has none",
                f"Add the {act} code: {_listed(offered)}.",
            )
        )
    if discipline in leveled_disciplines() and len(own) > 1:
        refusals.append(
            ScopeRefusal(
                RULE_ONE_EVALUATION,
                f"{_a(template.label)} bills one {discipline.value} {act} code, at one level; "
                f"this note has {', '.join(own)}",
                "Keep the code whose complexity the assessment documents; remove the other.",
            )
        )
    if note_type is NoteType.EVALUATION:
        refusals += _complexity_refusals(own, complexity)
    return refusals


def _complexity_refusals(own: list[str], complexity: str) -> list[ScopeRefusal]:
    levels = {CODE_ACTS[c].complexity for c in own if CODE_ACTS[c].complexity}
    if len(levels) != 1:
        return []
    (level,) = levels
    if not complexity:
        return [
            ScopeRefusal(
                RULE_COMPLEXITY,
                f"the assessment states no complexity; {own[0]} bills a {level}-complexity "
                "evaluation",
                f"State the complexity the evaluation supports ({level} for {own[0]}).",
            )
        ]
    if complexity != level:
        return [
            ScopeRefusal(
                RULE_COMPLEXITY,
                f"the assessment states {complexity} complexity but {own[0]} bills {level}",
                "Bill the code of the complexity the assessment supports, or correct the "
                "stated complexity.",
            )
        ]
    return []


def sign_refusals(
    note_type: NoteType,
    *,
    credential: Credential | None,
    discipline: Discipline,
    codes: Iterable[str],
    complexity: str = "",
    sections: Mapping[str, str] | None = None,
    goal_statuses: Iterable[str | None] = (),
    open_status: str = "active",
) -> list[ScopeRefusal]:
    """Everything that stops a note of `note_type` from being signed, in page order: the
    credential may not perform the act (scope table), a section is empty, a goal has no
    status (or, on a discharge summary, is still in progress), the codes disagree with the
    type. `goal_statuses` holds each plan goal's reported status (None when not given)."""
    template = template_of(note_type)
    refusals: list[ScopeRefusal] = []
    if credential is not None:
        refused = act_refusal(credential, template.act)
        if refused is not None:
            refusals.append(refused)
    filled = sections or {}
    for section in template.sections:
        if not str(filled.get(section.key, "")).strip():
            refusals.append(
                ScopeRefusal(
                    RULE_SECTION,
                    f"{_a(template.label)} needs its “{section.label}” section",
                    f"Write the {section.label.lower()}: {section.hint}",
                )
            )
    if template.reports_goals:
        statuses = list(goal_statuses)
        missing = sum(1 for s in statuses if not s)
        still_open = sum(1 for s in statuses if s == open_status)
        if missing:
            refusals.append(
                ScopeRefusal(
                    RULE_GOAL_STATUS,
                    f"{missing} goal{'s' if missing > 1 else ''} of the plan of care "
                    f"{'have' if missing > 1 else 'has'} no status on this "
                    f"{template.label.lower()}",
                    "Give each goal its status and latest value.",
                )
            )
        if template.closes_goals and still_open:
            refusals.append(
                ScopeRefusal(
                    RULE_GOAL_STATUS,
                    f"{still_open} goal{'s are' if still_open > 1 else ' is'} still in "
                    "progress on a discharge summary",
                    "Mark each goal met, partially met, not met or discontinued, with its "
                    "final value.",
                )
            )
    refusals += code_refusals(note_type, discipline, codes, complexity)
    return refusals


def with_article(label: str) -> str:
    """'an evaluation', 'a daily note': a type's label as a sentence names it."""
    article = "an" if label[0].lower() in "aeiou" else "a"
    return f"{article} {label.lower()}"


_a = with_article


def _listed(codes: list[str]) -> str:
    if not codes:
        return "no code in the catalog"
    return ", ".join(codes[:-1]) + (" or " if len(codes) > 1 else "") + codes[-1]
