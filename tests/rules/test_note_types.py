"""Note types and their sign-off rules (rules/note_types.py, ADR 0580): who may write each
type comes from the scope table, the evaluation codes from its CODE_ACTS, and the code rules
agree with the scrubber's lines-that-should-be-one."""

from __future__ import annotations

import pytest

from cleannote.rules.note_types import (
    RULE_CODE_OF_OTHER_TYPE,
    RULE_COMPLEXITY,
    RULE_EVALUATION_CODE,
    RULE_GOAL_STATUS,
    RULE_ONE_EVALUATION,
    RULE_RE_EVALUATION_CODE,
    RULE_SECTION,
    TEMPLATES,
    NoteType,
    code_fits_type,
    sign_refusals,
    type_of_codes,
)
from cleannote.rules.scope_of_practice import RULE_ACT
from cleannote.rules.visit import Credential, Discipline

D = NoteType.DAILY
E = NoteType.EVALUATION
R = NoteType.RE_EVALUATION
P = NoteType.PROGRESS_REPORT
S = NoteType.DISCHARGE_SUMMARY


def _filled(note_type: NoteType) -> dict[str, str]:
    return {s.key: "written" for s in TEMPLATES[note_type].sections}


def _rules(
    note_type: NoteType,
    credential: Credential | None,
    discipline: Discipline,
    codes: tuple[str, ...],
    complexity: str = "",
    goals: tuple[str | None, ...] = ("met",),
) -> list[str]:
    return [
        r.rule
        for r in sign_refusals(
            note_type,
            credential=credential,
            discipline=discipline,
            codes=codes,
            complexity=complexity,
            sections=_filled(note_type),
            goal_statuses=goals,
        )
    ]


@pytest.mark.parametrize(
    ("_case", "note_type", "credential", "discipline", "codes", "complexity", "expected"),
    [
        # who writes what: the scope table's acts
        ("pt daily", D, Credential.PT, Discipline.PT, ("97110",), "", []),
        ("pta daily", D, Credential.PTA, Discipline.PT, ("97110",), "", []),
        ("pta evaluation", E, Credential.PTA, Discipline.PT, ("97162",), "moderate", [RULE_ACT]),
        ("pta re-evaluation", R, Credential.PTA, Discipline.PT, ("97164",), "", [RULE_ACT]),
        ("pta progress report", P, Credential.PTA, Discipline.PT, ("97110",), "", [RULE_ACT]),
        ("cota discharge", S, Credential.COTA, Discipline.OT, (), "", [RULE_ACT]),
        ("slpa progress report", P, Credential.SLPA, Discipline.SLP, (), "", [RULE_ACT]),
        ("lmt evaluation", E, Credential.LMT, Discipline.MASSAGE, (), "", [RULE_ACT]),
        ("pt progress report", P, Credential.PT, Discipline.PT, ("97110",), "", []),
        ("ot discharge", S, Credential.OT, Discipline.OT, (), "", []),
        # an evaluation carries its discipline's code, one level, at the stated complexity
        ("pt eval", E, Credential.PT, Discipline.PT, ("97162", "97110"), "moderate", []),
        ("no eval code", E, Credential.PT, Discipline.PT, ("97110",), "", [RULE_EVALUATION_CODE]),
        (
            "two levels",
            E,
            Credential.PT,
            Discipline.PT,
            ("97161", "97163"),
            "low",
            [RULE_ONE_EVALUATION],
        ),
        ("no complexity", E, Credential.PT, Discipline.PT, ("97163",), "", [RULE_COMPLEXITY]),
        ("other level", E, Credential.OT, Discipline.OT, ("97165",), "high", [RULE_COMPLEXITY]),
        (
            "ot code on a pt case",
            E,
            Credential.PT,
            Discipline.PT,
            ("97162", "97166"),
            "moderate",
            [RULE_EVALUATION_CODE],
        ),
        (
            "eval with re-eval",
            E,
            Credential.PT,
            Discipline.PT,
            ("97162", "97164"),
            "moderate",
            [RULE_CODE_OF_OTHER_TYPE],
        ),
        # SLP: several functions may be evaluated (as line.two-evaluations allows), no level
        ("slp eval", E, Credential.SLP, Discipline.SLP, ("92523",), "", []),
        ("slp two functions", E, Credential.SLP, Discipline.SLP, ("92521", "92524"), "", []),
        # chiropractic: no evaluation code in the catalog, so none is required
        ("dc eval", E, Credential.DC, Discipline.CHIRO, ("98940",), "", []),
        # a re-evaluation bills the re-evaluation code; SLP bills its evaluation code
        ("pt re-eval", R, Credential.PT, Discipline.PT, ("97164",), "", []),
        (
            "no re-eval code",
            R,
            Credential.OT,
            Discipline.OT,
            ("97530",),
            "",
            [RULE_RE_EVALUATION_CODE],
        ),
        (
            "re-eval billing an eval",
            R,
            Credential.PT,
            Discipline.PT,
            ("97162", "97164"),
            "",
            [RULE_CODE_OF_OTHER_TYPE],
        ),
        ("slp re-eval", R, Credential.SLP, Discipline.SLP, ("92523",), "", []),
        (
            "slp re-eval no code",
            R,
            Credential.SLP,
            Discipline.SLP,
            ("92507",),
            "",
            [RULE_RE_EVALUATION_CODE],
        ),
        # no evaluation code on a daily note or a report; a standardized test is fine anywhere
        (
            "eval on daily",
            D,
            Credential.PT,
            Discipline.PT,
            ("97162",),
            "",
            [RULE_CODE_OF_OTHER_TYPE],
        ),
        (
            "re-eval on report",
            P,
            Credential.PT,
            Discipline.PT,
            ("97164",),
            "",
            [RULE_CODE_OF_OTHER_TYPE],
        ),
        ("test on daily", D, Credential.PT, Discipline.PT, ("96112", "97110"), "", []),
    ],
)
def test_sign_refusals(_case, note_type, credential, discipline, codes, complexity, expected):
    assert _rules(note_type, credential, discipline, codes, complexity) == expected


