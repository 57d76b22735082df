"""A lower app asks a higher one through a hook the higher one answers at start-up."""

from __future__ import annotations

import pytest

from cleannote.apps.patients import selectors as patients
from cleannote.apps.scheduling import selectors as scheduling
from cleannote.platform.hooks import Hook, no_answer


def test_unanswered_hook_gives_its_default_then_the_registered_answer():
    hook: Hook[[int], str] = Hook("test.hook", lambda n: "nobody")
    assert hook(3) == "nobody"
    hook.register(lambda n: f"{n} from above")
    assert hook(3) == "3 from above"


def test_a_second_different_answer_is_refused_and_the_same_one_is_fine():
    def answer(n: int) -> dict[int, int]:
        return {n: n}

    hook: Hook[[int], dict[int, int]] = Hook("test.hook", no_answer)
    hook.register(answer)
    hook.register(answer)
    with pytest.raises(RuntimeError, match="already has an answer"):
        hook.register(lambda n: {})


def test_the_installed_apps_answer_the_lower_apps_hooks():
    assert patients.chart_notes.registered
    assert patients.with_visits_used.registered
    assert scheduling.coverage_by_patient.registered
