import pytest

from cleannote.apps.audit.chaining import chain_pending_events
from cleannote.apps.organisations.models import Organisation


@pytest.fixture
def link():
    """Run the chaining task on every chain, as a worker does once the writers commit: the
    test run's wrapping transaction never commits, so events written inside an action wait."""

    def run() -> None:
        for organisation_id in [None, *Organisation.objects.values_list("pk", flat=True)]:
            chain_pending_events(organisation_id)

    return run
