"""NCCI PTP and MUE tables: lookups, dates in force, CMS file parsing, bundled subset."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cleannote.rules.errors import ReferenceDataError
from cleannote.rules.ncci import (
    BUNDLED_MUE,
    BUNDLED_PTP,
    UNDATED,
    Mue,
    MueTable,
    PtpEdit,
    PtpTable,
    active_tables,
    bundled_mue,
    bundled_ptp,
    load_tables,
    parse_mue_file,
    parse_ptp_file,
    read_bundled_mue,
    read_bundled_ptp,
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "ncci"
TODAY = date(2026, 5, 1)


def _edit(c1: str, c2: str, effective: date, deletion: date | None, ind: int = 1) -> PtpEdit:
    return PtpEdit(c1, c2, False, effective, deletion, ind, "test", "test")


# --- bundled therapy subset ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code_a", "code_b", "column1", "column2", "indicator"),
    [
        ("97140", "97530", "97140", "97530", 1),
        ("97530", "97140", "97140", "97530", 1),
        ("97116", "97530", "97530", "97116", 1),
        ("97110", "97150", "97150", "97110", 1),
        ("97535", "97150", "97150", "97535", 1),
        ("97164", "97530", "97530", "97164", 1),
        ("97168", "97150", "97150", "97168", 1),
        ("97140", "97162", "97162", "97140", 1),
        ("97140", "97012", "97012", "97140", 1),
        ("97124", "98941", "98941", "97124", 1),
        ("97112", "98942", "98942", "97112", 1),
        ("97124", "97140", "97140", "97124", 1),
        ("97110", "97760", "97760", "97110", 1),
    ],
    ids=[
        "97140-97530", "reversed-order", "97530-97116", "97150-97110", "97150-97535",
        "reeval-97164-97530", "reeval-97168-97150", "eval-97162-97140", "97012-97140",
        "cmt-97124", "cmt-97112", "97140-97124-low", "97760-97110",
    ],
)  # fmt: skip
def test_bundled_pairs_found_in_either_order(code_a, code_b, column1, column2, indicator):
    # given the bundled therapy subset
    table = bundled_ptp()
    # when
    edit = table.edit_for(code_a, code_b, TODAY)
    # then
    assert edit is not None
    assert (edit.column1, edit.column2, edit.modifier_indicator) == (column1, column2, indicator)


@pytest.mark.parametrize(
    ("on", "expected_indicator"),
    [
        (date(2019, 12, 31), None),
        (date(2020, 1, 1), 0),
        (date(2020, 3, 31), 0),
        (date(2020, 4, 1), None),
        (TODAY, None),
    ],
    ids=["before-added", "day-added", "last-day", "day-deleted", "today"],
)
def test_2020_evaluation_hard_edits_only_in_their_window(on, expected_indicator):
    # given evaluation 97161 with 97530, a hard edit from 2020-01-01 to 2020-04-01
    table = bundled_ptp()
    # when
    edit = table.edit_for("97161", "97530", on)
    # then
    assert (edit.modifier_indicator if edit else None) == expected_indicator


def test_no_edit_between_97110_and_97530():
    # given two codes rules-facts lists no PTP edit for
    # when / then
    assert bundled_ptp().edit_for("97110", "97530", TODAY) is None


def test_every_bundled_row_names_source_and_confidence():
    # given the bundled files read row by row
    ptp_rows = read_bundled_ptp(BUNDLED_PTP)
    mue_rows = read_bundled_mue(BUNDLED_MUE)
    # then
    assert len(ptp_rows) >= 40
    assert all(row.source and row.confidence in ("H", "M", "L") for row in ptp_rows)
    assert all(row.source and row.confidence in ("H", "M", "L") for row in mue_rows)
    assert all(row.modifier_indicator in (0, 1, 9) for row in ptp_rows)


@pytest.mark.parametrize(
    ("code", "value", "confidence"),
    [
        ("97110", 6, "M"),
        ("97530", 6, "M"),
        ("97035", 2, "M"),
        ("97032", 4, "L"),
        ("92507", 1, "L"),
        ("92526", 1, "L"),
        ("97012", 1, "L"),
    ],
    ids=["97110", "97530", "97035", "97032", "92507", "92526", "97012"],
)
def test_bundled_mue_values_from_rules_facts(code, value, confidence):
    # when
    mue = bundled_mue().mue_for(code, TODAY)
    # then
    assert mue is not None
    assert (mue.value, mue.confidence) == (value, confidence)


def test_unconfirmed_mue_defaults_say_so():
    # given a therapy code whose MUE rules-facts does not give
    mue = bundled_mue().mue_for("97140", TODAY)
    # then its source admits it is not a CMS value
    assert mue is not None
    assert "NOT a CMS value" in mue.source
    assert mue.confidence == "L"


# --- table behaviour -----------------------------------------------------------------------------


def test_duplicate_keys_keep_the_row_in_force_with_latest_effective():
    # given three rows for one pair, two of them overlapping in force
    old = _edit("97012", "97140", date(2015, 1, 1), date(2019, 1, 1), ind=0)
    newer = _edit("97012", "97140", date(2019, 1, 1), None, ind=1)
    newest = _edit("97140", "97012", date(2021, 1, 1), None, ind=9)
    table = PtpTable([newest, old, newer])
    # when / then
    assert table.edit_for("97140", "97012", date(2016, 6, 1)) is old
    assert table.edit_for("97140", "97012", date(2020, 6, 1)) is newer
    assert table.edit_for("97012", "97140", date(2022, 6, 1)) is newest
    assert table.edit_for("97012", "97140", date(2014, 6, 1)) is None
    assert len(table) == 3


def test_edit_deleted_on_its_effective_date_is_never_in_force():
    # given a CMS-style retroactive deletion
    edit = _edit("G0283", "97014", date(2010, 1, 1), date(2010, 1, 1))
    # then
    assert not edit.in_force(date(2010, 1, 1))


def test_edits_among_checks_every_pair_once():
    # given a visit with four codes
    codes = ["97110", "97140", "97530", "97116", "97140"]
    # when
    found = bundled_ptp().edits_among(codes, TODAY)
    # then
    assert {(e.column1, e.column2) for e in found} == {("97140", "97530"), ("97530", "97116")}


def test_mue_table_respects_dates():
    # given two MUE rows for one code, one superseded
    table = MueTable(
        [
            Mue("97110", 4, 3, "", "test", date(2017, 1, 1), date(2020, 1, 1)),
            Mue("97110", 6, 3, "", "test", date(2020, 1, 1), None),
        ]
    )
    # then
    assert table.mue_for("97110", date(2018, 1, 1)).value == 4
    assert table.mue_for("97110", date(2021, 1, 1)).value == 6
    assert table.mue_for("97110", date(2016, 1, 1)) is None
    assert table.mue_for("97530", date(2021, 1, 1)) is None


# --- CMS files -----------------------------------------------------------------------------------


def test_parse_cms_ptp_file_skips_notice_lines_and_trailing_blanks():
    # when
    edits = parse_ptp_file(FIXTURES / "ptp_cms_layout.txt")
    # then
    assert len(edits) == 6
    first = edits[0]
    assert (first.column1, first.column2, first.modifier_indicator) == ("97140", "97530", 1)
    assert first.effective == date(2020, 1, 1)
    assert first.deletion is None
    assert first.rationale == "Mutually exclusive procedures"
    assert first.source == "CMS NCCI practitioner PTP file ptp_cms_layout.txt"
    assert edits[1].deletion == date(2020, 4, 1)
    assert edits[4].pre_1996 is True
    assert edits[4].modifier_indicator == 9


def test_parsed_duplicate_pair_resolves_by_date():
    # given the fixture lists 97012/97140 twice, the old row deleted when the new one began
    table = PtpTable(parse_ptp_file(FIXTURES / "ptp_cms_layout.txt"))
    # then
    assert table.edit_for("97140", "97012", date(2018, 1, 1)).effective == date(2015, 1, 1)
    assert table.edit_for("97140", "97012", date(2019, 1, 1)).effective == date(2019, 1, 1)


def test_bad_ptp_row_reports_file_and_line():
    # given a file whose fourth line has month 13
    path = FIXTURES / "ptp_bad_date.txt"
    # when
    with pytest.raises(ReferenceDataError) as caught:
        parse_ptp_file(path)
    # then
    assert caught.value.path == str(path)
    assert caught.value.line == 4
    assert "'20201301'" in caught.value.problem
    assert str(caught.value).startswith(f"{path}:4: ")


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("97140\t97530\t\t20200101\t*\t2\tx", "modifier '2'"),
        ("97140\t9753\t\t20200101\t*\t1\tx", "column 2 code"),
        ("97140\t97530\tY\t20200101\t*\t1\tx", "prior-to-1996"),
        ("97140\t97530\t\t20200101\t20190101\t1\tx", "before effective"),
        ("97140\t97530\t\t20200101", "expected 7"),
    ],
    ids=["modifier-2", "short-code", "pre-1996-flag", "deleted-before-effective", "too-few"],
)
def test_bad_ptp_rows_are_named(tmp_path, row, problem):
    # given a good row followed by a bad one
    path = tmp_path / "ptp.txt"
    path.write_text("notice\n97012\t97140\t\t20190101\t*\t1\tok\n" + row + "\n")
    # when
    with pytest.raises(ReferenceDataError) as caught:
        parse_ptp_file(path)
    # then
    assert caught.value.line == 3
    assert problem in caught.value.problem


def test_file_without_data_rows_is_refused(tmp_path):
    # given only notice lines
    path = tmp_path / "empty.txt"
    path.write_text("notice\nmore notice\n\n")
    # when / then
    with pytest.raises(ReferenceDataError, match="no PTP rows"):
        parse_ptp_file(path)


def test_missing_file_is_a_reference_data_error(tmp_path):
    with pytest.raises(ReferenceDataError, match="cannot read file"):
        parse_ptp_file(tmp_path / "absent.txt")


def test_parse_cms_mue_csv_with_indicator_text():
    # when
    mues = parse_mue_file(FIXTURES / "mue_cms_layout.csv", effective=date(2026, 4, 1))
    # then
    assert [(m.code, m.value, m.adjudication_indicator) for m in mues] == [
        ("97110", 6, 3),
        ("97035", 2, 2),
        ("92507", 1, 3),
        ("G0283", 1, 1),
    ]
    assert mues[2].rationale == "Nature of Service/Procedure, Clinical: Data"
    assert all(m.effective == date(2026, 4, 1) for m in mues)


def test_parse_mue_tab_layout_without_effective_applies_to_all_dates():
    # when
    mues = parse_mue_file(FIXTURES / "mue_tab_layout.txt")
    # then
    assert [(m.code, m.value, m.adjudication_indicator) for m in mues] == [
        ("97110", 6, 3),
        ("97530", 6, 3),
    ]
    assert MueTable(mues).mue_for("97530", date(2001, 1, 1)) is not None
    assert mues[0].effective == UNDATED


def test_bad_mue_indicator_reports_line():
    path = FIXTURES / "mue_bad_indicator.csv"
    with pytest.raises(ReferenceDataError) as caught:
        parse_mue_file(path)
    assert caught.value.line == 3
    assert "adjudication indicator" in caught.value.problem


def test_bundled_reader_refuses_row_without_source(tmp_path):
    # given a bundled-layout file with an empty source
    path = tmp_path / "ptp.tsv"
    header = bundled_header()
    path.write_text(header + "97140\t97530\tno\t2017-01-01\t\t1\twhy\t\tM\n")
    # when / then
    with pytest.raises(ReferenceDataError, match="source"):
        read_bundled_ptp(path)


def bundled_header() -> str:
    return BUNDLED_PTP.read_text().splitlines()[0] + "\n"


def test_bundled_mue_reader_refuses_bad_indicator(tmp_path):
    path = tmp_path / "mue.tsv"
    header = BUNDLED_MUE.read_text().splitlines()[0]
    path.write_text(header + "\n97110\t6\t4\t2017-01-01\t\twhy\tsrc\tM\n")
    with pytest.raises(ReferenceDataError) as caught:
        read_bundled_mue(path)
    assert caught.value.line == 2


# --- choosing tables -----------------------------------------------------------------------------


def test_load_tables_uses_given_files_and_falls_back_to_bundled(tmp_path):
    # when
    ptp, mue = load_tables(FIXTURES / "ptp_cms_layout.txt", tmp_path / "absent.csv")
    # then
    assert len(ptp) == 6
    assert mue is bundled_mue()


def test_active_tables_without_imports_are_bundled(tmp_path):
    assert active_tables(None) == (bundled_ptp(), bundled_mue())
    assert active_tables(tmp_path) == (bundled_ptp(), bundled_mue())
