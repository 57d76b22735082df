"""The demo clinic shows issue 13's secondary claims (ADR 0740): a patient with a second plan
whose secondary claim the primary's 835 made, ready to batch and valid, and a Medicare patient
on Medicaid whose claim Medicare crossed over, not billed again."""

from __future__ import annotations

from cleannote.apps.claims.actions import do_build_batch
from cleannote.apps.claims.models import Claim, ClaimStatus, Origin, PayerSequence
from cleannote.apps.remittance.models import ClaimPosting
from tests.e2e.conftest import Demo
from tests.edi.pyx12_check import pyx12_errors
from tests.personas import client_for


def test_demo_has_a_secondary_claim_from_an_835_and_a_medicare_crossover(money_demo: Demo):
    # given the demo clinic
    demo = money_demo
    organisation = demo.organisation
    # then one secondary claim was made by the posting of its primary's 835
    secondary = Claim.objects.get(organisation=organisation, origin=Origin.SECONDARY)
    primary = secondary.primary_claim
    assert primary is not None
    assert ClaimPosting.objects.filter(claim=primary).exists()
    assert secondary.payer_sequence == PayerSequence.SECONDARY
    assert secondary.from_remittance_on == primary.adjudicated_on
    assert secondary.status == ClaimStatus.READY
    # and it batches into a valid 837P
    batch = do_build_batch(demo.actor, [secondary.pk])
    assert pyx12_errors(batch.content.encode("ascii")) == []
    # and one claim Medicare crossed over to Medicaid, with no secondary claim of ours
    crossed = Claim.objects.get(organisation=organisation, payer_id="DEMO-MCR",
                                crossover_payer__icontains="medicaid")  # fmt: skip
    assert not crossed.secondary_claims.exists()
    # and the claim pages say so
    client = client_for(demo.biller)
    page = client.get(f"/claims/{primary.pk}/").content.decode()
    assert "created from the primary's 835 of" in page
    assert (
        "Crossed over to STATE MEDICAID (DEMO)"
        in client.get(f"/claims/{crossed.pk}/").content.decode()
    )
