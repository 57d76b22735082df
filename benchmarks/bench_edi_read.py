"""835 reading speed and memory: our streaming reader against edi-835-parser and pyx12.

A generator writes a synthetic 835 (one transaction set, N claim payments of two service
lines each) into a temporary directory; every reader parses the same file. pyx12 walks
segments without building claims and is slow, so it reads a 2,000-claim slice and its rate is
reported per claim as measured on that slice. Peak memory is measured in a fresh subprocess per
size with tracemalloc (ru_maxrss is inherited across fork/exec on Linux, so it would report
the parent's peak). Rates use process CPU time, best of `REPEATS` runs: the benchmark machine
is shared, and wall time mostly measures the neighbours.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

CLAIMS = 20_000
PYX12_CLAIMS = 2_000
MEMORY_SIZES = (5_000, 20_000)
REPEATS = 3  # best of: neighbours' load only ever adds time, and the first run pays imports


def write_835(path: Path, claims: int) -> None:
    """A valid 835 with `claims` claim payments (BPR balances with the claims' CLP04)."""
    body: list[str] = []
    paid_total = 0
    for n in range(claims):
        body += [
            f"CLP*PCN{n:07d}*1*250.00*130.00*20.00*12*PAYER{n:09d}",
            "CAS*PR*2*20.00",
            f"NM1*QC*1*PATIENT*TEST****MI*M{n:08d}",
            "DTM*232*20260105",
            "SVC*HC:97110:GP*150.00*90.00**2",
            "DTM*472*20260105",
            "CAS*CO*45*60.00",
            f"REF*6R*L{n}A",
            "AMT*B6*110.00",
            "SVC*HC:97140:GP*100.00*40.00**1",
            "DTM*472*20260105",
            "CAS*CO*45*60.00",
            f"REF*6R*L{n}B",
            "AMT*B6*60.00",
        ]
        paid_total += 13000
    header = [
        "ST*835*0001*005010X221A1",
        f"BPR*I*{paid_total // 100}.{paid_total % 100:02d}*C*ACH*CCP*01*999999999*DA*1*"
        "1512345678**01*888888888*DA*2*20260110",
        "TRN*1*EFT0001*1512345678",
        "DTM*405*20260108",
        "N1*PR*BENCH HEALTH PLAN",
        "N1*PE*BENCH THERAPY*XX*1234567893",
        "LX*1",
    ]
    segments = [*header, *body]
    segments.append(f"SE*{len(segments) + 1}*0001")
    with path.open("w") as out:
        out.write(
            "ISA*00*          *00*          *ZZ*PAYER          *ZZ*CLINIC         "
            "*260110*1200*^*00501*000000001*0*P*:~\n"
            "GS*HP*PAYER*CLINIC*20260110*1200*1*X*005010X221A1~\n"
        )
        out.writelines(s + "~\n" for s in segments)
        out.write("GE*1*1~\nIEA*1*000000001~\n")


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
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "bench.835"
        write_835(big, CLAIMS)
        print(f"file: {CLAIMS:,} claims, {big.stat().st_size / 1e6:.1f} MB")
        ours = _rate("cleannote", _ours, big, CLAIMS)
        theirs = _rate("edi-835-parser", _edi_835_parser, big, CLAIMS)
        small = Path(tmp) / "slice.835"
        write_835(small, PYX12_CLAIMS)
        pyx12 = _rate(
            f"pyx12 X12Reader ({PYX12_CLAIMS:,}-claim slice)", _pyx12, small, PYX12_CLAIMS
        )
        if ours and theirs:
            print(f"ratio cleannote/edi-835-parser: {ours / theirs:.1f}x")
        if ours and pyx12:
            print(f"ratio cleannote/pyx12: {ours / pyx12:.1f}x")
        for size in MEMORY_SIZES:
            path = Path(tmp) / f"mem{size}.835"
            write_835(path, size)
            peak = _peak_traced_bytes(path) / 2**20
            print(f"peak memory while reading, {size:,} claims: {peak:.2f} MiB")


if __name__ == "__main__":
    run()
