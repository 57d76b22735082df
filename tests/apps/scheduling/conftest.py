"""The claims app's billing fixture, for the forward view's money flags."""

from tests.apps.claims.conftest import billing  # noqa: F401 (a fixture)
