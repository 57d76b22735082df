"""Scrub throughput against plain JSON parsing, and streaming memory.

Target (issue "The claim scrubber"): reading + validating + scrubbing a visit costs at most
five times what `json.loads` alone costs on the same line, on one core; and scrubbing a
1,000,000-visit stream stays under 200 MB, because nothing is kept per visit.

The batch is reproducible (fixed seed), realistic and distinct: several payer kinds, 3-5
services a visit, two visits of history, no two visits alike. A visit is read from its JSON
Lines text the way `cleannote scrub` reads it (`parse_visit_json`: msgspec decodes and checks
it straight into the `Visit` structs in one compiled pass, no `json.loads` first). The core's
memos are cleared before every round, so no round profits from the one before. Timings are CPU
time, the best of several alternating rounds, so a busy machine inflates them less.

The reader was once also timed against pydantic v2 in strict mode validating the same JSON
into the visit dataclasses, for the choice between the two libraries; the figures are in
docs/decisions/0300. The value objects are msgspec structs now, which pydantic does not
validate into, so that comparison is history.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.visit_generator import generate_visits
from cleannote.rules.memo import clear_memos
from cleannote.rules.ncci import bundled_mue, bundled_ptp
from cleannote.rules.scrub.scrubber import scrub
from cleannote.rules.visit_format import parse_visit_json

VISITS = int(os.environ.get("BENCH_SCRUB_VISITS", "20000"))
STREAM_VISITS = (20_000, int(os.environ.get("BENCH_SCRUB_STREAM_VISITS", "1000000")))
ROUNDS = 5


def _best_alternating(*fns: Callable[[], None], rounds: int = ROUNDS) -> list[float]:
    """Best CPU time of each function, their rounds taken in turn, memos cleared before each.

    CPU time, not wall time, and alternating rounds: on a shared machine another process
    then slows both sides of the ratio alike instead of whichever ran during its burst.
    """
    best = [float("inf")] * len(fns)
    for _ in range(rounds):
        for i, fn in enumerate(fns):
            clear_memos()
            started = time.process_time()
            fn()
            best[i] = min(best[i], time.process_time() - started)
    return best


def run() -> None:
    lines = [json.dumps(v) for v in generate_visits(VISITS, seed=2026)]
    ptp, mue = bundled_ptp(), bundled_mue()
    # Load what a long-running process has loaded once (ICD-10 index, catalog, tables).
    for line in lines[:200]:
        scrub(parse_visit_json(line), ptp, mue)

    def just_parse() -> None:
        for line in lines:
            json.loads(line)

    def read() -> None:
        for line in lines:
            parse_visit_json(line)

    def read_and_scrub() -> None:
        for line in lines:
            scrub(parse_visit_json(line), ptp, mue)

    parse_s, read_s, scrub_s = _best_alternating(just_parse, read, read_and_scrub)
    print(f"visits: {VISITS} distinct (mean {sum(map(len, lines)) // len(lines)} bytes of JSON)")
    print(f"json.loads only: {VISITS / parse_s:,.0f} visits/s ({parse_s / VISITS * 1e6:.1f} µs)")
    print(f"read+validate: {read_s / VISITS * 1e6:.1f} µs per visit ({read_s / parse_s:.2f}x)")
    print(
        f"read+validate+scrub: {VISITS / scrub_s:,.0f} visits/s "
        f"({scrub_s / VISITS * 1e6:.1f} µs per visit, one core)"
    )
    print(f"scrub/json.loads time ratio: {scrub_s / parse_s:.2f}x (target <= 5x)")
    for count in STREAM_VISITS:
        rss_mb, seconds = _stream_peak_rss(count)
        print(
            f"streaming {count:,} visits through `cleannote scrub --json -`: "
            f"peak RSS {rss_mb:.0f} MB, {seconds:.0f} s (target < 200 MB)"
        )


def _stream_peak_rss(count: int) -> tuple[float, float]:
    """Pipe generated visits into the real command and read its peak resident memory."""
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "measure.py"
        script.write_text(_MEASURE)
        started = time.perf_counter()
        out = subprocess.run(
            [sys.executable, str(script), str(count)],
            check=True,
            capture_output=True,
            text=True,
            cwd=Path(__file__).resolve().parent.parent,
        )
        return float(out.stdout.strip()), time.perf_counter() - started


_MEASURE = """
import json, os, resource, subprocess, sys
sys.path.insert(0, os.getcwd())
from benchmarks.visit_generator import generate_visits
count = int(sys.argv[1])
child = subprocess.Popen(
    [sys.executable, "-m", "cleannote.cli.main", "scrub", "--json", "-"],
    stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
)
assert child.stdin is not None
for visit in generate_visits(count, seed=7):
    child.stdin.write(json.dumps(visit) + "\\n")
child.stdin.close()
child.wait()
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
"""
