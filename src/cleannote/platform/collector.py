"""`collector_paused()`: Python's cyclic garbage collector held off while a page builds a few
tens of thousands of short-lived objects (the week view's 2,000 appointments, their patients,
cases, coverages, flags and markup).

Each of those allocations counts toward the collector's thresholds, and each collection walks
every live young object again, and now and then the whole heap (all of Django's import-time
objects): measured, a third of the 2,000-visit week's CPU time went to it (ADR 0607). The
objects die by reference counting when the response is sent; the collector runs again as soon
as the block ends, so anything cyclic left behind is still collected. Process-wide: another
thread's request in the same block also skips collections for those milliseconds, which only
delays them. Nested or already-disabled: left as it was found.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
