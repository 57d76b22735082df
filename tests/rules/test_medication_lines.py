"""Reading a patient's medication list, one medication a line (ADR 0964): each case a line as
typed and the parts the chart gets, and the lists refused with the line they name."""

from __future__ import annotations

import pytest

from cleannote.rules.medication_lines import (
    MAX_LINES,
    MedicationLineError,
    name_key,
    parse_line,
    parse_lines,
    split_lines,
)

# (case, the line, name, dose, how often, route, note)
LINES = [
    ("name dose frequency", "ibuprofen 200 mg twice a day", "ibuprofen", "200 mg",
     "twice a day", "", ""),
    ("with a route", "Lisinopril 10 mg once a day by mouth", "Lisinopril", "10 mg",
     "once a day", "by mouth", ""),
    ("name only", "vitamin D", "vitamin D", "", "", "", ""),
    ("dose first", "200 mg ibuprofen as needed for pain", "ibuprofen", "200 mg",
     "as needed for pain", "", ""),
    ("two frequencies and an inhaler", "albuterol inhaler 2 puffs every 4-6 hours as needed",
     "albuterol", "2 puffs", "every 4-6 hours, as needed", "inhaled", ""),
    ("strength and count", "Tylenol 500mg 2 tablets at bedtime", "Tylenol", "500mg 2 tablets",
     "at bedtime", "", ""),
    ("a bullet", "- aspirin 81 mg daily", "aspirin", "81 mg", "daily", "", ""),
    ("why, as a note", "fish oil for my heart", "fish oil", "", "", "", "for my heart"),
    ("a gel keeps its name", "Diclofenac gel on the skin 4 times a day", "Diclofenac gel", "",
     "4 times a day", "on the skin", ""),
    ("words in between", "ibuprofen 200 mg for headaches twice a day", "ibuprofen", "200 mg",
     "twice a day", "", "for headaches"),
    ("abbreviations", "Metformin 500 mg PO BID", "Metformin", "500 mg", "BID", "by mouth", ""),
    ("injection monthly", "Vitamin B12 1000 mcg injection monthly", "Vitamin B12", "1000 mcg",
     "monthly", "injection", ""),
]  # fmt: skip


@pytest.mark.parametrize(
    ("line", "name", "dose", "frequency", "route", "note"),
    [case[1:] for case in LINES],
    ids=[case[0] for case in LINES],
)
def test_a_line_is_read_into_the_charts_fields(line, name, dose, frequency, route, note):
    read = parse_line(line)
    assert (read.name, read.dose, read.frequency, read.route, read.note) == (
        name,
        dose,
        frequency,
        route,
        note,
    )


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("ibuprofen\n\n  lisinopril 10 mg  \r\n", ["ibuprofen", "lisinopril 10 mg"]),
        ("Lisinopril 10 mg; ibuprofen as needed", ["Lisinopril 10 mg", "ibuprofen as needed"]),
        ("1. aspirin\n2) tylenol\n• fish oil", ["aspirin", "tylenol", "fish oil"]),
        ("   \n", []),
    ],
    ids=["blank-lines", "semicolons", "numbered-and-bullets", "empty"],
)
def test_the_list_is_split_into_lines(text, lines):
    assert split_lines(text) == lines


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("ibuprofen\n200 mg twice a day", 2, "name the medication"),
        ("x" * 201, 1, "keep each line under 200 characters"),
        ("\n".join(f"med {n}" for n in range(MAX_LINES + 1)), 0, "list up to 20"),
    ],
    ids=["no-name", "too-long", "too-many"],
)
def test_a_list_that_cannot_be_read_names_the_line(text, line, problem):
    with pytest.raises(MedicationLineError) as refused:
        parse_lines(text)
    assert refused.value.line == line
    assert refused.value.problem.startswith(problem)


def test_names_match_in_any_case_and_spacing():
    assert parse_line("IBUPROFEN  200 mg").key == name_key("ibuprofen") == "ibuprofen"
    assert name_key(" Fish   Oil ") == "fish oil"
