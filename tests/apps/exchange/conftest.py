"""The named personas (tests/personas.py) for the exchange's tests."""

from tests.personas import (  # noqa: F401  (fixtures are found by name)
    _fast_password_hashing,
    clinic,
    other_clinic,
)
