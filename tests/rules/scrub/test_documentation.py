"""Documentation rules: goals, skilled justification, the catalog's elements, and progression."""

from __future__ import annotations

import datetime as dt

import pytest

from cleannote.rules.findings import Severity
from cleannote.rules.scrub.scrubber import scrub
from cleannote.rules.visit import HistoryService, HistoryVisit
from tests.rules.scrub.factories import DOS, documented, findings_of, rules_of, service, visit


def _shape(result, rule):
    found = findings_of(result, rule)
    return [(f.severity, f.line) for f in found], found


def test_a_timed_service_without_a_goal_is_an_error():
    # given
    v = visit(service(), service("97140", "09:16", "09:30", goal_ids=()))

    # when
    result = scrub(v)
    shape, found = _shape(result, "doc.no-goal")

    # then
    assert shape == [(Severity.ERROR, 1)]
    assert "97140" in found[0].message
    assert "doc.missing-elements" not in rules_of(result)


@pytest.mark.parametrize(
    "block",
    [service(goal_ids=("g2",)), service("97161", "08:00", "08:45", goal_ids=())],
    ids=["another-goal", "untimed-code"],
)
def test_a_linked_goal_or_an_untimed_code_is_no_goal_error(block):
    assert "doc.no-goal" not in rules_of(scrub(visit(block)))


def test_an_untimed_code_without_a_goal_misses_that_element_instead():
    found = findings_of(
        scrub(visit(service("97161", "08:00", "08:45", goal_ids=()))), "doc.missing-elements"
    )

    assert len(found) == 1
    assert "goal" in found[0].message


def test_a_goal_the_plan_of_care_does_not_hold_is_an_error():
    # given
    v = visit(service(goal_ids=("g1", "g9")))

    # when
    shape, found = _shape(scrub(v), "doc.unknown-goal")

    # then
    assert shape == [(Severity.ERROR, 0)]
    assert "97110" in found[0].message
    assert "g9" in found[0].message
    assert "g1" not in found[0].message


def test_an_unknown_goal_is_named_by_its_words_when_the_visit_carries_them():
    # given the clinic app's goals, whose ids are row numbers, with their words
    v = visit(service(goal_ids=("g1", "417"), goal_texts=("Walk 30 minutes", "Climb 12 stairs")))

    # when
    _, found = _shape(scrub(v), "doc.unknown-goal")

    # then the reader sees the goal, not its number
    assert found[0].message == (
        "97110 is linked to goal “Climb 12 stairs”, which the plan of care does not hold."
    )


@pytest.mark.parametrize(
    ("goals", "plan"),
    [(("g1", "g2"), visit().plan_of_care), (("g9",), None)],
    ids=["both-in-plan", "no-plan-to-check"],
)
def test_goals_from_the_plan_or_no_plan_pass(goals, plan):
    v = visit(service(goal_ids=goals), plan_of_care=plan)

    assert "doc.unknown-goal" not in rules_of(scrub(v))


@pytest.mark.parametrize(
    ("code", "justification"),
    [("97140", None), ("97140", "   "), ("97530", ""), ("97035", None)],
    ids=["manual-none", "manual-blank", "functional-empty", "ultrasound-none"],
)
def test_a_code_needing_a_skilled_justification_without_one_is_an_error(code, justification):
    # given
    v = visit(service(code, justification=justification))

    # when
    shape, found = _shape(scrub(v), "doc.no-justification")

    # then
    assert shape == [(Severity.ERROR, 0)]
    assert code in found[0].message


@pytest.mark.parametrize(
    ("code", "justification"),
    [("97140", "Guarding limited flexion; graded mobilization needed."), ("97110", None)],
    ids=["justified", "code-needs-none"],
)
def test_a_justified_or_exempt_code_passes(code, justification):
    v = visit(service(code, justification=justification))

    assert "doc.no-justification" not in rules_of(scrub(v))


def _without(code: str, *keys: str) -> dict[str, object]:
    return {k: v for k, v in documented(code).items() if k not in keys}


