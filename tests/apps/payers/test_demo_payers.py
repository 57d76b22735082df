"""The demo clinic's payers are in its directory, every coverage linked, one with its own rules."""

from __future__ import annotations

from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.patients.models import Coverage
from cleannote.apps.payers.models import Payer
from cleannote.rules.visit import UnitMethod
from tests.e2e.conftest import Demo


def test_demo_payers_are_in_the_directory_with_an_override(demo: Demo):
    directory = Payer.objects.filter(organisation=demo.organisation)
    assert directory.count() == 7
    lakeshore = directory.get(claims_payer_id="DEMO-LSM")
    assert lakeshore.policy.unit_method is UnitMethod.CMS  # commercial default: per code
    assert lakeshore.eligibility_id == "DEMO-LSM-E"
    assert directory.get(claims_payer_id="DEMO-KHP").policy.pays_97010
    assert directory.get(claims_payer_id="DEMO-MCR").timely_filing_days == 365
    # the clinic's side of each network (ADR 0655): contracted with Keystone, not Lakeshore
    assert directory.get(claims_payer_id="DEMO-KHP").network_status == "in_network"
    assert lakeshore.network_status == "out_of_network"
    assert directory.get(claims_payer_id="DEMO-RAI").network_status == "unknown"
    assert not Coverage.objects.filter(payer_record__isnull=True).exists()
    assert AuditEvent.objects.filter(
        object_type="payer.policy_overrides", actor_username="demo-biller"
    ).exists()
    # The other organisation's coverage joined its own directory, not Riverbend's.
    assert Payer.objects.exclude(organisation=demo.organisation).get().claims_payer_id == "DEMO-KHP"
