"""`cleannote scrub --jobs N`: the same reports as one process, scrubbed by N worker processes.

The parent only splits the input and writes: it cuts JSON Lines into chunks of raw lines
(`CHUNK_LINES`), hands each chunk to a worker, and writes the workers' report texts in the
order the chunks were cut. A worker parses (`parse_visit_json`), scrubs and renders with the
very functions `--jobs 1` uses, so the output is the same byte for byte. At most
`IN_FLIGHT_PER_JOB` chunks per worker are read ahead, so memory stays flat on a stream of any
length. Anything that is not JSON Lines (a `.json` document, a folder's `.json` files, a
stream that is one document, a path that cannot be read) is one unit that the worker reads with
`read_visits` itself. Workers are started with "spawn" (docs/decisions/0340).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO, TypeVar

from cleannote.cli.scrub import Report, reports
from cleannote.rules.ncci import MueTable, PtpTable, active_tables
from cleannote.rules.visit_format import (
    ReadItem,
    VisitErrorCode,
    VisitFormatError,
    parse_visit_json,
    read_visits,
)

CHUNK_LINES = 500  # about 1.7 MB of visits: its trip costs little, its copies little memory
IN_FLIGHT_PER_JOB = 2  # chunks read ahead per worker: keeps every worker busy, memory flat

# The folder rule of `read_visits`: these suffixes, recursively, in path order.
_FOLDER_SUFFIXES = (".json", ".jsonl", ".ndjson")
_LINE_SUFFIXES = (".jsonl", ".ndjson")


@dataclass(frozen=True, slots=True)
class _Lines:
    """JSON Lines lines as read, not yet parsed; `first` is the number of the first one."""

    source: str
    first: int
    texts: list[str]


@dataclass(frozen=True, slots=True)
class _Whole:
    """A path for `read_visits` to read in the worker, or the text of a one-document stream."""

    path: str
    stdin_text: str | None = None


@dataclass(frozen=True, slots=True)
class _Failed:
    """A file that stopped being readable part way, after the lines before were sent."""

    error: VisitFormatError


_Unit = _Lines | _Whole | _Failed
_Done = tuple[list[Report], list[VisitFormatError]]


# --- the parent: cut the input into units, keep the output in order ----------------------------


@contextmanager
def reports_in_processes(
    paths: Iterable[str],
    stdin: TextIO | None,
    errors: list[VisitFormatError],
    *,
    jobs: int,
    data_dir: Path | None,
    as_of: dt.date | None,
    as_json: bool,
) -> Iterator[Iterator[Report]]:
    """Each visit's report in input order, scrubbed by `jobs` processes; read errors are
    appended to `errors` in input order, as `reports` does. The pool ends with the block,
    also when the writer stops early (a closed pipe) or a worker fails."""
    pool = ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(data_dir, as_of, as_json),
    )
    try:
        done = in_order(pool, _report_unit, _units(paths, stdin), jobs * IN_FLIGHT_PER_JOB)
        yield _unpack(done, errors)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


_In = TypeVar("_In")
_Out = TypeVar("_Out")


def in_order(
    pool: Executor,
    work: Callable[[_In], _Out],
    units: Iterable[_In],
    limit: int,
) -> Iterator[_Out]:
    """`work` of each unit, in the order of `units`, with at most `limit` submitted and not yet
    yielded. A worker's exception (or a worker killed: `BrokenProcessPool`) is raised here."""
    pending: deque[Future[_Out]] = deque()
    for unit in units:
        pending.append(pool.submit(work, unit))
        if len(pending) >= limit:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _unpack(done: Iterable[_Done], errors: list[VisitFormatError]) -> Iterator[Report]:
    for unit_reports, unit_errors in done:
        errors.extend(unit_errors)
        yield from unit_reports


