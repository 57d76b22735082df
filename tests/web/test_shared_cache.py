"""One cache for every server and worker process (ADR 0641's rate limits, ADR 0844): Redis at
CLEANNOTE_CACHE_URL, else at REDIS_URL, else a table in the database; never a process's own
memory."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _shell(command: str, cache_url: str, **environment: str) -> str:
    """Run `command` in `manage.py shell` in its own process, as a second server would."""
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_VERSION"}
    env.update(CLEANNOTE_DEBUG="1", CLEANNOTE_CACHE_URL=cache_url, **environment)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", command],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.strip()


@pytest.mark.redis
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: no Redis")
def test_two_processes_see_one_count():
    # given the Redis database of this run's REDIS_URL: with the cache on Redis, a test that
    # clears the cache empties its whole database, so each run keeps to its own (ADR 0844)
    cache_url = os.environ["REDIS_URL"]
    key = f"shared-cache-test-{uuid.uuid4().hex}"
    setup = "from django.core.cache import cache; "
    # when one process counts twice and another once
    _shell(
        setup + f"cache.set('{key}', 0, 60); cache.incr('{key}'); cache.incr('{key}')", cache_url
    )
    seen = _shell(setup + f"print(cache.incr('{key}')); cache.delete('{key}')", cache_url)
    # then the second process saw the first one's count
    assert seen == "3"


@pytest.mark.parametrize(
    ("case", "cache_url", "redis_url", "backend", "location"),
    [
        ("cache_url", "redis://127.0.0.1:6379/1", "redis://127.0.0.1:6379/2", "RedisCache",
         "redis://127.0.0.1:6379/1"),
        ("queue_redis", "", "redis://127.0.0.1:6379/2", "RedisCache", "redis://127.0.0.1:6379/2"),
        ("no_redis", "", "", "DatabaseCache", "cleannote_cache"),
    ],
)  # fmt: skip
def test_the_cache_is_shared_by_every_process(case, cache_url, redis_url, backend, location):
    # given the environment of a deployment; when its settings load
    seen = _shell(
        "from django.conf import settings; c = settings.CACHES['default']; "
        "print(c['BACKEND'].rsplit('.', 1)[1], c['LOCATION'])",
        cache_url,
        REDIS_URL=redis_url,
    )
    # then the cache is one every process reaches, never a process's own memory
    assert seen == f"{backend} {location}"


@pytest.mark.django_db
def test_without_redis_the_count_lives_in_the_database(settings):
    # given the cache a deployment without Redis gets (CI's runs set REDIS_URL, so the test
    # puts the database cache in place itself rather than skip): the table the migration made
    from django.core.cache import caches
    from django.db import connection

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "cleannote_cache",
        }
    }
    cache = caches["default"]
    # when a count is set and counted
    cache.set("shared-count", 1, 60)
    # then it counts, and the count is a row of that table
    assert cache.incr("shared-count") == 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM cleannote_cache")
        assert cursor.fetchone()[0] == 1
