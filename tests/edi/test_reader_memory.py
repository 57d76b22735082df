"""The 837P, 271, 277 and 999 readers stream: memory stays bounded on a large transaction set.

Each file is one transaction set with distinct values in every repeat (claim ids, member ids,
amounts, dates): 10 MB for the 837P, 2.5 MB for the others, because tracemalloc slows reading
about tenfold and the suite must stay quick. The old readers built a `Segment` for every
segment of the set before reading it (210-250 MB traced for 10 MB; 330-600 MB resident); now
each segment becomes values as it passes. The peak is measured, not the time: under 1 MB
here whatever the size, asserted below 8 MB (the old readers exceed that at 1 MB).
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest

from cleannote.edi.x12_271 import iter_271, read_271
from cleannote.edi.x12_277 import iter_claim_statuses, read_277
from cleannote.edi.x12_837p_reader import iter_837p, read_837p
from cleannote.edi.x12_999 import iter_set_responses, read_999
from tests.edi.envelopes import ISA

STREAM_PEAK = 8 << 20
SMALLER = 5 << 19  # 2.5 MB


def _file(
    path: Path,
    st01: str,
    guide: str,
    functional: str,
    head: list[str],
    repeat: Callable[[int], list[str]],
    tail: Callable[[int], list[str]] = lambda count: [],
    *,
    size: int = 10 << 20,
) -> int:
    """Write ISA/GS/ST, `head`, then `repeat(i)` segments until the file reaches `size` bytes,
    then `tail(count)`; returns how many repeats were written."""
    count = 0
    with path.open("w") as out:
        out.write(ISA + "\n")
        out.write(f"GS*{functional}*SENDER*RECEIVER*20260101*1200*7*X*{guide}~\n")
        segments = [f"ST*{st01}*0001*{guide}", *head]
        out.write("".join(s + "~\n" for s in segments))
        written = 0
        in_set = len(segments)
        while written < size:
            block = repeat(count)
            text = "".join(s + "~\n" for s in block)
            out.write(text)
            written += len(text)
            in_set += len(block)
            count += 1
        closing = tail(count)
        out.write("".join(s + "~\n" for s in closing))
        out.write(f"SE*{in_set + len(closing) + 1}*0001~\nGE*1*7~\nIEA*1*000000123~\n")
    return count


def _claim_837p(i: int) -> list[str]:
    day = f"2026{1 + i % 12:02d}{1 + i % 28:02d}"
    hl = 2 + 2 * i
    return [
        f"HL*{hl}*1*22*0",
        "SBR*P*18*******MB",
        f"NM1*IL*1*LAST{i}*FIRST{i % 977}****MI*M{i:09d}",
        f"DMG*D8*19{40 + i % 60:02d}{1 + i % 12:02d}{1 + i % 28:02d}*F",
        "NM1*PR*2*MEDICARE PART B*****PI*02402",
        f"CLM*V{i:07d}*{100 + i % 900}.{i % 100:02d}***11:B:1*Y*A*Y*Y",
        f"HI*ABK:M54{i % 10}0*ABF:M2556{i % 10}",
        "NM1*82*1*OKAFOR*DANA****XX*1987654328",
        "LX*1",
        f"SV1*HC:97110:GP*{100 + i % 900}.{i % 100:02d}*UN*{1 + i % 4}***1",
        f"DTP*472*D8*{day}",
        f"REF*6R*V{i:07d}-1",
    ]


def _response_271(i: int) -> list[str]:
    return [
        f"HL*{3 + i}*2*22*0",
        f"TRN*2*TRACE{i:08d}*9SUNRISE",
        f"NM1*IL*1*LAST{i}*FIRST****MI*M{i:09d}",
        f"DMG*D8*19{40 + i % 60:02d}0101*F",
        "DTP*291*RD8*20260101-20261231",
        "EB*1*IND*30**GOLD PLAN",
        f"EB*B*IND*PT^AD*HM**27*{10 + i % 90}.00*****Y",
        f"EB*C*IND*30***29*{100 + i % 900}.00*****Y",
        f"MSG*VISIT LIMIT {i % 40} SHARED",
    ]


def _claim_277(i: int) -> list[str]:
    return [
        f"HL*{4 + i}*3*PT",
        f"NM1*QC*1*LAST{i}*FIRST****MI*M{i:09d}",
        f"TRN*2*PCN{i:08d}",
        f"STC*A7:562:85*2026{1 + i % 12:02d}10*U*{100 + i % 900}.00",
        f"REF*1K*PAYER{i:08d}",
        "DTP*472*RD8*20260105-20260105",
        f"SVC*HC:97110:GP*{100 + i % 900}.00*0",
        "STC*A7:21*20260110",
        f"REF*FJ*LINE{i}",
    ]


def _set_999(i: int) -> list[str]:
    return [
        f"AK2*837*{i + 1:09d}*005010X222A1",
        f"IK3*CLM*{22 + i % 50}*2300*8",
        f"IK4*2*782*1*{i % 1000}",
        "IK5*R*5",
    ]


CASES: list[tuple[str, Callable[[Path], int], Callable[..., Iterator[object]], Callable]] = [
    (
        "837P",
        lambda p: _file(
            p,
            "837",
            "005010X222A1",
            "HC",
            [
                "BHT*0019*00*101-0001*20260302*0930*CH",
                "HL*1**20*1",
                "NM1*85*2*RIVERSIDE THERAPY GROUP LLC*****XX*1234567893",
                "REF*EI*931234567",
            ],
            _claim_837p,
        ),
        iter_837p,
        read_837p,
    ),
    (
        "271",
        lambda p: _file(
            p,
            "271",
            "005010X279A1",
            "HB",
            [
                "BHT*0022*11*REQ1*20260101*1200",
                "HL*1**20*1",
                "NM1*PR*2*ACME HEALTH PLAN*****PI*12345",
                "HL*2*1*21*1",
                "NM1*1P*2*SUNRISE THERAPY*****XX*1234567893",
            ],
            _response_271,
            size=SMALLER,
        ),
        iter_271,
        read_271,
    ),
    (
        "277",
        lambda p: _file(
            p,
            "277",
            "005010X214",
            "HN",
            [
                "BHT*0085*08*B1*20260110*1200*TH",
                "HL*1**20*1",
                "NM1*PR*2*ACME HEALTH PLAN*****PI*12345",
                "HL*2*1*21*1",
                "NM1*41*2*CLEARINGHOUSE*****46*CH1",
                "HL*3*2*19*1",
                "NM1*85*2*SUNRISE THERAPY*****XX*1234567893",
            ],
            _claim_277,
            size=SMALLER,
        ),
        iter_claim_statuses,
        read_277,
    ),
    (
        "999",
        lambda p: _file(
            p,
            "999",
            "005010X231A1",
            "FA",
            ["AK1*HC*17*005010X222A1"],
            _set_999,
            lambda count: [f"AK9*R*{count}*{count}*0"],
            size=SMALLER,
        ),
        iter_set_responses,
        read_999,
    ),
]


def _peak(work: Callable[[], object]) -> tuple[int, object]:
    tracemalloc.start()
    try:
        result = work()
        return tracemalloc.get_traced_memory()[1], result
    finally:
        tracemalloc.stop()


def _count(items: Iterable[object]) -> int:
    return sum(1 for _ in items)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, int]]:
    folder = tmp_path_factory.mktemp("large")
    made = {}
    for kind, make, _, _ in CASES:
        path = folder / f"large.{kind}"
        made[kind] = (path, make(path))
    return made


@pytest.mark.parametrize(
    ("kind", "stream"), [pytest.param(kind, stream, id=kind) for kind, _, stream, _ in CASES]
)
def test_a_large_transaction_set_streams_in_bounded_memory(
    files: dict[str, tuple[Path, int]], kind: str, stream: Callable[..., Iterator[object]]
) -> None:
    # given: one large transaction set
    path, repeats = files[kind]
    assert path.stat().st_size >= SMALLER
    # when
    peak, count = _peak(lambda: _count(stream(path, source=path.name)))
    # then: every item came, and memory stayed bounded
    assert count == repeats
    assert peak < STREAM_PEAK, f"{kind}: peak {peak / 2**20:.1f} MB"
