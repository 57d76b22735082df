"""The core's one memo: bounded, and cleared together.

A rule that answers the same question for the same hashable input on visit after visit (the
facts of a diagnosis list, an NPI's check digit) may remember the answer with `@memo(n)`; no
module keeps its own dictionary for that (docs/decisions/0300). Each memo holds at most `n`
answers, dropping the least recently used, so a stream of distinct inputs cannot grow it; and
`clear_memos()` empties them all, which the scrub benchmark does before every round so that
its figure is for distinct data. Loading bundled reference data once (`functools.cache` on a
loader without arguments) is not a memo and stays as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import _lru_cache_wrapper, lru_cache
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_MEMOS: list[_lru_cache_wrapper[Any]] = []


def memo(maxsize: int) -> Callable[[F], F]:
    """Remember up to `maxsize` answers of a pure function of hashable arguments."""

    def remember(function: F) -> F:
        remembered = lru_cache(maxsize=maxsize)(function)
        _MEMOS.append(remembered)
        return remembered  # type: ignore[return-value]  # same signature, answers remembered

    return remember


def clear_memos() -> None:
    """Forget every remembered answer (benchmarks on distinct data; tests)."""
    for remembered in _MEMOS:
        remembered.cache_clear()
