"""Files the command line writes with patient data are owner-only (0600) under a 022 umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from cleannote.cli.main import main
from tests.test_examples import EXAMPLES_DAY

EXAMPLE = str(Path(__file__).resolve().parents[2] / "examples" / "medicare-pt-follow-up.json")


@pytest.fixture(autouse=True)
def _permissive_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.mark.parametrize(
    ("argv", "name"),
    [
        (["form", "cms1500", "--date", EXAMPLES_DAY, EXAMPLE, "-o"], "forms.pdf"),
        (
            ["form", "cms1500", "--data-only", "--date", EXAMPLES_DAY, EXAMPLE, "-o"],
            "forms-data-only.pdf",
        ),
        (["edi", "837", "--as-of", EXAMPLES_DAY, EXAMPLE, "-o"], "claims.837"),
    ],
    ids=["cms1500", "cms1500-data-only", "837p"],
)
def test_output_files_are_owner_only(tmp_path, capsys, argv, name):
    # given a file another run left world-readable
    target = tmp_path / name
    target.write_bytes(b"old")
    target.chmod(0o644)
    # when
    status = main([*argv, str(target)])
    # then
    capsys.readouterr()
    assert status == 0
    assert target.read_bytes() != b"old"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_an_837_into_a_missing_folder_is_one_line_and_exit_2(tmp_path, capsys):
    status = main(
        [
            "edi",
            "837",
            "--as-of",
            EXAMPLES_DAY,
            EXAMPLE,
            "-o",
            str(tmp_path / "missing" / "claims.837"),
        ]
    )
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1
    assert "cannot write" in err
    assert "No such file or directory" in err
