"""The named personas (tests/personas.py: Riverside and Harbor) for every app's tests."""

from tests.personas import (  # noqa: F401  (fixtures are found by name)
    _fast_password_hashing,
    clinic,
    login,
    other_clinic,
)
