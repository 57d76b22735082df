"""A run that stops part way has its own exit status, 3, apart from error findings (1) and bad
input (2): a `--jobs` worker process that dies, a worker's bug, a bug in one process."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from cleannote.cli import scrub as scrub_command
from cleannote.cli import scrub_jobs
from cleannote.cli.errors import EXIT_BAD_INPUT, EXIT_CRASH, EXIT_FINDINGS, EXIT_OK
from cleannote.cli.main import build_parser, main
from tests.test_examples import EXAMPLES_DAY

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _dies(unit: Any) -> Any:
    """A worker's work that ends its process, as if killed (out of memory, a signal)."""
    os._exit(70)


def _fails(unit: Any) -> Any:
    raise ValueError("a bug in a worker")


def _scrub(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(["scrub", "--as-of", EXAMPLES_DAY, *args, str(EXAMPLES)])
    return status, capsys.readouterr().err


def test_the_statuses_are_distinct() -> None:
    assert len({EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT, EXIT_CRASH}) == 4
    assert EXIT_CRASH == 3


def test_a_worker_that_dies_exits_3_with_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given every worker dies on its first unit
    monkeypatch.setattr(scrub_jobs, "_report_unit", _dies)
    # when
    status, err = _scrub(capsys, "--jobs", "2")
    # then: not 1, which would read as "error findings"
    assert status == EXIT_CRASH
    assert err.strip().splitlines()[-1] == (
        "cleannote: error: a scrub worker process died (killed, or out of memory); the output "
        "is incomplete"
    )
    assert "Traceback" not in err


def test_near_miss_the_same_run_with_healthy_workers_exits_1_for_its_findings(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, _ = _scrub(capsys, "--jobs", "2")
    assert status == EXIT_FINDINGS  # three batch visits carry a deliberate error


def test_a_bug_in_a_worker_exits_3_with_its_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scrub_jobs, "_report_unit", _fails)
    status, err = _scrub(capsys, "--jobs", "2")
    assert status == EXIT_CRASH
    assert "ValueError: a bug in a worker" in err
    assert err.strip().splitlines()[-1].startswith("cleannote: error: stopped by a bug")


def test_a_bug_in_one_process_exits_3_too(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_scrub(*args: Any) -> Any:
        raise ValueError("a bug in the scrubber")

    monkeypatch.setattr(scrub_command, "scrub", broken_scrub)
    status, err = _scrub(capsys)
    assert status == EXIT_CRASH
    assert "ValueError: a bug in the scrubber" in err


def test_the_help_documents_the_statuses() -> None:
    parser = build_parser()
    assert "3 the run stopped part way" in parser.format_help()
    scrub_help = parser._subparsers._group_actions[0].choices["scrub"].format_help()  # type: ignore[union-attr]
    assert "3 when the run stopped part way" in " ".join(scrub_help.split())
