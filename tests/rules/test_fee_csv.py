"""Reading a charge master or contract CSV: every bad row with file, line and column (ADR 0720)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cleannote.rules.fee_csv import TEMPLATE, FeeProblem, read_fee_csv

HEADER = "code,modifier,effective_from,effective_through,amount\n"
KNOWN = {"97110", "97140", "97530"}


def read(data: bytes):
    return read_fee_csv(data, file="fees.csv", known_code=KNOWN.__contains__)


def test_good_file_reads_to_the_cent():
    parsed = read(
        (HEADER + '97110,,2026-01-01,,65\n97110,gp,2026-01-01,2026-12-31,"$1,062.5"\n').encode()
    )
    assert parsed.ok
    first, second = parsed.rows
    assert (first.line, first.code, first.modifier, first.amount) == (
        2,
        "97110",
        "",
        Decimal("65.00"),
    )
    assert (second.modifier, second.effective_through, second.amount) == (
        "GP", dt.date(2026, 12, 31), Decimal("1062.50"),
    )  # fmt: skip


def test_the_template_reads_cleanly():
    assert read(TEMPLATE.encode()).ok


BAD_ROWS = [
    # (row, line, column, words in the message)
    ("99999,,2026-01-01,,65.00", 2, "code", "'99999' is not a CPT or HCPCS code"),
    (",,2026-01-01,,65.00", 2, "code", "is empty"),
    ("97110,,2026-01-01,,65.001", 2, "amount", "'65.001' is not dollars and cents"),
    ("97110,,2026-01-01,,-5.00", 2, "amount", "'-5.00' is not dollars and cents"),
    ("97110,,2026-01-01,,abc", 2, "amount", "'abc' is not dollars and cents"),
    ("97110,,2026-02-30,,65.00", 2, "effective_from", "'2026-02-30' is not a date"),
    ("97110,,01/02/2026,,65.00", 2, "effective_from", "is not a date YYYY-MM-DD"),
    ("97110,,2026-03-01,2026-02-01,65.00", 2, "effective_through", "is before effective_from"),
    ("97110,GPX,2026-01-01,,65.00", 2, "modifier", "is not a two-character modifier"),
    ("97110,,2026-01-01,65.00", 2, "", "has 4 cells; the header has 5"),
]


@pytest.mark.parametrize(("row", "line", "column", "words"), BAD_ROWS)
def test_bad_row_is_named_by_file_line_and_column(row, line, column, words):
    parsed = read((HEADER + row + "\n").encode())
    assert parsed.rows == ()
    (problem,) = parsed.problems
    assert (problem.file, problem.line, problem.column) == ("fees.csv", line, column)
    assert words in problem.message


def test_duplicate_code_modifier_and_date_points_at_the_first():
    parsed = read(
        (
            HEADER
            + "97110,GP,2026-01-01,,65.00\n97110,,2026-01-01,,65.00\n"
            + "97110,GP,2026-01-01,,60.00\n97110,GP,2026-07-01,,60.00\n"
        ).encode()
    )
    (problem,) = parsed.problems
    assert (problem.line, problem.column) == (4, "code")
    assert "is on line 2 already" in problem.message


def test_all_bad_rows_are_listed_not_just_the_first():
    parsed = read((HEADER + "99999,,2026-01-01,,1\n97110,,2026-01-01,,x\n97140,,,,1\n").encode())
    assert [(p.line, p.column) for p in parsed.problems] == [
        (2, "code"), (3, "amount"), (4, "effective_from"),
    ]  # fmt: skip
    assert parsed.rows == ()


NO_THROUGH = b"code,modifier,effective_from,amount\n97110,,2026-01-01,65\n"
LATIN_1 = (HEADER + "97110,,2026-01-01,,65.00\n97140,\xe9,2026-01-01,,1\n").encode("latin-1")
FILE_PROBLEMS = [
    # (bytes, line, words)
    (b"", 0, "the file is empty"),
    (b"  \n\n", 0, "the file is empty"),
    (HEADER.encode(), 0, "a header but no rows"),
    (NO_THROUGH, 1, "missing column effective_through"),
    (b"cpt,modifier,effective_from,effective_through,amount\n", 1, "unknown column 'cpt'"),
    (LATIN_1, 3, "is not UTF-8"),
]  # fmt: skip


@pytest.mark.parametrize(("data", "line", "words"), FILE_PROBLEMS)
def test_file_level_problems(data, line, words):
    parsed = read(data)
    assert parsed.rows == ()
    assert parsed.problems[0].line == line
    assert any(words in p.message for p in parsed.problems), parsed.problems


def test_problem_reads_as_a_sentence():
    problem = FeeProblem("fees.csv", 7, "amount", "'x' is not dollars and cents (like 65.00)")
    assert (
        str(problem) == "fees.csv, line 7, column amount: 'x' is not dollars and cents (like 65.00)"
    )
    assert str(FeeProblem("fees.csv", 0, "", "the file is empty")) == "fees.csv: the file is empty"


def test_columns_in_any_order_with_a_byte_order_mark():
    data = "\ufeffamount,code,modifier,effective_through,effective_from\n65,97110,,,2026-01-01\n"
    (row,) = read(data.encode()).rows
    assert (row.code, row.amount, row.effective_from) == (
        "97110",
        Decimal("65.00"),
        dt.date(2026, 1, 1),
    )
