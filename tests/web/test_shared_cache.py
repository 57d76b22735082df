"""CLEANNOTE_CACHE_URL makes one cache for every server process (ADR 0641's rate limits)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _shell(command: str, cache_url: str) -> str:
    """Run `command` in `manage.py shell` in its own process, as a second server would."""
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_VERSION"}
    env.update(CLEANNOTE_DEBUG="1", CLEANNOTE_CACHE_URL=cache_url)
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
    # given the Redis server of REDIS_URL, on a database no queue test empties
    cache_url = os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/14"
    key = f"shared-cache-test-{uuid.uuid4().hex}"
    setup = "from django.core.cache import cache; "
    # when one process counts twice and another once
    _shell(
        setup + f"cache.set('{key}', 0, 60); cache.incr('{key}'); cache.incr('{key}')", cache_url
    )
    seen = _shell(setup + f"print(cache.incr('{key}')); cache.delete('{key}')", cache_url)
    # then the second process saw the first one's count
    assert seen == "3"


def test_without_it_each_process_has_its_own_memory_cache():
    from django.conf import settings

    assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")