def _units(paths: Iterable[str], stdin: TextIO | None) -> Iterator[_Unit]:
    """The input as `read_visits` walks it, JSON Lines cut into chunks of raw lines."""
    for raw in paths:
        if raw == "-":
            if stdin is None:
                yield _Whole(raw)  # the reader says there is no standard input
            else:
                yield from _stream_units(stdin, "<stdin>")
            continue
        path = Path(raw)
        try:
            is_dir = path.is_dir()
        except OSError:
            yield _Whole(raw)  # the reader names the path and the reason
            continue
        if not is_dir:
            yield from _file_units(path)
            continue
        found = sorted(
            p for p in path.rglob("*") if p.suffix.lower() in _FOLDER_SUFFIXES and p.is_file()
        )
        for file in found:
            yield from _file_units(file)


def _file_units(path: Path) -> Iterator[_Unit]:
    if path.suffix.lower() not in _LINE_SUFFIXES:
        yield _Whole(str(path))
        return
    source = str(path)
    try:
        stream = path.open(encoding="utf-8")
    except OSError:
        yield _Whole(source)  # the reader names the reason
        return
    with stream:
        yield from _line_units(stream, source, 1, [])


def _stream_units(stream: TextIO, source: str) -> Iterator[_Unit]:
    """JSON Lines or one document, told apart as the reader does: a first non-blank line that
    is a complete JSON object means one visit per line."""
    head: list[str] = []
    for first in stream:
        head.append(first)
        if first.isspace():
            continue
        if first.lstrip().startswith("{"):
            try:
                json.loads(first)
            except json.JSONDecodeError:
                pass
            else:
                yield from _line_units(stream, source, 1, head)
                return
        yield _Whole("-", "".join(head) + stream.read())
        return


def _line_units(stream: TextIO, source: str, first: int, batch: list[str]) -> Iterator[_Unit]:
    try:
        for text in stream:
            batch.append(text)
            if len(batch) >= CHUNK_LINES:
                yield _Lines(source, first, batch)
                first += len(batch)
                batch = []
    except UnicodeDecodeError:
        problem, code = "not UTF-8 text", VisitErrorCode.NOT_UTF8
    except OSError as exc:
        problem, code = f"cannot read: {exc.strerror or exc}", VisitErrorCode.CANNOT_READ
    else:
        if batch:
            yield _Lines(source, first, batch)
        return
    if batch:
        yield _Lines(source, first, batch)
    yield _Failed(VisitFormatError(source, None, None, None, problem, code))


# --- the worker: read, scrub and render one unit ----------------------------------------------


@dataclass(frozen=True, slots=True)
class _Worker:
    ptp: PtpTable
    mue: MueTable
    as_of: dt.date | None
    as_json: bool


_worker: _Worker | None = None  # set once per worker process by `_start_worker`


def _start_worker(data_dir: Path | None, as_of: dt.date | None, as_json: bool) -> None:
    global _worker
    ptp, mue = active_tables(data_dir)
    _worker = _Worker(ptp, mue, as_of, as_json)


def _report_unit(unit: _Unit) -> _Done:
    worker = _worker
    if worker is None:
        raise RuntimeError("a scrub worker was used before it was started")
    errors: list[VisitFormatError] = []
    if isinstance(unit, _Failed):
        return [], [unit.error]
    items = _read_lines(unit) if isinstance(unit, _Lines) else _read_whole(unit)
    done = list(
        reports(items, errors, worker.ptp, worker.mue, worker.as_of, as_json=worker.as_json)
    )
    return done, errors


def _read_lines(unit: _Lines) -> Iterator[ReadItem]:
    """One visit per line, blank lines skipped, as `read_visits` reads JSON Lines."""
    for number, text in enumerate(unit.texts, unit.first):
        if not text or text.isspace():
            continue
        try:
            visit = parse_visit_json(text, source=unit.source, line=number)
        except VisitFormatError as error:
            yield ReadItem(unit.source, number, None, error)
        else:
            yield ReadItem(unit.source, number, visit, None)


def _read_whole(unit: _Whole) -> Iterator[ReadItem]:
    if unit.stdin_text is None:
        return read_visits([unit.path])
    return read_visits(["-"], stdin=io.StringIO(unit.stdin_text))
