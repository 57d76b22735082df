"""Running work in the background: on an RQ queue when REDIS_URL is set, else right here.

The embedded default (no Redis) runs the task synchronously in the caller, so `make run`
needs nothing else and tests see the result at once. With REDIS_URL, the task is queued by
its import path and a `manage.py cleannote_worker` process runs it. Either way, tasks must be
idempotent: RQ may run a job again after a worker dies (ADR 0110).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings

QUEUE_NAME = "cleannote"


@dataclass(frozen=True, slots=True)
class Enqueued:
    """`job_id` when queued on Redis; `result` when the task already ran in-process."""

    job_id: str | None
    result: object = None


def redis_url() -> str:
    return str(getattr(settings, "REDIS_URL", "") or "")


def queue() -> Any:
    """The RQ queue; only called when REDIS_URL is set."""
    from redis import Redis
    from rq import Queue

    return Queue(QUEUE_NAME, connection=Redis.from_url(redis_url()))


def enqueue(func: Callable[..., object], *args: Any) -> Enqueued:
    if not redis_url():
        return Enqueued(job_id=None, result=func(*args))
    job = queue().enqueue(func, *args, job_timeout=600, result_ttl=86400)
    return Enqueued(job_id=job.id)
