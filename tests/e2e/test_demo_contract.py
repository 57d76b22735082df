"""The demo clinic's Keystone contract (loaded by the demo through the CSV import, ADR 0720):
an 835 that allows one contracted line $5.00 under the contract shows one underpayment."""

from __future__ import annotations

from decimal import Decimal

from cleannote.apps.claims.actions import do_build_batch, do_mark_ready
from cleannote.apps.claims.fees import contracted_rate
from cleannote.apps.claims.models import FeeSchedule
from cleannote.apps.remittance.actions import do_import_835
from cleannote.apps.remittance.models import LinePosting
from cleannote.web.demo_contracts import CONTRACT_PAYER
from tests.apps.x12_files import claim_payment, remittance_835, service
from tests.e2e.conftest import claims_from_signed_notes

SHORT = Decimal("5.00")


def test_demo_contract_finds_one_underpayment_in_an_835(demo):
    # given the demo's contract with Keystone, one schedule per location
    contracts = FeeSchedule.objects.filter(organisation=demo.organisation, payer_id=CONTRACT_PAYER)
    assert contracts.count() == demo.organisation.locations.count()
    rates = {
        (e.code, e.modifier): e.contracted_amount
        for e in contracts.first().entries.all()
        if e.contracted_amount is not None
    }
    # and a Keystone claim billed from a demo note with a contracted line
    claims, _refused = claims_from_signed_notes(demo)
    claim = next(
        c
        for c in claims
        if c.payer_id == CONTRACT_PAYER
        and any(contracted_rate(rates, x.code, x.modifiers) for x in c.lines.all())
    )
    do_mark_ready(demo.actor, claim)
    do_build_batch(demo.actor, [claim.pk])
    # when the 835 allows the first contracted line $5.00 under the contract, the rest as billed
    loops, paid_total, flagged_line = [], Decimal("0"), None
    for line in claim.lines.order_by("number"):
        rate = contracted_rate(rates, line.code, line.modifiers)
        allowed = line.charge
        if rate is not None and flagged_line is None:
            allowed, flagged_line = rate * line.units - SHORT, line
        elif rate is not None:
            allowed = rate * line.units
        loops.append(
            service(
                ":".join([line.code, *line.modifiers]), str(line.charge), str(allowed),
                line.units, line_control=line.line_control_number, allowed=str(allowed),
                adjustments=(("CO", "45", str(line.charge - allowed)),),
            )
        )  # fmt: skip
        paid_total += allowed
    era = remittance_835(
        [
            claim_payment(
                claim.patient_control_number, "1", str(claim.total_charge), str(paid_total), "0",
                loops,
            )
        ]
    )  # fmt: skip
    do_import_835(demo.actor, era, file_name="demo-keystone.835")
    # then exactly that line is an underpayment, by $5.00
    (under,) = LinePosting.objects.filter(underpaid=True)
    assert under.claim_line_id == flagged_line.pk
    assert under.shortfall == SHORT
