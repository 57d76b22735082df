"""The benchmarks' 835 is realistic and distinct: every claim balances and differs from the next,
so a reader's value caches meet what a real daily file holds (issue 8: the old one repeated
one claim's amounts, dates and adjustments, and flattered the caches 2-3 times)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from benchmarks.claim_generator import generate_claims
from benchmarks.remit_generator import write_835

from cleannote.edi.transactions import read_any

CLAIMS = 400


@pytest.fixture(scope="module")
def remittances(tmp_path_factory):
    path = tmp_path_factory.mktemp("remit") / "distinct.835"
    assert write_835(path, generate_claims(CLAIMS)) == CLAIMS
    return read_any(path, source=path.name).items


def _claims(remittances):
    return [claim for remit in remittances for claim in remit.claims]


def test_every_line_claim_and_payment_balances(remittances):
    for remit in remittances:
        assert remit.payment_amount == sum((c.paid for c in remit.claims), Decimal(0))
        for claim in remit.claims:
            assert claim.charge == sum((s.charge for s in claim.services), Decimal(0))
            assert claim.paid == sum((s.paid for s in claim.services), Decimal(0))
            assert claim.charge - claim.paid == claim.adjusted
            patient_share = sum(
                (a.amount for a in claim.all_adjustments() if a.group_code == "PR"), Decimal(0)
            )
            assert claim.patient_responsibility == patient_share
            for line in claim.services:
                assert line.charge - line.paid == line.adjusted


def test_claims_differ_in_ids_patients_dates_codes_amounts_and_adjustments(remittances):
    claims = _claims(remittances)
    lines = [line for claim in claims for line in claim.services]
    assert len(claims) == CLAIMS
    assert len({c.patient_control_number for c in claims}) == CLAIMS
    assert len({c.payer_claim_control_number for c in claims}) == CLAIMS
    assert len({c.paid for c in claims}) > 0.8 * CLAIMS
    assert len({line.paid for line in lines}) > 0.5 * len(lines)
    assert len({c.statement_from for c in claims}) > 50
    assert len({c.received for c in claims}) > 50
    assert len({line.procedure.code for line in lines}) >= 10
    assert len({(a.group_code, a.reason_code) for c in claims for a in c.all_adjustments()}) >= 8
    assert len({c.status_code for c in claims}) == 4
    assert len(remittances) > 5  # one transaction set per payer and clinic


def test_the_same_seed_gives_the_same_claims():
    first = [c.visit.id for c in generate_claims(30, seed=7)]
    assert first == [c.visit.id for c in generate_claims(30, seed=7)]
    assert first != [c.visit.id for c in generate_claims(30, seed=8)]
