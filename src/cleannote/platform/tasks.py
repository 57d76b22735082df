"""Running work in the background: on an RQ queue when REDIS_URL is set, else right here.

The embedded default (no Redis) runs the task synchronously in the caller, so `make run`
needs nothing else and tests see the result at once. With REDIS_URL, the task is queued by
its import path and a `manage.py cleannote_worker` process runs it. Either way, tasks must be
idempotent: RQ may run a job again after a worker dies (ADR 0110).

Inside a transaction, the task is run or queued only when that transaction commits
(`transaction.on_commit`), so a worker never reads rows that a rollback then takes back, and a
rolled-back transaction queues nothing (ADR 0400). Outside one (a view in autocommit) it is run
or queued at once.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction

QUEUE_NAME = "cleannote"


@dataclass(frozen=True, slots=True)
class Enqueued:
    """`job_id` when queued on Redis; `result` when the task already ran in-process;
    `on_commit` when it waits for the caller's transaction to commit (no result yet)."""

    job_id: str | None
    result: object = None
    on_commit: bool = False


def redis_url() -> str:
    return str(getattr(settings, "REDIS_URL", "") or "")


def queue() -> Any:
    """The RQ queue; only called when REDIS_URL is set."""
    from redis import Redis
    from rq import Queue

    return Queue(QUEUE_NAME, connection=Redis.from_url(redis_url()))


def _inside_transaction() -> bool:
    """Whether the caller holds an open transaction of its own. The test runner's wrapping
    blocks (Django marks them `_from_testcase`) stand in for production's autocommit, as they
    do for Django's own `durable` check."""
    blocks = transaction.get_connection().atomic_blocks
    return any(not getattr(block, "_from_testcase", False) for block in blocks)


def _dispatch(func: Callable[..., object], args: tuple[Any, ...], job_id: str | None) -> object:
    if job_id is None:
        return func(*args)
    queue().enqueue(func, *args, job_id=job_id, job_timeout=600, result_ttl=86400)
    return None


def enqueue(func: Callable[..., object], *args: Any) -> Enqueued:
    job_id = str(uuid.uuid4()) if redis_url() else None
    if _inside_transaction():
        transaction.on_commit(lambda: _dispatch(func, args, job_id))
        return Enqueued(job_id=job_id, on_commit=True)
    result = _dispatch(func, args, job_id)
    return Enqueued(job_id=job_id, result=result)
