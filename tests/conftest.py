"""Suite-wide: background tasks run in-process, even when CI exports REDIS_URL.

CI sets REDIS_URL so the tests marked `redis` can reach a real queue; every other test keeps
the embedded default (tasks run synchronously in the caller) and sees their results at once.
A `redis` test puts the URL back into settings itself.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _tasks_run_in_process(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("redis") is not None:
        return
    from django.conf import settings

    if getattr(settings, "REDIS_URL", ""):
        request.getfixturevalue("settings").REDIS_URL = ""
