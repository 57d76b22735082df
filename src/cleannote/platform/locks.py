"""Locks that hold across processes until the transaction ends (ADR 0844).

Several RQ workers may run one nightly task at once (a cron line fired twice, a retry beside
the first try). Where a task reads what is still to do and then writes it, two runs would both
read the same work and both write it; `hold` makes the second wait until the first commits,
so it reads the first one's rows and finds nothing left.

On PostgreSQL `hold` takes a transaction-scoped advisory lock (`pg_advisory_xact_lock`) on a
scope and an id (usually the organisation's); it is re-entrant in one transaction and ends
with it. On SQLite every atomic block already begins with `BEGIN IMMEDIATE` (ADR 0072), which
lets one writing transaction in at a time, so nothing more is taken.
"""

from __future__ import annotations

from enum import IntEnum

from django.db import connection


class LockScope(IntEnum):
    """The first key of `pg_advisory_xact_lock(int, int)`; the second is an id. Numbers are
    kept apart from the scheduling calendar's (6701, 6702: `scheduling.slot_holds`)."""

    # An organisation's run of eligibility questions (`eligibility.actions.do_check_day`).
    ELIGIBILITY_RUN = 8441
    # An organisation's nightly ledger steps: payment plans' misses, dunning, the statement
    # cycle, and a person's batch run (`ledger.statement_actions`).
    LEDGER_NIGHT = 8442
    # An organisation's refresh of the reports' daily summaries (`reports.summaries`).
    REPORT_SUMMARIES = 8501
    # An organisation's count of the year's Medicare therapy charges (`claims.therapy_ytd`).
    MEDICARE_THERAPY_COUNT = 8502
    # An organisation's nightly sweep of spent portal sign-in links and sessions (0 for the
    # sessions of no organisation: `portal.cleanup`).
    PORTAL_CLEANUP = 9221


def hold(scope: LockScope, key: int) -> None:
    """Wait for, then hold, the lock of `scope` and `key` until the transaction ends."""
    if not connection.in_atomic_block:
        raise RuntimeError("a lock held until the transaction ends needs a transaction")
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [int(scope), key])