@pytest.mark.parametrize(
    ("block", "missing"),
    [
        (service("97110", parameters=_without("97110", "exercise")), "exercise"),
        (service("97110", parameters=_without("97110", "sets", "reps")), "parameters"),
        (service("97110", parameters=_without("97110", "baseline_measure")), "baseline measure"),
        (service("97140", body_regions=()), "body regions"),
        (service("97530", parameters=_without("97530", "components")), "components"),
        (service("97035", parameters={**documented("97035"), "response": ""}), "response"),
    ],
    ids=["exercise", "dosage", "baseline", "regions", "components", "empty-response"],
)
def test_an_element_the_catalog_expects_missing_is_a_warning(block, missing):
    # given
    v = visit(block)

    # when
    shape, found = _shape(scrub(v), "doc.missing-elements")

    # then
    assert shape == [(Severity.WARNING, 0)]
    assert block.code in found[0].message
    assert missing in found[0].message


@pytest.mark.parametrize(
    "block",
    [
        service("97110"),
        service(
            "97110", parameters={**_without("97110", "sets", "reps"), "resistance": "red band"}
        ),
        service("97140"),
        service("97530"),
    ],
    ids=["97110", "97110-dosed-by-resistance", "97140", "97530"],
)
def test_a_fully_documented_service_passes(block):
    assert "doc.missing-elements" not in rules_of(scrub(visit(block)))


def test_97110_aimed_at_several_outcomes_is_a_warning():
    # given
    v = visit(
        service(parameters={**documented("97110"), "target_outcome": ["strength", "balance"]})
    )

    # when
    shape, found = _shape(scrub(v), "doc.97110-multiple-outcomes")

    # then
    assert shape == [(Severity.WARNING, 0)]
    assert "97110" in found[0].message
    assert "97530" in found[0].fix


@pytest.mark.parametrize(
    ("code", "outcome"),
    [("97110", ["strength"]), ("97110", "strength"), ("97530", ["strength", "balance"])],
    ids=["one-in-a-list", "one-as-text", "functional-code"],
)
def test_one_outcome_or_another_code_passes(code, outcome):
    v = visit(service(code, parameters={**documented(code), "target_outcome": outcome}))

    assert "doc.97110-multiple-outcomes" not in rules_of(scrub(v))


def _history(*parameter_sets: dict[str, object], code: str = "97110") -> tuple[HistoryVisit, ...]:
    """Earlier visits, the last one first, a week apart."""
    return tuple(
        HistoryVisit(DOS - dt.timedelta(days=7 * n), (HistoryService(code, ("knee",), params),))
        for n, params in enumerate(parameter_sets, start=1)
    )


def test_the_same_parameters_three_visits_in_a_row_are_a_warning():
    # given
    same = documented("97110")
    v = visit(service(), history=_history(same, same))

    # when
    shape, found = _shape(scrub(v), "doc.no-progression")

    # then
    assert shape == [(Severity.WARNING, 0)]
    assert "97110" in found[0].message


def test_unordered_history_is_read_by_date():
    # given: the visits arrive oldest first; the latest one differs
    same = documented("97110")
    older_first = tuple(reversed(_history({**same, "reps": 12}, same)))
    v = visit(service(), history=older_first)

    assert "doc.no-progression" not in rules_of(scrub(v))


@pytest.mark.parametrize(
    "history",
    [
        _history(documented("97110")),
        _history({**documented("97110"), "sets": 2}, documented("97110")),
        _history(documented("97110"), {**documented("97110"), "sets": 2}),
        _history(documented("97140"), documented("97140"), code="97140"),
        (
            HistoryVisit(DOS, (HistoryService("97110", ("knee",), documented("97110")),)),
            *_history(documented("97110")),
        ),
    ],
    ids=["only-one-before", "progressed-last-time", "progressed-before", "other-code", "same-day"],
)
def test_progressed_or_too_short_a_run_passes(history):
    assert "doc.no-progression" not in rules_of(scrub(visit(service(), history=history)))
