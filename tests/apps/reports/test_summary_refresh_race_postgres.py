"""On PostgreSQL, two nightly refreshes of one organisation's summaries at the same moment,
each on its own connection, take turns on `LockScope.REPORT_SUMMARIES` (ADR 0850, 0844): the
second deletes what the first wrote and writes the same rows, so none is doubled."""

from __future__ import annotations

import os
import threading
import time

import pytest
from django.db import connection

from cleannote.apps.claims.actions import do_create_claim_from_note
from cleannote.apps.reports import summaries
from cleannote.apps.reports.models import FinancialDay, ProductivityDay, ReceivableDay
from tests.apps.claims.conftest import billing  # noqa: F401  (the fixture)
from tests.personas import TODAY

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="needs PostgreSQL (DATABASE_URL): SQLite serialises writers itself",
    ),
]


def _counts() -> tuple[int, int, int]:
    return (
        ProductivityDay.objects.count(),
        FinancialDay.objects.count(),
        ReceivableDay.objects.count(),
    )


@pytest.mark.django_db(transaction=True)
def test_two_refreshes_at_once_take_turns_and_double_nothing(billing, monkeypatch):  # noqa: F811
    organisation = billing.clinic.organisation
    do_create_claim_from_note(billing.actor, billing.note)
    summaries.refresh_organisation(organisation, TODAY, rebuild=True)
    once = _counts()
    assert once[0] > 0
    assert once[1] > 0
    # Each refresh stays a while inside its locked section, and says when it was there.
    inside: list[tuple[float, float]] = []
    real_count = summaries._financial_days

    def slow_count(filters):
        entered = time.monotonic()
        rows = real_count(filters)
        time.sleep(0.5)
        inside.append((entered, time.monotonic()))
        return rows

    monkeypatch.setattr(summaries, "_financial_days", slow_count)
    both_ready = threading.Barrier(2)
    failures: list[BaseException] = []

    def worker() -> None:
        try:
            both_ready.wait(timeout=10)
            summaries.refresh_organisation(organisation, TODAY, rebuild=True)
        except BaseException as exc:  # reported by the test thread below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert len(inside) == 2
    (_, first_out), (second_in, _) = sorted(inside)
    assert second_in >= first_out  # the second counted only after the first had finished
    assert _counts() == once
