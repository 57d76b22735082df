"""`cleannote scrub --jobs N`: wall-clock speed-up on two cores, and memory of a large stream.

Target (issue 9): `--jobs 2` at least 1.7x faster than `--jobs 1` on two cores, and 1,000,000
visits through `cleannote scrub --json -` under 200 MB resident.

The batch is distinct generated visits (benchmarks/visit_generator.py, fixed seed) written once
to a JSON Lines file, then piped into the real command as a subprocess for --jobs 1 and --jobs
2 in turn, `ROUNDS` times each; the best wall-clock time of each is kept. Wall-clock time is
what a speed-up is, so the machine's load average is printed beside it: on a shared machine
other processes take cores from both runs, and more from the run that needs two. CPU time of
each run (parent and workers) is printed too, so the overhead of the workers can be told from
the machine's load.

Memory: the sum of the resident sets of the command and its workers, sampled every 20 ms from
/proc (Linux), and the largest single process's peak (getrusage of the waited children). The
large run streams `BENCH_SCRUB_JOBS_LARGE` visits (default 100,000; 1,000,000 for the issue's
figure) from `BENCH_SCRUB_JOBS_FILE` when given, else generated on the fly.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import IO

from benchmarks.visit_generator import generate_visits, write_jsonl

VISITS = int(os.environ.get("BENCH_SCRUB_JOBS_VISITS", "30000"))
LARGE = int(os.environ.get("BENCH_SCRUB_JOBS_LARGE", "100000"))
LARGE_FILE = os.environ.get("BENCH_SCRUB_JOBS_FILE")  # a JSON Lines file of LARGE visits
ROUNDS = int(os.environ.get("BENCH_SCRUB_JOBS_ROUNDS", "2"))
JOBS = (1, 2)
_ROOT = Path(__file__).resolve().parent.parent
_COMMAND = [sys.executable, "-m", "cleannote.cli.main", "scrub", "--json"]
_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def run() -> None:
    print(f"cores: {os.cpu_count()}; load average before: {_load()}")
    with tempfile.TemporaryDirectory() as tmp:
        batch = Path(tmp) / "visits.jsonl"
        write_jsonl(batch, VISITS, seed=2027)
        best = dict.fromkeys(JOBS, float("inf"))
        cpu = dict.fromkeys(JOBS, 0.0)
        for _ in range(ROUNDS):
            for jobs in JOBS:  # alternating, so a burst of load falls on both
                measured = _measure(jobs, batch)
                if measured.wall < best[jobs]:
                    best[jobs], cpu[jobs] = measured.wall, measured.cpu
    for jobs in JOBS:
        print(
            f"--jobs {jobs}, {VISITS:,} distinct visits: {best[jobs]:.2f} s wall "
            f"({VISITS / best[jobs]:,.0f} visits/s), {cpu[jobs]:.2f} s CPU in all processes"
        )
    print(
        f"speed-up --jobs 2 over --jobs 1: {best[1] / best[2]:.2f}x wall-clock "
        f"(target >= 1.7x on two idle cores); load average after: {_load()}"
    )
    print(f"CPU overhead of two workers: {cpu[2] / cpu[1] - 1:+.0%} of the one-process CPU time")
    print(
        f"upper bound on two idle cores (CPU time of --jobs 1 over half that of --jobs 2, "
        f"an estimate, not a measurement): {cpu[1] / (cpu[2] / 2):.2f}x"
    )
    for jobs in JOBS:
        large = _measure(jobs, Path(LARGE_FILE) if LARGE_FILE else None, count=LARGE)
        print(
            f"streaming {LARGE:,} visits through `cleannote scrub --json --jobs {jobs} -`: "
            f"peak RSS {large.tree_mb:.0f} MB all processes together, largest process "
            f"{large.largest_mb:.0f} MB, {large.wall:.0f} s (target < 200 MB)"
        )


class _Measured:
    def __init__(self, wall: float, cpu: float, tree_mb: float, largest_mb: float) -> None:
        self.wall, self.cpu, self.tree_mb, self.largest_mb = wall, cpu, tree_mb, largest_mb


def _measure(jobs: int, source: Path | None, count: int = 0) -> _Measured:
    """Run the command in a fresh measuring process, so getrusage sees only this run."""
    script = _MEASURE.format(command=[*_COMMAND, "--jobs", str(jobs), "-"])
    argv = [sys.executable, "-c", script, str(source or ""), str(count)]
    out = subprocess.run(argv, check=True, capture_output=True, text=True, cwd=_ROOT)
    figures = json.loads(out.stdout)
    return _Measured(figures["wall"], figures["cpu"], figures["tree_mb"], figures["largest_mb"])


def tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, in KB (Linux /proc)."""
    total = 0
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/statm") as statm:
                total += int(statm.read().split()[1]) * _PAGE_KB
            with open(f"/proc/{current}/task/{current}/children") as children:
                todo.extend(int(child) for child in children.read().split())
        except (OSError, ValueError):
            continue  # the process ended between two reads
    return total


def sample_peak(pid: int, stop: threading.Event, peak: list[int]) -> None:
    while not stop.wait(0.02):
        peak[0] = max(peak[0], tree_rss_kb(pid))


def feed(stdin: IO[str], count: int) -> None:
    """Write `count` generated visits to the command's standard input, then close it."""
    for visit in generate_visits(count, seed=7):
        stdin.write(json.dumps(visit) + "\n")
    stdin.close()


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


_MEASURE = """
import json, resource, subprocess, sys, threading, time
sys.path.insert(0, ".")
from benchmarks.bench_scrub_jobs import feed, sample_peak
source, count = sys.argv[1], int(sys.argv[2])
command = {command!r}
stdin = open(source, "rb") if source else subprocess.PIPE
started = time.perf_counter()
child = subprocess.Popen(command, stdin=stdin, stdout=subprocess.DEVNULL, text=not source)
stop, peak = threading.Event(), [0]
sampler = threading.Thread(target=sample_peak, args=(child.pid, stop, peak))
sampler.start()
if not source:
    feed(child.stdin, count)
child.wait()
wall = time.perf_counter() - started
stop.set()
sampler.join()
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({{
    "wall": wall,
    "cpu": usage.ru_utime + usage.ru_stime,
    "tree_mb": peak[0] / 1024,
    "largest_mb": usage.ru_maxrss / 1024,
}}))
"""
