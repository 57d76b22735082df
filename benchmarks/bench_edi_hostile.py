"""X12 reading time on hostile input: an ISA followed by megabytes without a segment terminator.

Issue 8 measured 0.5 s for 1 MB of line breaks after an ISA, 3.5 s for 4 MB and 25 s for
10 MB: the tokenizer searched and copied the whole unterminated stretch once per chunk.
It now drops leading layout as it arrives and refuses a segment past `MAX_SEGMENT_LENGTH`, so
the time grows with the size (decision 0240). The file goes through `read_any`, as
`cleannote edi read` reads it; every run ends in the same one-line refusal. Times are process
CPU time, best of `REPEATS`, because the machine is shared.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from cleannote.edi.tokenizer import MAX_SEGMENT_LENGTH, X12Error
from cleannote.edi.transactions import read_any

ISA = (
    "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       "
    "*260101*1200*^*00501*000000123*0*T*:~"
)
SIZES_MB = (1, 4, 10)
REPEATS = 3


def _refusal_time(data: bytes) -> tuple[float, str]:
    best = float("inf")
    message = ""
    for _ in range(REPEATS):
        started = time.process_time()
        try:
            read_any(data, source="hostile.x12")
        except X12Error as exc:
            message = str(exc)
        best = min(best, time.process_time() - started)
    return best, message


def _series(name: str, make: Callable[[int], bytes]) -> None:
    times = {}
    for size in SIZES_MB:
        seconds, message = _refusal_time(make(size << 20))
        times[size] = seconds
        print(f"{name} {size} MB: {seconds:.3f} s  ({message[:90]})")
    print(f"{name} ratio 4 MB / 1 MB: {times[4] / max(times[1], 1e-9):.1f} (linear is 4)")


def run() -> None:
    _series("line breaks after an ISA", lambda n: ISA.encode() + b"\n" * n)
    _series("spaces after an ISA", lambda n: ISA.encode() + b" " * n)
    _series(
        f"text without a terminator (refused at {MAX_SEGMENT_LENGTH:,} characters)",
        lambda n: ISA.encode() + b"GS*" + b"A" * n,
    )
