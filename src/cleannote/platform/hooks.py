"""How a lower app asks a higher one, without importing it (ADR 0401).

Apps are layered: a higher app may import a lower one, never the reverse. When a lower app's
page or selector needs something only a higher app knows (the patient chart lists the notes;
the day list shows each patient's coverage check), the lower app declares a `Hook` with the
answer it uses when nobody registered one, and the higher app registers its function in its
`AppConfig.ready()`, at start-up, before any request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class Hook(Generic[P, R]):
    """One named question with at most one answering function."""

    def __init__(self, name: str, default: Callable[P, R]) -> None:
        self.name = name
        self._default = default
        self._answer: Callable[P, R] | None = None

    def register(self, answer: Callable[P, R]) -> None:
        """Set the answering function; registering a second, different one is a mistake."""
        if self._answer is not None and self._answer is not answer:
            raise RuntimeError(f"hook {self.name} already has an answer: {self._answer!r}")
        self._answer = answer

    @property
    def registered(self) -> bool:
        return self._answer is not None

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        answer = self._answer or self._default
        return answer(*args, **kwargs)

    def __repr__(self) -> str:
        return f"Hook({self.name!r}, registered={self.registered})"


def no_answer(*args: Any, **kwargs: Any) -> dict[Any, Any]:
    """The default answer of a hook that maps ids to facts: nothing known."""
    return {}
