"""A 270 goes to the directory's eligibility payer id where it differs from the claims id."""

from __future__ import annotations

import datetime as dt

from cleannote.apps.audit.actions import Actor
from cleannote.apps.eligibility.request_builder import eligibility_request
from cleannote.apps.payers.actions import do_update_payer
from cleannote.rules.visit import Address, BillingProvider

PROVIDER = BillingProvider(
    name="Riverside",
    npi="1234567893",
    tax_id="123456789",
    taxonomy="261QP2000X",
    address=Address(line1="1 Main St", city="Springfield", state="IL", zip="627011234"),
)


def _request_payer_id(coverage) -> str:
    request = eligibility_request(
        coverage, dt.date(2026, 3, 2), trace="T1", provider=PROVIDER, discipline=None
    )
    return request.payer.payer_id


def test_eligibility_goes_to_the_eligibility_id_when_the_directory_has_one(clinic):
    coverage = clinic.patient.coverages.select_related("patient").get()
    assert _request_payer_id(coverage) == "MCR"
    actor = Actor(user=clinic.biller.user, organisation=clinic.organisation)
    do_update_payer(actor, coverage.payer_record, eligibility_payer_id="MCR-270")
    coverage = clinic.patient.coverages.select_related("patient").get()
    assert _request_payer_id(coverage) == "MCR-270"
    assert coverage.payer_id == "MCR"  # claims still go to the claims id
