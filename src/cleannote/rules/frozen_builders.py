"""A fast way to build frozen, slotted dataclasses from values already checked.

A frozen dataclass's `__init__` sets each field with `object.__setattr__`, a global and
attribute lookup per field; reading a visit builds some thirty value objects, so that is a
large share of the reader's time. A builder made here takes the field values positionally, in
field order, and stores them through each slot's own descriptor. What it returns is an
ordinary instance of the class: same type, equality, hash, repr, `dataclasses.replace` and
immutability (docs/decisions/0150-fast-visit-reading-and-scrubbing.md).

Builders skip `__init__`, so they are only for classes without `__post_init__`, and only for
callers (the visit reader) that pass every field and have checked the values themselves.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def frozen_builder(cls: type[T]) -> Callable[..., T]:
    """A function taking every field of `cls` positionally and returning the instance."""
    if not dataclasses.is_dataclass(cls) or not hasattr(cls, "__slots__"):
        raise TypeError(f"{cls.__name__} is not a slotted dataclass")
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__} has __post_init__, which a builder would skip")
    names = [field.name for field in dataclasses.fields(cls)]
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    lines = [f"def build({', '.join(names)}):", "    self = _new(_cls)"]
    for name in names:
        namespace[f"_set_{name}"] = cls.__dict__[name].__set__
        lines.append(f"    _set_{name}(self, {name})")
    lines.append("    return self")
    exec("\n".join(lines), namespace)  # source: field names only
    build: Callable[..., T] = namespace["build"]
    build.__qualname__ = build.__name__ = f"build_{cls.__name__}"
    return build
