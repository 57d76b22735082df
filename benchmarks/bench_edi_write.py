"""837P writing speed and memory: 10,000 distinct claims streamed to a temporary file.

The claims are generated visits, scrubbed (`claim_generator`): each has its own claim id,
patient, subscriber, payer, clinic, clinician, diagnoses, codes, modifiers and charges, so the
figure printed first is what a clinic's batch would give. They are prepared before the clock
starts and handed to the writer one at a time, as a database cursor would, so peak memory
should be the same for 2,500 and 10,000 claims: the writer holds one claim at a time. A best
case is printed after, labelled: 100 claims cycled (the earlier benchmark's data), where every
cache in the writer always hits. The machine is shared, so a reference loop is timed too and
the rate is also given in CPU seconds.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
import timeit
import tracemalloc
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace

import msgspec

from benchmarks.claim_generator import generate_claims
from cleannote.edi.envelope import ControlNumbers, Receiver, Submitter
from cleannote.edi.x12_837p import ClaimToSend, iter_837p

SUBMITTER = Submitter("Bench Therapy", "BENCH01", "Billing", "5035550100")
RECEIVER = Receiver("Bench Clearinghouse", "BENCHCH")
CREATED = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
CLAIMS = 10_000
REPEATS = 3


def _cycled(claims: list[ClaimToSend], count: int) -> Iterator[ClaimToSend]:
    """The best case: the first 100 claims over and over, renumbered so the ids stay unique."""
    pool = claims[:100]
    for n in range(count):
        claim = pool[n % 100]
        yield replace(claim, visit=msgspec.structs.replace(claim.visit, id=f"R{n:08d}"))


def _write(claims: Iterable[ClaimToSend]) -> int:
    written = 0
    with tempfile.TemporaryFile() as out:
        chunks = iter_837p(
            iter(claims),
            submitter=SUBMITTER,
            receiver=RECEIVER,
            control=ControlNumbers(1, 1, 1),
            created=CREATED,
        )
        for chunk in chunks:
            written += out.write(chunk)
    return written


def _timed(label: str, claims: Callable[[], Iterable[ClaimToSend]]) -> None:
    """Best of `REPEATS` runs, CPU and wall time each: neighbours' load only ever adds time."""
    wall = cpu = float("inf")
    for _ in range(REPEATS):
        started, cpu_started = time.perf_counter(), time.process_time()
        size = _write(claims())
        wall = min(wall, time.perf_counter() - started)
        cpu = min(cpu, time.process_time() - cpu_started)
    print(f"{label}_{CLAIMS}_claims: {wall:.2f} s wall, {cpu:.2f} s cpu (best of {REPEATS})")
    print(f"{label}_rate: {CLAIMS / cpu:,.0f} claims/s cpu, {CLAIMS / wall:,.0f} claims/s wall")
    print(f"{label}_file_size: {size / 1_000_000:.1f} MB")


def run() -> None:
    # A reference loop, so figures from a busy or slow machine can be read in proportion
    # (about 10 us on an idle modern core).
    reference = min(timeit.repeat("sum(range(1000))", number=2000, repeat=5)) / 2000
    print(f"edi_write_reference_sum_range_1000: {reference * 1e6:.1f} us")
    claims = list(generate_claims(CLAIMS))
    _timed("edi_write_distinct", lambda: claims)
    # Labelled best case: the same 100 claims over and over, every cache in the writer hits.
    _timed("edi_write_best_case_100_cycled", lambda: _cycled(claims, CLAIMS))
    for count in (2_500, CLAIMS):
        tracemalloc.start()
        _write(claims[:count])
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"edi_write_peak_memory_{count}_distinct_claims: {peak / 1024:,.0f} KiB")
