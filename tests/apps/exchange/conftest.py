"""The named personas (tests/personas.py) and the test SFTP server for the exchange's tests."""

from tests.apps.exchange.sftp_server import sftp_server  # noqa: F401
from tests.personas import (  # noqa: F401  (fixtures are found by name)
    _fast_password_hashing,
    clinic,
    other_clinic,
)
