"""Background tasks wait for the caller's transaction: a rollback queues nothing (ADR 0400)."""

from __future__ import annotations

import pytest
from django.db import transaction

from cleannote.platform.tasks import enqueue

pytestmark = pytest.mark.django_db(transaction=True)


class Boom(Exception):
    pass


def _enqueue_then_roll_back(func, *args):
    with transaction.atomic():
        enqueue(func, *args)
        raise Boom


def test_outside_a_transaction_the_task_runs_at_once_and_returns_its_result():
    ran: list[int] = []
    # when
    queued = enqueue(lambda n: ran.append(n) or n * 2, 21)
    # then
    assert ran == [21]
    assert queued.result == 42
    assert queued.job_id is None
    assert not queued.on_commit


def test_inside_a_transaction_the_task_runs_only_after_the_commit():
    ran: list[str] = []
    with transaction.atomic():
        queued = enqueue(ran.append, "batch")
        # then nothing has run while the transaction is open
        assert ran == []
        assert queued.on_commit
        assert queued.result is None
    assert ran == ["batch"]


def test_a_rolled_back_transaction_enqueues_nothing():
    ran: list[str] = []
    with pytest.raises(Boom):
        _enqueue_then_roll_back(ran.append, "batch")
    assert ran == []


def test_a_rolled_back_savepoint_drops_its_task_and_keeps_the_outer_one():
    ran: list[str] = []
    with transaction.atomic():
        enqueue(ran.append, "kept")
        with pytest.raises(Boom):
            _enqueue_then_roll_back(ran.append, "dropped")
    assert ran == ["kept"]


def test_with_redis_the_job_is_queued_on_commit_under_the_id_returned(settings, monkeypatch):
    queued_jobs: list[tuple[str, tuple[object, ...]]] = []

    class FakeQueue:
        def enqueue(self, func, *args, job_id, **options):
            queued_jobs.append((job_id, args))

    settings.REDIS_URL = "redis://127.0.0.1:1/15"
    monkeypatch.setattr("cleannote.platform.tasks.queue", FakeQueue)
    with transaction.atomic():
        queued = enqueue(print, "claim 7")
        assert queued_jobs == []
    assert queued_jobs == [(queued.job_id, ("claim 7",))]
    with pytest.raises(Boom):
        _enqueue_then_roll_back(print, "claim 8")
    assert len(queued_jobs) == 1
