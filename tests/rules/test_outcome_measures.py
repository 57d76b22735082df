"""Outcome-measure scoring: worked examples per instrument, refusals that name the answer, and
meaningful change judged against each instrument's MCID (or MDC) for the baseline."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cleannote.rules.outcome_measures import (
    Licence,
    MeasureInputError,
    Scoring,
    all_instruments,
    change_between,
    check_value,
    instrument,
    score,
)

LEFS_ANSWERS = [*"44332211004433221104"]  # one answer per digit: 40 + 4 = 44
BERG_ANSWERS = [*"44433332224411"]  # 40
DHI_ANSWERS = ["4"] * 5 + ["2"] * 8 + ["0"] * 12  # 20 + 16 = 36


@pytest.mark.parametrize(
    ("_case", "code", "answers", "total", "shown", "band"),
    [
        ("LEFS all no difficulty", "LEFS", ["4"] * 20, "80", "80/80", ""),
        ("LEFS all unable", "LEFS", ["0"] * 20, "0", "0/80", ""),
        ("LEFS mixed", "lefs", LEFS_ANSWERS, "44", "44/80", ""),
        (
            "PSFS three activities, mean rounded half up",
            "PSFS",
            ["3", "4", "4"],
            "3.7",
            "3.7/10",
            "",
        ),
        ("PSFS one activity", "PSFS", ["7"], "7.0", "7.0/10", ""),
        ("PSFS five activities", "PSFS", ["0", "10", "5", "5", "5"], "5.0", "5.0/10", ""),
        ("Berg 40 is medium fall risk", "BBS", BERG_ANSWERS, "40", "40/56", "medium fall risk"),
        (
            "Berg by alias, 41 is low risk",
            "berg",
            [*BERG_ANSWERS[:13], "2"],
            "41",
            "41/56",
            "low fall risk",
        ),
        ("Berg 20 is high risk", "BBS", ["2"] * 10 + ["0"] * 4, "20", "20/56", "high fall risk"),
        ("DHI 36 is moderate", "DHI", DHI_ANSWERS, "36", "36/100", "moderate handicap"),
        (
            "DHI 34 is mild",
            "DHI",
            ["4"] * 5 + ["2"] * 7 + ["0"] * 13,
            "34",
            "34/100",
            "mild handicap",
        ),
        (
            "DHI 54 is severe",
            "DHI",
            ["4"] * 12 + ["2"] * 3 + ["0"] * 10,
            "54",
            "54/100",
            "severe handicap",
        ),
        ("TUG 12.0 s is at risk", "TUG", ["12"], "12.0", "12.0 s", "at risk of falling"),
        (
            "TUG 11.9 s is below the cut-off",
            "TUG",
            ["11.9"],
            "11.9",
            "11.9 s",
            "below the fall-risk cut-off",
        ),
        ("30-second chair stand", "30CST", ["11"], "11", "11 stands", ""),
        (
            "gait speed 0.79 m/s",
            "GAIT",
            ["0.79"],
            "0.79",
            "0.79 m/s",
            "limited community ambulator",
        ),
        ("gait speed 0.8 m/s", "gait-speed", ["0.8"], "0.80", "0.80 m/s", "community ambulator"),
        ("ODI total from the licensed form", "ODI", ["34"], "34", "34%", ""),
        ("NDI raw total", "NDI", ["12"], "12", "12/50", ""),
        ("QuickDASH total", "QDASH", ["27.3"], "27.3", "27.3/100", ""),
        ("PROMIS T-score", "PROMIS-PF", ["42.5"], "42.5", "T 42.5", ""),
    ],
)
def test_score_worked_examples(
    _case: str, code: str, answers: list[str], total: str, shown: str, band: str
) -> None:
    # given / when
    result = score(code, answers)
    # then
    assert result.total == Decimal(total)
    assert result.shown == shown
    assert result.band == band


@pytest.mark.parametrize(
    ("_case", "code", "answers", "message"),
    [
        ("LEFS one short", "LEFS", ["4"] * 19, "LEFS takes 20 answers, got 19"),
        ("LEFS one over", "LEFS", ["4"] * 21, "LEFS takes 20 answers, got 21"),
        (
            "LEFS item out of range",
            "LEFS",
            ["4"] * 6 + ["5"] + ["4"] * 13,
            "LEFS answer 7 is '5': each answer is 0 (extreme difficulty or unable) to 4",
        ),
        ("LEFS item not a number", "LEFS", ["x"] + ["4"] * 19, "LEFS answer 1 is 'x'"),
        ("LEFS item a fraction", "LEFS", ["2.5"] + ["4"] * 19, "LEFS answer 1 is '2.5'"),
        (
            "DHI odd answer",
            "DHI",
            ["1"] + ["0"] * 24,
            "DHI answer 1 is '1': each answer is 0 (no), 2",
        ),
        ("PSFS six activities", "PSFS", ["5"] * 6, "PSFS takes 1 to 5 answers, got 6"),
        ("PSFS no activity", "PSFS", [], "PSFS takes 1 to 5 answers, got 0"),
        ("PSFS eleven", "PSFS", ["11"], "PSFS answer 1 is '11'"),
        ("Berg 13 items", "BBS", ["4"] * 13, "BBS takes 14 answers, got 13"),
        ("TUG two values", "TUG", ["9", "10"], "TUG takes 1 answer, got 2"),
        ("TUG not a number", "TUG", ["fast"], "TUG value 'fast' is not a number"),
        ("TUG too long", "TUG", ["301"], "TUG value 301 is out of range"),
        ("TUG two decimals", "TUG", ["9.25"], "TUG value 9.25 has too many decimals"),
        ("chair stands a fraction", "30CST", ["9.5"], "a whole number"),
        ("gait speed negative", "GAIT", ["-0.1"], "GAIT value -0.1 is out of range"),
        ("ODI over 100", "ODI", ["101"], "ODI value 101 is out of range"),
        ("NDI over 50", "NDI", ["51"], "NDI value 51 is out of range"),
        ("PROMIS below 10", "PROMIS-PI", ["9"], "PROMIS-PI value 9 is out of range"),
        ("not a number at all", "ODI", ["NaN"], "ODI value 'NaN' is not a number"),
        ("infinity", "ODI", ["inf"], "is not a number"),
        ("unknown instrument", "WOMAC", ["1"], "unknown instrument 'WOMAC'; known: LEFS, PSFS"),
    ],
)
def test_score_refusals_name_the_answer(
    _case: str, code: str, answers: list[str], message: str
) -> None:
    with pytest.raises(MeasureInputError) as caught:
        score(code, answers)
    assert message in str(caught.value)


def test_a_long_bad_answer_is_echoed_short() -> None:
    with pytest.raises(MeasureInputError) as caught:
        score("TUG", ["9" * 5000])
    assert len(str(caught.value)) < 120


@pytest.mark.parametrize(
    ("_case", "code", "first", "latest", "summary", "meets"),
    [
        (
            "LEFS +9 meets the MCID",
            "LEFS",
            "30",
            "39",
            "better by 9 points: meets the MCID of 9",
            True,
        ),
        (
            "LEFS +8 is a near miss",
            "LEFS",
            "30",
            "38",
            "better by 8 points: below the MCID of 9",
            False,
        ),
        (
            "LEFS -10 is a meaningful decline",
            "LEFS",
            "50",
            "40",
            "worse by 10 points: meets the MCID of 9",
            True,
        ),
        ("LEFS unchanged", "LEFS", "50", "50", "no change: below the MCID of 9", False),
        (
            "DHI falling is better",
            "DHI",
            "60",
            "42",
            "better by 18 points: meets the MCID of 18",
            True,
        ),
        (
            "DHI 16 down is not enough",
            "DHI",
            "60",
            "44",
            "better by 16 points: below the MCID of 18",
            False,
        ),
        (
            "Berg MDC 4 at a high baseline",
            "BBS",
            "46",
            "50",
            "better by 4 points: meets the MDC of 4",
            True,
        ),
        (
            "Berg MDC 7 at a baseline of 30",
            "BBS",
            "30",
            "36",
            "better by 6 points: below the MDC of 7",
            False,
        ),
        (
            "Berg MDC 5 at a baseline of 40",
            "BBS",
            "40",
            "45",
            "better by 5 points: meets the MDC of 5",
            True,
        ),
        (
            "TUG faster is better",
            "TUG",
            "14.0",
            "13.2",
            "better by 0.8 s: meets the MCID of 0.8",
            True,
        ),
        ("TUG slower", "TUG", "10.0", "10.5", "worse by 0.5 s: below the MCID of 0.8", False),
        ("gait speed", "GAIT", "0.60", "0.70", "better by 0.10 m/s: meets the MCID of 0.10", True),
        ("PSFS mean", "PSFS", "3.0", "4.9", "better by 1.9 points: below the MCID of 2", False),
        ("ODI down 10", "ODI", "40", "30", "better by 10 points: meets the MCID of 10", True),
        ("NDI has no threshold here", "NDI", "20", "12", "better by 8 points", None),
    ],
)
def test_change_against_the_threshold(
    _case: str, code: str, first: str, latest: str, summary: str, meets: bool | None
) -> None:
    # given
    found = instrument(code)
    # when
    change = change_between(found, Decimal(first), Decimal(latest))
    # then
    assert change.summary == summary
    assert change.meets_threshold is meets


def test_every_instrument_names_its_licence_and_sources() -> None:
    for found in all_instruments():
        assert found.source
        assert found.licence_note
        assert found.low < found.high
        assert all(t.source and t.confidence in {"H", "M", "L"} for t in found.thresholds)
        if found.bands:
            assert found.bands_source
        # Only free, public-domain and form-less instruments are scored from their items.
        assert found.scored_in_full == (found.licence is not Licence.LICENSED)
        if found.licence is Licence.LICENSED:
            assert found.scoring is Scoring.TOTAL
            assert found.answers == ()


def test_the_issue_s_instruments_are_all_known() -> None:
    codes = {i.code for i in all_instruments()}
    assert {"LEFS", "PSFS", "BBS", "DHI", "TUG", "30CST", "GAIT"} <= codes
    assert {"ODI", "NDI", "QUICKDASH", "KOOS", "HOOS", "PROMIS-PF", "PROMIS-PI"} <= codes


def test_check_value_accepts_a_total_scored_on_paper() -> None:
    # a LEFS total typed from the paper form is range-checked like any value
    assert check_value(instrument("LEFS"), "52") == Decimal(52)
    with pytest.raises(MeasureInputError, match="LEFS value 81 is out of range"):
        check_value(instrument("LEFS"), "81")
