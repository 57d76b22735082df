"""The clinic's network status per payer (payers.Payer.network_status, ADR 0655) picks the side
of a 271's benefits the eligibility answer shows: a 271 that carries both in-network (EB12 Y)
and out-of-network (EB12 N) copay, coinsurance and deductible, read for each status."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cleannote.apps.audit.actions import Actor
from cleannote.apps.eligibility.actions import Question, do_build_270, do_record_271
from cleannote.apps.payers.actions import do_create_payer, do_update_payer
from cleannote.apps.payers.models import NetworkStatus, Payer, reads_in_network
from cleannote.edi.eligibility_summary import summarise_271
from cleannote.edi.x12_271 import read_271
from tests.apps.eligibility.test_eligibility import DAY
from tests.apps.x12_files import eligibility_271

# Out-of-network rows first: a payer's order must not decide.
BOTH_SIDES = [
    "DTP*346*D8*20260101",
    "EB*1*IND*30**COMMERCIAL PPO",
    "EB*B*IND*PT****60*****N",
    "EB*B*IND*PT****30*****Y",
    "EB*A*IND*PT*****0.4****N",
    "EB*A*IND*PT*****0.2****Y",
    "EB*C*IND*PT***29*1500*****N",
    "EB*C*IND*PT***29*250*****Y",
]

# (network status, copay, coinsurance %, deductible remaining)
SIDES = [
    (NetworkStatus.IN_NETWORK, "30.00", "20.00", "250.00"),
    (NetworkStatus.OUT_OF_NETWORK, "60.00", "40.00", "1500.00"),
    (NetworkStatus.UNKNOWN, "30.00", "20.00", "250.00"),  # unknown reads as in network
]


@pytest.mark.parametrize(
    ("in_network", "copay", "coinsurance", "deductible"),
    [(True, "30", "0.2", "250"), (False, "60", "0.4", "1500")],
)
def test_the_summary_reads_the_clinics_side_of_the_network(
    in_network: bool, copay: str, coinsurance: str, deductible: str
):
    (response,) = read_271(eligibility_271([("T1", BOTH_SIDES)]), source="sides.271")
    summary = summarise_271(response, "PT", in_network=in_network)
    assert (summary.copay, summary.coinsurance, summary.deductible_remaining) == (
        Decimal(copay),
        Decimal(coinsurance),
        Decimal(deductible),
    )


@pytest.mark.parametrize(
    ("status", "reads_in"),
    [("in_network", True), ("out_of_network", False), ("unknown", True), (None, True)],
)
def test_which_side_a_status_reads(status, reads_in):
    assert reads_in_network(status) is reads_in


@pytest.mark.parametrize(("status", "copay", "coinsurance", "deductible"), SIDES)
def test_the_payers_network_status_picks_the_benefits_recorded(
    clinic, status, copay, coinsurance, deductible
):
    # given the patient's coverage is with a directory payer whose network status is `status`
    biller = Actor(user=clinic.biller.user, organisation=clinic.organisation)
    coverage = clinic.patient.coverages.get()
    payer = do_create_payer(
        biller, Payer(name="Keystone PPO", claims_payer_id="KPPO1", kind="commercial")
    )
    do_update_payer(biller, payer, network_status=status)
    coverage.payer_record = payer
    coverage.save(update_fields=["payer_record"])
    front_desk = Actor(user=clinic.front_desk.user, organisation=clinic.organisation)
    (check,) = do_build_270(front_desk, [Question(coverage, DAY)])
    # when the payer's 271 answers with both sides
    data = eligibility_271([(check.trace_number, BOTH_SIDES)])
    (answered,) = do_record_271(front_desk, data, file_name="sides.271")
    answered.refresh_from_db()
    # then the check holds the clinic's side
    assert (
        answered.copay,
        answered.coinsurance_percent,
        answered.deductible_remaining,
    ) == (Decimal(copay), Decimal(coinsurance), Decimal(deductible))


def test_the_network_status_is_edited_and_shown_on_the_payer_pages(clinic, login):
    biller = Actor(user=clinic.biller.user, organisation=clinic.organisation)
    payer = do_create_payer(
        biller, Payer(name="Keystone PPO", claims_payer_id="KPPO1", kind="commercial")
    )
    client = login(clinic.biller)
    page = client.get(f"/payers/{payer.pk}/").content.decode()
    assert 'name="network_status"' in page
    assert "Network: <strong>Unknown</strong>" in page
    form = {
        "name": "Keystone PPO",
        "claims_payer_id": "KPPO1",
        "kind": "commercial",
        "network_status": "out_of_network",
        "is_active": "on",
    }
    response = client.post(f"/payers/{payer.pk}/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    payer.refresh_from_db()
    assert payer.network_status == NetworkStatus.OUT_OF_NETWORK
    listing = client.get("/payers/").content.decode()
    assert 'data-network="out_of_network"' in listing
    assert "Out of network" in listing
