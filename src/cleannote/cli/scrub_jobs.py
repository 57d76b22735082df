"""`cleannote scrub --jobs N`: the same reports as one process, scrubbed by N worker processes.

The parent only walks the input and writes: the reader's `read_raw` hands out the input as
`read_visits` walks it (the folder walk, JSON Lines told from a document, a file that stops
being UTF-8 part way) with JSON Lines cut into chunks of raw lines (`CHUNK_LINES`); each unit
goes to a worker, and the parent writes the workers' report texts in the order the units came.
A worker parses the unit (`items_of`), scrubs and renders with the very functions `--jobs 1`
uses, so the output is the same byte for byte. A `.json` document travels as its path and is
read by the worker. At most `IN_FLIGHT_PER_JOB` units per worker are read ahead, so memory
stays flat on a stream of any length. Workers are started with "spawn" (docs/decisions/0340).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO, TypeVar

from cleannote.cli.errors import WorkerCrashed
from cleannote.cli.scrub import Report, reports
from cleannote.rules.ncci import MueTable, PtpTable, active_tables
from cleannote.rules.visit_format import RawUnit, VisitFormatError, items_of, read_raw

CHUNK_LINES = 500  # about 1.7 MB of visits: its trip costs little, its copies little memory
IN_FLIGHT_PER_JOB = 2  # chunks read ahead per worker: keeps every worker busy, memory flat

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
        units = read_raw(paths, stdin, chunk_lines=CHUNK_LINES)
        done = in_order(pool, _report_unit, units, jobs * IN_FLIGHT_PER_JOB)
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
    try:
        for unit_reports, unit_errors in done:
            errors.extend(unit_errors)
            yield from unit_reports
    except BrokenProcessPool:
        raise WorkerCrashed(
            "a scrub worker process died (killed, or out of memory); the output is incomplete"
        ) from None


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


def _report_unit(unit: RawUnit) -> _Done:
    worker = _worker
    if worker is None:
        raise RuntimeError("a scrub worker was used before it was started")
    errors: list[VisitFormatError] = []
    done = list(
        reports(
            items_of(unit), errors, worker.ptp, worker.mue, worker.as_of, as_json=worker.as_json
        )
    )
    return done, errors
