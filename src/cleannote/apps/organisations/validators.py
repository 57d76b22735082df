"""Model-field validators that wrap the core's checks in Django's ValidationError."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from cleannote.rules.npi import npi_problem


def validate_npi(value: str) -> None:
    problem = npi_problem(value)
    if problem is not None:
        raise ValidationError(problem, code="invalid_npi")


def validate_taxonomy(value: str) -> None:
    """Health-care provider taxonomy codes are 10 characters: 9 alphanumerics and an X."""
    if len(value) != 10 or not value.isalnum() or not value.upper().endswith("X"):
        raise ValidationError(
            f"taxonomy code {value!r} must be 10 characters ending in X (e.g. 225100000X)",
            code="invalid_taxonomy",
        )


def validate_state(value: str) -> None:
    if len(value) != 2 or not value.isalpha() or not value.isupper():
        raise ValidationError(
            f"state {value!r} must be a two-letter postal code", code="invalid_state"
        )
