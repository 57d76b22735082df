"""`cleannote refdata show` says which tables are bundled defaults and which are imported CMS
files, and their quarters (issue 9, ADR 0320)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from cleannote.cli.main import main

FIXTURES = Path(__file__).parent.parent / "fixtures" / "ncci"


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CLEANNOTE_DATA_DIR", str(tmp_path))
    return tmp_path / "refdata"


def test_show_names_the_bundled_tables_as_defaults_with_their_confidence(data_dir, capsys):
    # when nothing was imported
    status = main(["refdata", "show"])
    out = capsys.readouterr().out
    # then each table says it is Cleannote's subset, not a CMS file, and what it holds
    assert status == 0
    ncci, mue = out.splitlines()
    assert ncci.startswith("ncci: bundled defaults (Cleannote therapy subset, not a CMS file")
    assert "low confidence (L)" in ncci
    assert mue.startswith("mue: bundled defaults")
    assert "40 Cleannote defaults, not CMS values" in mue
    assert "are warnings" in mue


def test_show_json_counts_defaults_and_rows_that_only_warn(data_dir, capsys):
    main(["refdata", "show", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert report["mue"]["active"] == "bundled"
    assert report["mue"]["quarter"] is None
    assert report["mue"]["cleannote_defaults"] == 40
    assert report["mue"]["unconfirmed_rows"] == 44
    assert report["ncci"]["confidence"] == {"L": 19, "M": 35}


@pytest.mark.parametrize(
    ("argv", "quarter", "basis"),
    [
        pytest.param(
            ["mue", str(FIXTURES / "mue_cms_layout.csv"), "--effective", "2026-04-01"],
            "2026Q2",
            "effective date",
            id="mue-effective",
        ),
        pytest.param(
            ["mue", str(FIXTURES / "mue_cms_layout.csv"), "--quarter", "2026q3"],
            "2026Q3",
            "stated",
            id="mue-stated",
        ),
        pytest.param(
            ["ncci", str(FIXTURES / "ptp_cms_layout.txt")], "2020Q1", "newest edit", id="ncci"
        ),
    ],
)
def test_an_imported_cms_file_is_shown_with_its_quarter(data_dir, capsys, argv, quarter, basis):
    # given an import
    assert main(["refdata", "import", *argv]) == 0
    capsys.readouterr()
    # when
    main(["refdata", "show"])
    lines = {line.split(":")[0]: line for line in capsys.readouterr().out.splitlines()}
    main(["refdata", "show", "--json"])
    report = json.loads(capsys.readouterr().out)
    # then
    kind = argv[0]
    assert f"{kind}: imported CMS file(s)" in lines[kind]
    assert f"quarter {quarter} ({basis})" in lines[kind]
    assert "findings from them are errors" in lines[kind]
    assert (report[kind]["origin"], report[kind]["quarter"]) == ("CMS file", quarter)


def test_a_bad_quarter_is_one_line_and_exit_2(data_dir, capsys):
    status = main(
        ["refdata", "import", "mue", str(FIXTURES / "mue_cms_layout.csv"), "--quarter", "Q2"]
    )
    assert status == 2
    [line] = capsys.readouterr().err.splitlines()
    assert "is not a quarter written YYYYQn" in line
    assert not (data_dir / "mue").exists()


def test_the_command_line_imports_where_the_web_app_reads(data_dir, settings, capsys):
    """One data folder: `CLEANNOTE_DATA_DIR` is the folder the web app calls DATA_DIR, and both
    keep reference data in its `refdata` folder."""
    # given the web app and the command line on the same data folder
    from cleannote.platform.reference_tables import scrub_tables

    settings.DATA_DIR = data_dir.parent
    # when the command line imports a CMS PTP file
    assert main(["refdata", "import", "ncci", str(FIXTURES / "ptp_cms_layout.txt")]) == 0
    # then it sits in DATA_DIR/refdata and the web app's scrubs read it
    assert (data_dir.parent / "refdata" / "ncci" / "manifest.json").is_file()
    scrub_tables.cache_clear()
    try:
        ptp, _ = scrub_tables()
    finally:
        scrub_tables.cache_clear()
    edit = ptp.edit_for("97530", "97140", date(2026, 5, 1))
    assert edit is not None
    assert edit.source == "CMS NCCI practitioner PTP file ptp_cms_layout.txt"
