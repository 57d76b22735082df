"""Claims to post against, built by the claims app's own fixtures and actions
(tests/apps/claims/conftest.py): $130 for 97110 × 2 and $60 for 97140, sent to Medicare."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cleannote.apps.claims.models import Claim, FeeScheduleEntry
from tests.apps.claims.conftest import Billing, billing, sent_claim  # noqa: F401

CONTRACTED_97140 = Decimal("28.00")


@pytest.fixture
def claim(billing: Billing) -> Claim:  # noqa: F811
    """A sent claim; the schedule contracts 97110 at $30.12 and 97140 at $28.00 per unit."""
    FeeScheduleEntry.objects.filter(schedule=billing.schedule, code="97140").update(
        contracted_amount=CONTRACTED_97140
    )
    return sent_claim(billing)
