"""837P writing speed and memory: 10,000 four-line claims streamed to a temporary file.

Claims come from a generator, as they would from a database cursor, so peak memory should be
the same for 2,500 and 10,000 claims: the writer holds one claim at a time. The machine is
shared, so a reference loop is timed too and the rate is also given in CPU seconds.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
import timeit
import tracemalloc
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal

from cleannote.edi.envelope import ControlNumbers, Receiver, Submitter
from cleannote.edi.x12_837p import ClaimToSend, iter_837p
from cleannote.rules.findings import ClaimLine
from cleannote.rules.visit import (
    Address,
    BillingProvider,
    Credential,
    Payer,
    PayerKind,
    Person,
    Relationship,
    RenderingProvider,
    Service,
    Sex,
    Visit,
)

SUBMITTER = Submitter("Bench Therapy", "BENCH01", "Billing", "5035550100")
RECEIVER = Receiver("Bench Clearinghouse", "BENCHCH")
CREATED = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
CODES = (("97110", "62.00"), ("97140", "55.50"), ("97112", "64.25"), ("97530", "70.10"))


def _template() -> ClaimToSend:
    home = Address("12 Elm Ave", "Portland", "OR", "97202")
    member = Person(
        "Avery",
        "Lindqvist",
        dt.date(1950, 4, 17),
        Sex.FEMALE,
        home,
        None,
        "1EG4TE5MK72",
        Relationship.SELF,
    )
    visit = Visit(
        id="V0",
        date_of_service=dt.date(2026, 2, 27),
        billing_provider=BillingProvider(
            "Bench Therapy LLC",
            "1234567893",
            "931234567",
            "261QR0400X",
            Address("100 River St", "Portland", "OR", "972011234"),
        ),
        rendering_provider=RenderingProvider(
            "Dana", "Okafor", "1987654328", Credential.PT, "225100000X"
        ),
        payer=Payer("Medicare Part B", "02402", PayerKind.MEDICARE),
        subscriber=member,
        patient=member,
        diagnoses=("M54.50", "M25.561"),
        services=tuple(Service(code=c, charge=Decimal(p)) for c, p in CODES),
    )
    lines = tuple(ClaimLine(c, 1, ("GP",), (1, 2), Decimal(p), i) for i, (c, p) in enumerate(CODES))
    return ClaimToSend(visit=visit, lines=lines)


def _claims(count: int) -> Iterator[ClaimToSend]:
    """Cycle through 100 prepared claims so the figures measure the writer, not the fixture."""
    template = _template()
    pool = [replace(template, visit=replace(template.visit, id=f"V{n:08d}")) for n in range(100)]
    for n in range(count):
        yield pool[n % 100]


def _write(count: int) -> int:
    written = 0
    with tempfile.TemporaryFile() as out:
        chunks = iter_837p(
            _claims(count),
            submitter=SUBMITTER,
            receiver=RECEIVER,
            control=ControlNumbers(1, 1, 1),
            created=CREATED,
        )
        for chunk in chunks:
            written += out.write(chunk)
    return written


def run() -> None:
    # A reference loop, so figures from a busy or slow machine can be read in proportion
    # (about 10 us on an idle modern core).
    reference = min(timeit.repeat("sum(range(1000))", number=2000, repeat=5)) / 2000
    print(f"edi_write_reference_sum_range_1000: {reference * 1e6:.1f} us")
    started, cpu_started = time.perf_counter(), time.process_time()
    size = _write(10_000)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    print(f"edi_write_10000_claims: {elapsed:.2f} s wall, {cpu:.2f} s cpu")
    print(
        f"edi_write_rate: {10_000 / elapsed:,.0f} claims/s wall, {10_000 / cpu:,.0f} claims/s cpu"
    )
    print(f"edi_write_file_size: {size / 1_000_000:.1f} MB")
    for count in (2_500, 10_000):
        tracemalloc.start()
        _write(count)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"edi_write_peak_memory_{count}_claims: {peak / 1024:,.0f} KiB")
