"""A hostile argument (thousands of characters, a name too long for the file system) gets one
short line and exit 2 from every command, never a traceback or the argument echoed whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleannote.cli.errors import one_short_line
from cleannote.cli.main import main

EXAMPLE = str(Path(__file__).resolve().parents[2] / "examples" / "slp-visit.json")
HUGE = "9" * 5000

CASES = [
    ("icd-excludes", ["icd", "excludes", HUGE, "M54.50"], "is not an ICD-10-CM code"),
    ("ncci-date", ["ncci", "--date", HUGE, "97110", "97140"], "is not a YYYY-MM-DD date"),
    ("ncci-code", ["ncci", "97110", HUGE], "is not a CPT/HCPCS code"),
    ("units-method", ["units", "--method", HUGE, "97110=10"], "invalid choice"),
    ("codes-show", ["codes", "show", HUGE], "unknown procedure code"),
    ("edi-read-name", ["edi", "read", HUGE], "File name too long"),
    ("edi-837-control", ["edi", "837", "--control", HUGE, EXAMPLE], "invalid int value"),
    ("edi-837-output", ["edi", "837", EXAMPLE, "-o", "{tmp}/" + HUGE], "File name too long"),
    ("cms1500-output", ["form", "cms1500", EXAMPLE, "-o", "{tmp}/" + HUGE], "File name too long"),
    ("scrub-name", ["scrub", HUGE], "File name too long"),
    ("refdata-name", ["refdata", "import", "mue", HUGE], "File name too long"),
]


@pytest.mark.parametrize(("argv", "says"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_one_short_line_and_exit_2(tmp_path, monkeypatch, capsys, argv, says):
    monkeypatch.setenv("CLEANNOTE_DATA_DIR", str(tmp_path))
    status = main([a.replace("{tmp}", str(tmp_path)) for a in argv])
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1
    assert len(err) < 300
    assert says in err


def test_short_quoted_values_are_kept_whole():
    message = "refdata import: no such file 'reference/cms/2026q2/PTP/practitioner_f1.txt'"
    assert one_short_line(message) == message
    assert one_short_line("a\nb") == "a b"