@pytest.mark.parametrize(
    ("note_type", "goals", "expected"),
    [
        (P, ("active", "met"), []),
        (P, ("active", None), [RULE_GOAL_STATUS]),
        (R, (None,), [RULE_GOAL_STATUS]),
        (S, ("met", "not_met", "discontinued", "partially_met"), []),
        (S, ("met", "active"), [RULE_GOAL_STATUS]),
        # an evaluation and a daily note report no goal status
        (D, (None,), []),
    ],
)
def test_goal_statuses_on_reports(note_type, goals, expected):
    codes = ("97164",) if note_type is R else ()
    assert _rules(note_type, Credential.PT, Discipline.PT, codes, goals=goals) == expected


@pytest.mark.parametrize("note_type", list(NoteType))
def test_each_section_of_the_type_is_needed_to_sign(note_type):
    sections = TEMPLATES[note_type].sections
    for missing in sections:
        written = {s.key: "text" for s in sections if s is not missing}
        written[missing.key] = "  "
        refusals = sign_refusals(
            note_type,
            credential=Credential.PT,
            discipline=Discipline.CHIRO,  # no code rule in the way
            codes=(),
            sections=written,
            goal_statuses=("met",),
        )
        assert [r.rule for r in refusals] == [RULE_SECTION]
        assert missing.label in refusals[0].message


def test_the_templates_hold_the_sections_each_report_needs():
    keys = {t: [s.key for s in TEMPLATES[t].sections] for t in NoteType}
    assert keys[E] == ["history", "systems_review", "tests_and_measures"]
    assert keys[S] == ["discharge_reason", "final_status", "recommendations"]
    assert keys[P] == ["narrative"]
    assert keys[D] == []
    # a progress report, a re-evaluation and a discharge summary restart the 10-day count
    assert {t for t in NoteType if TEMPLATES[t].counts_as_progress_report} == {P, R, S}


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        (("97110",), None),
        (("97110", "97163"), E),
        (("97164",), R),
        (("92610",), E),
        (("96125",), None),  # a standardized test names no visit
    ],
)
def test_type_of_codes(codes, expected):
    assert type_of_codes(codes) == expected


def test_a_new_note_carries_only_codes_that_fit_its_type():
    assert code_fits_type(D, Discipline.PT, "97110")
    assert not code_fits_type(D, Discipline.PT, "97162")
    assert code_fits_type(E, Discipline.PT, "97162")
    assert code_fits_type(E, Discipline.PT, "97110")
    assert not code_fits_type(R, Discipline.PT, "97162")
    assert code_fits_type(R, Discipline.SLP, "92523")


def test_refusals_say_what_to_do_without_phi():
    (refusal,) = sign_refusals(
        E,
        credential=Credential.PT,
        discipline=Discipline.PT,
        codes=("97163",),
        complexity="moderate",
        sections=_filled(E),
    )
    assert refusal.rule == RULE_COMPLEXITY
    assert "97163 bills high" in refusal.message
    assert refusal.fix
