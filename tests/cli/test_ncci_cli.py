"""`cleannote ncci` lookups and `cleannote refdata import` into a temporary data directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleannote.cli.main import main

FIXTURES = Path(__file__).parent.parent / "fixtures" / "ncci"


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CLEANNOTE_DATA_DIR", str(tmp_path))
    return tmp_path / "refdata"


def test_ncci_prints_edit_in_force(data_dir, capsys):
    # when
    status = main(["ncci", "97530", "97140", "--date", "2026-05-01"])
    # then
    out = capsys.readouterr().out
    assert status == 0
    assert "column 1:   97140" in out
    assert "column 2:   97530" in out
    assert "modifier:   1 (bypass allowed with 59" in out
    assert "source:" in out


def test_ncci_no_edit_is_an_answer(data_dir, capsys):
    status = main(["ncci", "97161", "97530", "--date", "2020-04-01"])
    assert status == 0
    assert capsys.readouterr().out == "no edit in force between 97161 and 97530 on 2020-04-01\n"


def test_ncci_json_for_dated_hard_edit(data_dir, capsys):
    # when
    status = main(["ncci", "--json", "97161", "97530", "--date", "2020-02-15"])
    # then
    payload = json.loads(capsys.readouterr().out)
    assert status == 0
    assert payload["date"] == "2020-02-15"
    assert payload["edit"]["column1"] == "97530"
    assert payload["edit"]["column2"] == "97161"
    assert payload["edit"]["modifier_indicator"] == 0
    assert payload["edit"]["deletion"] == "2020-04-01"


def test_ncci_mue(data_dir, capsys):
    status = main(["ncci", "mue", "97110", "--date", "2026-05-01", "--json"])
    payload = json.loads(capsys.readouterr().out)
    assert status == 0
    assert payload["mue"]["value"] == 6
    assert payload["mue"]["adjudication_indicator"] == 3


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ncci", "97530", "9714"], "'9714' is not a CPT/HCPCS code"),
        (["ncci", "97530", "97140", "--date", "2026-13-01"], "'2026-13-01' is not a YYYY-MM-DD"),
        (["ncci", "97530"], "expected two codes"),
        (["ncci", "mue", "97110", "97530"], "exactly one CODE"),
        (["ncci", "97110", "99999"], "unknown procedure code '99999'"),
        (["ncci", "99998", "97110"], "unknown procedure code '99998'"),
        (["ncci", "mue", "99999"], "unknown procedure code '99999'"),
        (["ncci", "--json", "mue", "A1234"], "unknown procedure code 'A1234'"),
        (["ncci", "mue", "9" * 5000], "is not a CPT/HCPCS code"),
    ],
    ids=[
        "malformed-code",
        "bad-date",
        "one-code",
        "mue-two-codes",
        "unknown-second-code",
        "unknown-first-code",
        "mue-unknown-code",
        "mue-unknown-hcpcs-json",
        "mue-huge-argument",
    ],
)
def test_ncci_bad_input_exits_2_with_one_line(data_dir, capsys, argv, message):
    # when
    status = main(argv)
    # then
    err = capsys.readouterr().err
    assert status == 2
    assert message in err
    assert err.count("\n") == 1
    assert len(err) < 200


def test_a_code_only_an_imported_table_knows_is_looked_up(data_dir, capsys):
    # given an imported MUE file carrying a code outside the therapy catalog
    mue = data_dir.parent / "mue.txt"
    mue.write_text("HCPCS\tMUE\tMAI\tRationale\n99213\t1\t3\tNature of Service\n")
    assert main(["refdata", "import", "mue", str(mue)]) == 0
    capsys.readouterr()
    # when / then: it is an answer, not an unknown code
    assert main(["ncci", "mue", "99213", "--date", "2026-05-01"]) == 0
    assert capsys.readouterr().out.startswith("MUE in force for 99213")


def test_refdata_import_ptp_becomes_active(data_dir, capsys):
    # given a CMS-layout PTP file whose 97140/97530 edit starts 2020-01-01
    source = FIXTURES / "ptp_cms_layout.txt"
    # when
    status = main(["refdata", "import", "ncci", str(source)])
    # then it is stored with a manifest
    out = capsys.readouterr().out
    assert status == 0
    assert "imported 6 ncci rows from ptp_cms_layout.txt" in out
    manifest = json.loads((data_dir / "ncci" / "manifest.json").read_text())
    assert manifest["rows"] == 6
    assert manifest["files"][0]["name"] == "ptp_cms_layout.txt"
    assert len(manifest["files"][0]["sha256"]) == 64
    assert manifest["imported_at"]
    # and lookups now read it instead of the bundled subset
    main(["ncci", "--json", "97530", "97140", "--date", "2019-06-01"])
    assert json.loads(capsys.readouterr().out)["edit"] is None
    main(["ncci", "--json", "97530", "97116", "--date", "2026-05-01"])
    assert json.loads(capsys.readouterr().out)["edit"] is None
    main(["ncci", "--json", "97530", "97140", "--date", "2026-05-01"])
    edit = json.loads(capsys.readouterr().out)["edit"]
    assert edit["source"] == "CMS NCCI practitioner PTP file ptp_cms_layout.txt"


def test_a_small_import_says_it_replaces_the_bundled_table_and_the_rows_of_each(data_dir, capsys):
    # given the bundled therapy subset is active
    from cleannote.rules.ncci import bundled_ptp

    bundled = len(bundled_ptp())
    assert bundled > 6
    # when a 6-row file is imported
    status = main(["refdata", "import", "ncci", str(FIXTURES / "ptp_cms_layout.txt")])
    # then the answer says what it replaced, with both row counts, and warns that it is smaller
    out, err = capsys.readouterr()
    assert status == 0
    assert (
        f"this import replaces the bundled therapy subset ({bundled:,} rows) with "
        "ptp_cms_layout.txt (6 rows) for every lookup and scrub\n"
    ) in out
    assert err.startswith(
        "cleannote: warning: the imported ncci table holds fewer rows than the bundled therapy "
        "subset; a code only that one covered now has no edit"
    )
    assert err.count("\n") == 1


def test_a_reimport_names_the_import_it_replaces(data_dir, capsys):
    main(["refdata", "import", "mue", str(FIXTURES / "mue_cms_layout.csv")])
    capsys.readouterr()
    status = main(["refdata", "import", "mue", "--json", str(FIXTURES / "mue_tab_layout.txt")])
    out, err = capsys.readouterr()
    assert status == 0
    assert json.loads(out)["rows"] == 2
    assert err.startswith(
        "cleannote: this import replaces the previous import of mue_cms_layout.csv (4 rows) "
        "with mue_tab_layout.txt (2 rows)"
    )


def test_refdata_import_bad_file_stores_nothing(data_dir, capsys):
    # given a file with a bad date on line 4
    source = FIXTURES / "ptp_bad_date.txt"
    # when
    status = main(["refdata", "import", "ncci", str(source)])
    # then
    err = capsys.readouterr().err
    assert status == 2
    assert err == f"{source}:4: effective date '20201301' is not a real YYYYMMDD date\n"
    assert not (data_dir / "ncci").exists()


def test_refdata_bad_import_keeps_previous_active_table(data_dir, capsys):
    # given a good import
    assert main(["refdata", "import", "ncci", str(FIXTURES / "ptp_cms_layout.txt")]) == 0
    before = sorted(p.name for p in (data_dir / "ncci").iterdir())
    # when a later import of good and bad files fails
    status = main(
        [
            "refdata",
            "import",
            "ncci",
            str(FIXTURES / "ptp_cms_layout.txt"),
            str(FIXTURES / "ptp_bad_date.txt"),
        ]
    )
    # then nothing changed
    assert status == 2
    assert sorted(p.name for p in (data_dir / "ncci").iterdir()) == before
    capsys.readouterr()
    main(["refdata", "show"])
    assert "ncci: imported" in capsys.readouterr().out


def test_refdata_import_mue_with_effective_quarter(data_dir, capsys):
    # when
    status = main(
        [
            "refdata", "import", "mue", str(FIXTURES / "mue_cms_layout.csv"),
            "--effective", "2026-04-01", "--json",
        ]
    )  # fmt: skip
    # then
    manifest = json.loads(capsys.readouterr().out)
    assert status == 0
    assert manifest["effective"] == "2026-04-01"
    assert manifest["rows"] == 4
    main(["ncci", "--json", "mue", "97035", "--date", "2026-05-01"])
    mue = json.loads(capsys.readouterr().out)["mue"]
    assert (mue["value"], mue["adjudication_indicator"]) == (2, 2)
    main(["ncci", "--json", "mue", "97035", "--date", "2026-03-31"])
    assert json.loads(capsys.readouterr().out)["mue"] is None


def test_refdata_reimport_replaces_old_files(data_dir, capsys):
    # given two successive MUE imports
    main(["refdata", "import", "mue", str(FIXTURES / "mue_cms_layout.csv")])
    main(["refdata", "import", "mue", str(FIXTURES / "mue_tab_layout.txt")])
    # then only the second file and the manifest remain
    names = sorted(p.name for p in (data_dir / "mue").iterdir())
    assert len(names) == 2
    assert "manifest.json" in names
    capsys.readouterr()
    main(["ncci", "mue", "97035"])
    assert capsys.readouterr().out.startswith("no MUE in force for 97035")


def test_refdata_import_missing_file(data_dir, capsys):
    status = main(["refdata", "import", "ncci", str(data_dir / "absent.txt")])
    assert status == 2
    assert "no such file" in capsys.readouterr().err


def test_refdata_show_bundled(data_dir, capsys):
    status = main(["refdata", "show"])
    out = capsys.readouterr().out
    assert status == 0
    assert "ncci: bundled defaults (Cleannote therapy subset" in out
    assert "mue: bundled defaults (Cleannote therapy subset" in out


def test_tampered_import_is_refused(data_dir, capsys):
    # given an import whose stored file was changed afterwards
    main(["refdata", "import", "ncci", str(FIXTURES / "ptp_cms_layout.txt")])
    stored = next(p for p in (data_dir / "ncci").iterdir() if p.name != "manifest.json")
    stored.write_text(stored.read_text().replace("97140\t97530", "97140\t97110"))
    capsys.readouterr()
    # when
    status = main(["ncci", "97140", "97530"])
    # then
    assert status == 2
    assert "sha256 does not match the manifest" in capsys.readouterr().err
