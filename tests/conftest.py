"""Suite-wide: background tasks run in-process, even when CI exports REDIS_URL; and the shared
demos (tests/shared_demo.py, ADR 0275): their fixtures, and the hooks that run the tests of each
one after another and roll it back after the last of them.

CI sets REDIS_URL so the tests marked `redis` can reach a real queue; every other test keeps
the embedded default (tasks run synchronously in the caller) and sees their results at once.
A `redis` test puts the URL back into settings itself.
"""

from __future__ import annotations

import pytest

from tests.shared_demo import (  # noqa: F401  (fixtures and hooks are found by name)
    _shared_demo_loaded,
    demo,
    money_demo,
    pytest_collection_modifyitems,
    pytest_runtest_teardown,
    pytest_sessionfinish,
    standard_demo,
)


@pytest.fixture(autouse=True)
def _tasks_run_in_process(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("redis") is not None:
        return
    from django.conf import settings

    if getattr(settings, "REDIS_URL", ""):
        request.getfixturevalue("settings").REDIS_URL = ""
