"""Database rules more than one app's tables share, written once."""

from __future__ import annotations

from django.db import models


def dates_in_order(start: str, end: str, *, name: str) -> models.CheckConstraint:
    """A date range whose end may be open (null) and otherwise is not before its start: a
    coverage's dates in force, a fee schedule's or an enrolment's effective dates."""
    return models.CheckConstraint(
        condition=models.Q(**{f"{end}__isnull": True})
        | models.Q(**{f"{end}__gte": models.F(start)}),
        name=name,
    )
