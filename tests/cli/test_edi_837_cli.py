"""`cleannote edi 837`: clean visits become one pyx12-valid 837P; refused visits are named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleannote.cli.main import main
from tests.edi.pyx12_check import pyx12_errors
from tests.test_examples import EXAMPLES_DAY

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_clean_visits_become_one_valid_837p(tmp_path, capsys):
    # given two clean example visits
    out = tmp_path / "claims.837"
    # when
    status = main(
        ["edi", "837", "-o", str(out), "--control", "42", "--as-of", EXAMPLES_DAY,
         str(EXAMPLES / "medicare-pt-follow-up.json"), str(EXAMPLES / "slp-visit.json")]
    )  # fmt: skip
    # then
    data = out.read_bytes()
    assert status == 0
    assert pyx12_errors(data) == []
    assert b"*000000042*0*T*:~" in data
    assert data.count(b"~CLM*") == 2
    assert "wrote 2 claims" in capsys.readouterr().err


def test_refused_visits_are_reported_and_left_out(tmp_path, capsys):
    out = tmp_path / "batch.837"
    status = main(
        ["edi", "837", "-o", str(out), "--as-of", EXAMPLES_DAY, str(EXAMPLES / "batch.jsonl")]
    )
    err = capsys.readouterr().err
    assert status == 1
    assert "visit v0000005 refused: doc.no-goal" in err
    assert out.read_bytes().count(b"~CLM*") == 17
    assert b"CLM*v0000005*" not in out.read_bytes()
    assert pyx12_errors(out.read_bytes()) == []


def test_stdout_is_the_default_output(capsys):
    status = main(["edi", "837", str(EXAMPLES / "slp-visit.json")])
    assert status == 0
    assert capsys.readouterr().out.startswith("ISA*00*")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--control", "0"], "--control 0: must be a positive number"),
        (["--usage", "X"], "invalid choice: 'X'"),
    ],
    ids=["control-zero", "bad-usage"],
)
def test_bad_options_are_one_line_and_exit_2(capsys, args, message):
    status = main(["edi", "837", *args, str(EXAMPLES / "slp-visit.json")])
    err = capsys.readouterr().err
    assert status == 2
    assert message in err
    assert "Traceback" not in err


def test_unreadable_visit_is_exit_2_and_the_rest_is_written(tmp_path, capsys):
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"schema": "cleannote.visit/1", "id": "x"}))
    out = tmp_path / "out.837"
    status = main(["edi", "837", "-o", str(out), str(broken), str(EXAMPLES / "slp-visit.json")])
    assert status == 2
    assert "broken.json" in capsys.readouterr().err
    assert out.read_bytes().count(b"~CLM*") == 1


def test_no_clean_visit_writes_nothing(tmp_path, capsys):
    broken = tmp_path / "broken.json"
    broken.write_text("{}")
    out = tmp_path / "out.837"
    status = main(["edi", "837", "-o", str(out), str(broken)])
    assert status == 2
    assert not out.exists()
    assert "no 837P written" in capsys.readouterr().err
