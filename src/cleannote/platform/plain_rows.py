"""`rows_as_instances`: model instances from plain `values_list` rows, without `Model.__init__`.

A page that reads thousands of rows (the week view's 2,000 appointments, their patients,
cases and coverages) spent a fifth of its time in Django building them: `Model.__init__` sends
`pre_init` and `post_init`, and sets every column through its descriptor (a foreign key's
checks its cache each time). Read as tuples, the same values (the database converters run
either way) are put straight into each instance's `__dict__`, with the state a loaded row has
(`adding` false, its database), which is all `Model.from_db` leaves behind (ADR 0660).

The instances are ordinary ones: saving, `refresh_from_db` and relations work; a column not
read is deferred as with `.only()` (read on first use). A model something listens to
`pre_init` or `post_init` for (an image field's dimensions, say) is built the ordinary way,
so no receiver is skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.db import models
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init

M = TypeVar("M", bound=models.Model)


def rows_as_instances(
    model: type[M], attnames: Sequence[str], rows: Iterable[Sequence[Any]], db: str = "default"
) -> list[M]:
    """One instance of `model` per row; `attnames` are the columns' attribute names (a foreign
    key's `staff_id`, not `staff`) in the rows' order, and must include the primary key's."""
    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        return [model.from_db(db, list(attnames), list(row)) for row in rows]
    found = []
    new = object.__new__
    for row in rows:
        instance = new(model)
        state = ModelState()
        state.adding = False
        state.db = db
        instance.__dict__["_state"] = state
        instance.__dict__.update(zip(attnames, row, strict=True))
        found.append(instance)
    return found
