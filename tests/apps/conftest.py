"""The shell's named personas (Riverside and Harbor) for the billing apps' tests."""

from tests.web.conftest import (  # noqa: F401  (fixtures are found by name)
    _fast_password_hashing,
    clinic,
    login,
    other_clinic,
)
