"""835 reading speed and memory: our streaming reader against edi-835-parser and pyx12.

The file answers 20,000 distinct generated claims (`remit_generator.write_835`): every claim
has its own id, patient, dates, codes, amounts and adjustments, as in a clearinghouse's daily
file, so the figure printed first is what a clinic would see. Every reader parses the same
file; pyx12 walks segments without building claims and reads a 2,000-claim slice, its rate
reported per claim as measured on that slice. A best case is printed after, labelled: as many
claims repeating one two-line claim's amounts, dates and adjustments (the earlier benchmark's
data), where the reader's value caches always hit. Peak memory is measured on distinct data in
a fresh subprocess per size with tracemalloc (ru_maxrss is inherited across fork/exec on
Linux, so it would report the parent's peak). Rates use process CPU time, best of `REPEATS`
runs: the benchmark machine is shared, and wall time mostly measures the neighbours.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.claim_generator import generate_claims
from benchmarks.remit_generator import write_835, write_835_repeated

CLAIMS = 20_000
PYX12_CLAIMS = 2_000
MEMORY_SIZES = (5_000, 20_000)
REPEATS = 3  # best of: neighbours' load only ever adds time, and the first run pays imports


def _ours(path: Path) -> int:
    from cleannote.edi.x12_835 import iter_claim_payments

    return sum(1 for _ in iter_claim_payments(path, source=path.name))


def _edi_835_parser(path: Path) -> int:
    import edi_835_parser

    parsed = edi_835_parser.parse(str(path))
    return sum(len(ts.claims) for ts in parsed.transaction_sets)


def _pyx12(path: Path) -> int:
    from pyx12.x12file import X12Reader

    count = 0
    with path.open() as handle:
        for segment in X12Reader(handle):
            if segment.get_seg_id() == "CLP":
                count += 1
    return count


def _rate(name: str, reader: Callable[[Path], int], path: Path, claims: int) -> float | None:
    elapsed = float("inf")
    try:
        for _ in range(REPEATS):
            started = time.process_time()
            read = reader(path)
            elapsed = min(elapsed, time.process_time() - started)
    except ImportError as exc:
        print(f"{name}: not installed ({exc.name})")
        return None
    if read != claims:
        print(f"{name}: read {read} of {claims} claims")
    rate = claims / elapsed
    print(f"{name}: {rate:,.0f} claims/s ({claims:,} claims in {elapsed:.2f} s CPU)")
    return rate


def _peak_traced_bytes(path: Path) -> int:
    code = (
        "import sys, tracemalloc\n"
        "from pathlib import Path\n"
        "from benchmarks.bench_edi_read import _ours\n"
        "import cleannote.edi.x12_835\n"
        "tracemalloc.start()\n"
        "_ours(Path(sys.argv[1]))\n"
        "print(tracemalloc.get_traced_memory()[1])\n"
    )
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
    )
    return int(done.stdout.strip())


def run() -> None:
    claims = list(generate_claims(CLAIMS))
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "bench.835"
        write_835(big, claims)
        print(f"file: {CLAIMS:,} distinct claims, {big.stat().st_size / 1e6:.1f} MB")
        ours = _rate("cleannote", _ours, big, CLAIMS)
        theirs = _rate("edi-835-parser", _edi_835_parser, big, CLAIMS)
        small = Path(tmp) / "slice.835"
        write_835(small, claims[:PYX12_CLAIMS])
        pyx12 = _rate(
            f"pyx12 X12Reader ({PYX12_CLAIMS:,}-claim slice)", _pyx12, small, PYX12_CLAIMS
        )
        if ours and theirs:
            print(f"ratio cleannote/edi-835-parser: {ours / theirs:.1f}x")
        if ours and pyx12:
            print(f"ratio cleannote/pyx12: {ours / pyx12:.1f}x")
        repeated = Path(tmp) / "repeated.835"
        write_835_repeated(repeated, CLAIMS)
        best = "cleannote, best case (one claim's values repeated: caches always hit)"
        _rate(best, _ours, repeated, CLAIMS)
        for size in MEMORY_SIZES:
            path = Path(tmp) / f"mem{size}.835"
            write_835(path, claims[:size])
            peak = _peak_traced_bytes(path) / 2**20
            print(f"peak memory while reading, {size:,} distinct claims: {peak:.2f} MiB")


if __name__ == "__main__":
    run()
