"""`cleannote scrub --jobs N` writes what `--jobs 1` writes, byte for byte, with the same exit
status: on examples/, on a few thousand generated visits with bad lines spread over several
files and standard input, and in both output forms. The parent reads ahead a bounded number of
chunks, and a worker that fails or dies ends the run instead of hanging it."""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest
from benchmarks.visit_generator import generate_visits

from cleannote.cli import scrub_jobs
from cleannote.cli.main import main
from cleannote.rules.visit_format import read_raw

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
_RUN_TIMEOUT_S = 120  # far above a run here; a hung pool fails the test instead of the suite


def _run(
    argv: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    stdin_text: str = "",
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin_text))
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _lines(count: int, seed: int) -> list[str]:
    return [json.dumps(visit) for visit in generate_visits(count, seed=seed)]


def _broken(lines: list[str]) -> list[str]:
    """The lines with every kind of bad line a batch meets, spread through it."""
    wrong_type = json.loads(lines[5])
    wrong_type["services"] = "none"
    unknown_field = json.loads(lines[9])
    unknown_field["colour"] = "blue"
    out = list(lines)
    out[3] = '{"id": "v-cut", "schema": '  # cut short
    out[5] = json.dumps(wrong_type)
    out[7] = "   "  # blank lines are skipped, still counted
    out[9] = json.dumps(unknown_field)
    out[11] = "[1, 2]"
    out[len(out) // 2] = ""
    out[-2] = "not json at all"
    return out


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three JSON Lines files (one of 2,500 lines, past the default chunk), a JSON array
    document and a nested folder; bad lines in each line file."""
    root = tmp_path_factory.mktemp("batch")
    (root / "month").mkdir()
    (root / "month" / "week2").mkdir()
    big = _broken(_lines(2500, seed=11))
    (root / "month" / "week1.jsonl").write_text("\n".join(big) + "\n", encoding="utf-8")
    small = _broken(_lines(40, seed=12))
    (root / "month" / "week2" / "late.ndjson").write_text("\n".join(small), encoding="utf-8")
    doc = [json.loads(line) for line in _lines(6, seed=13)]
    doc[2]["date_of_service"] = "yesterday"
    (root / "month" / "week2" / "doc.json").write_text(json.dumps(doc), encoding="utf-8")
    (root / "month" / "notes.txt").write_text("not a visit file", encoding="utf-8")
    (root / "extra.jsonl").write_text("\n".join(_broken(_lines(30, seed=14))), encoding="utf-8")
    return root


def _same_for_jobs(
    argv: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    stdin_text: str = "",
    jobs: str = "2",
) -> tuple[int, str, str]:
    one = _run(["scrub", "--jobs", "1", *argv], capsys, monkeypatch, stdin_text)
    many = _run(["scrub", "--jobs", jobs, *argv], capsys, monkeypatch, stdin_text)
    assert many[0] == one[0]
    assert many[2] == one[2]
    assert many[1] == one[1]
    return one


@pytest.mark.parametrize("output", [["--json"], []], ids=["json", "text"])
def test_examples_scrub_the_same_in_two_processes(
    output: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given the examples folder (documents and a JSON Lines batch with error findings)
    # when it is scrubbed with --jobs 1 and --jobs 2, then the output and status are the same
    status, out, _ = _same_for_jobs([*output, str(EXAMPLES)], capsys, monkeypatch)
    assert status == 1
    assert "v-2026-0310-07" in out


@pytest.mark.parametrize("output", [["--json"], []], ids=["json", "text"])
def test_a_batch_with_bad_lines_over_several_files_scrubs_the_same(
    output: list[str],
    batch: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given folders, a file named twice, a missing file and stdin, with bad lines in each
    stdin_text = "\n".join(_broken(_lines(25, seed=15)))
    argv = [
        *output,
        str(batch / "month"),
        str(batch / "extra.jsonl"),
        "-",
        str(batch / "missing.jsonl"),
        str(batch / "extra.jsonl"),
    ]
    # when scrubbed in one process and in three, then the output, errors and status match
    status, _, err = _same_for_jobs(argv, capsys, monkeypatch, stdin_text, jobs="3")
    assert status == 2
    assert f"{batch / 'month' / 'week1.jsonl'}:4: not valid JSON" in err
    assert f"{batch / 'month' / 'week1.jsonl'}:2499: not valid JSON" in err
    assert "<stdin>:12: " in err
    assert f"{batch / 'missing.jsonl'}: cannot read" in err
    assert err.count("cleannote: error: ") == 5 * 5 + 1 + 1  # five bad lines a line file


def test_small_chunks_keep_the_order_and_the_line_numbers(
    batch: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given chunks of 7 lines (the parent cuts; the workers number lines from each chunk's first)
    monkeypatch.setattr(scrub_jobs, "CHUNK_LINES", 7)
    stdin_text = "\n\n" + "\n".join(_broken(_lines(60, seed=16)))
    # when the JSON Lines stdin (after two blank lines) and a file are scrubbed
    # then both runs agree on every report and every line number
    _same_for_jobs(["--json", "-", str(batch / "extra.jsonl")], capsys, monkeypatch, stdin_text)


@pytest.mark.parametrize(
    "stdin_text",
    [
        pytest.param("", id="empty"),
        pytest.param("\n  \n", id="only-blank-lines"),
        pytest.param("[" + ", ".join(_lines(3, seed=17)) + "]", id="array-document"),
        pytest.param(json.dumps(json.loads(_lines(1, seed=18)[0]), indent=2), id="pretty-object"),
        pytest.param('{"id": "v-1",\n' + _lines(2, seed=19)[1], id="first-line-not-json"),
        pytest.param("\n" + _lines(1, seed=20)[0] + "\n{oops\n", id="lines-after-a-blank"),
    ],
)
def test_every_shape_of_standard_input_scrubs_the_same(
    stdin_text: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _same_for_jobs(["--json", "-"], capsys, monkeypatch, stdin_text)


def test_json_lines_on_standard_input_is_cut_into_chunks() -> None:
    # given 25 JSON Lines visits after a blank line, and chunks of 10 lines
    stdin = io.StringIO("\n" + "\n".join(_lines(25, seed=22)))
    # when the reader cuts standard input as the parent asks, then each chunk is raw lines with
    # its first number
    units = list(read_raw(["-"], stdin, chunk_lines=10))
    assert [(type(u).__name__, getattr(u, "first", None)) for u in units] == [
        ("RawLines", 1),
        ("RawLines", 11),
        ("RawLines", 21),
    ]


def test_a_file_that_stops_being_utf8_part_way_reports_the_lines_before(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a JSON Lines file with a byte that is not UTF-8 well after its first lines
    path = tmp_path / "mixed.jsonl"
    lines = _lines(30, seed=21)
    path.write_bytes(("\n".join(lines[:20]) + "\n").encode() + b"\xff\n" + lines[20].encode())
    monkeypatch.setattr(scrub_jobs, "CHUNK_LINES", 3)
    # when scrubbed, then both runs report the visits decoded before it and the same error
    status, out, err = _same_for_jobs(["--json", str(path)], capsys, monkeypatch)
    assert status == 2
    assert f"{path}: not UTF-8 text" in err
    assert json.loads(out)["visits"]


@pytest.mark.parametrize(
    ("value", "refused"),
    [
        pytest.param("1", False, id="one"),
        pytest.param("auto", False, id="auto"),
        pytest.param("0", False, id="zero-is-auto"),
        pytest.param("64", False, id="the-most"),
        pytest.param("65", True, id="too-many"),
        pytest.param("-1", True, id="negative"),
        pytest.param("two", True, id="a-word"),
        pytest.param("²", True, id="a-superscript-digit"),
        pytest.param("9" * 400, True, id="huge"),
    ],
)
def test_jobs_takes_a_number_of_processes_or_auto(
    value: str,
    refused: bool,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given an empty standard input, so an accepted value starts no worker
    status, out, err = _run(["scrub", "--json", "--jobs", value, "-"], capsys, monkeypatch)
    if refused:
        assert status == 2
        assert out == ""
        assert err.count("\n") == 1
        assert "--jobs" in err
        assert len(err) < 200
    else:
        assert status == 0
        assert json.loads(out) == {"visits": [], "errors": []}


# --- the ordered pool -----------------------------------------------------------------------


def _fails_on_three(unit: int) -> int:
    if unit == 3:
        raise ValueError("a bug in a worker")
    return unit * 10


def _dies_on_three(unit: int) -> int:
    if unit == 3:
        os._exit(70)  # as if killed (out of memory, a signal)
    return unit * 10


def _within_timeout(run: Callable[[], None]) -> None:
    done = threading.Event()
    failure: list[BaseException] = []

    def target() -> None:
        try:
            run()
        except BaseException as exc:  # handed to the test thread
            failure.append(exc)
        finally:
            done.set()

    threading.Thread(target=target, daemon=True).start()
    assert done.wait(_RUN_TIMEOUT_S), "the parent hung on a failed worker"
    if failure:
        raise failure[0]


@pytest.mark.parametrize(
    ("work", "raised"),
    [
        pytest.param(_fails_on_three, ValueError, id="worker-raises"),
        pytest.param(_dies_on_three, BrokenProcessPool, id="worker-dies"),
    ],
)
def test_a_failed_worker_ends_the_run_instead_of_hanging_it(
    work: Callable[[int], int], raised: type[BaseException]
) -> None:
    seen: list[int] = []

    def run() -> None:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(2, mp_context=context) as pool:
            try:
                for value in scrub_jobs.in_order(pool, work, range(20), 4):
                    seen.append(value)
            finally:
                pool.shutdown(wait=True, cancel_futures=True)

    with pytest.raises(raised):
        _within_timeout(run)
    # what came before the failure, in order (a dying worker may take its neighbour's unit too)
    assert seen == [0, 10, 20][: len(seen)]


def test_no_more_than_the_limit_is_read_ahead() -> None:
    # given a source of units that counts how many were taken from it
    taken = 0

    def units() -> Iterator[int]:
        nonlocal taken
        for unit in range(100):
            taken += 1
            yield unit

    # when the results are consumed one by one, then at most `limit` are pending at any time
    with ThreadPoolExecutor(2) as pool:
        for count, value in enumerate(scrub_jobs.in_order(pool, abs, units(), 4), 1):
            assert value == count - 1
            assert taken - count <= 4 - 1
