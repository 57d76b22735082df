"""A carrier's payment on a lien case's claim is copied onto the lien ledger once, from an 835
or a paper check, and a reversal reverses it (ADR 0761). The visit of the fixture bills the
liability carrier; its charge on the lien ledger is the full fee, $255.00."""

from __future__ import annotations

from decimal import Decimal as D

from cleannote.apps.audit.actions import Actor
from cleannote.apps.claims.models import Claim
from cleannote.apps.injury.actions import do_post_lien_charges, do_record_settlement
from cleannote.apps.injury.models import LienEntry, LienKind
from cleannote.apps.injury.selectors import lien_balance
from cleannote.apps.patients.models import Case
from cleannote.apps.remittance.actions import do_import_835
from cleannote.apps.remittance.manual_posting import (
    EnteredCheck,
    EnteredClaim,
    EnteredLine,
    do_post_manual_check,
    parse_adjustments,
)
from tests.apps.claims.conftest import Billing, sent_claim
from tests.apps.x12_files import claim_payment, remittance_835, service
from tests.personas import TODAY


def _paying(claim: Claim, share: str, sign: int = 1) -> tuple[str, list[str]]:
    """The carrier pays `share` of each line's charge (CO-45 for the rest); sign -1 reverses."""
    lines = list(claim.lines.order_by("number"))
    services, paid_total = [], D("0")
    for line in lines:
        paid = (line.charge * D(share)).quantize(D("0.01"))
        paid_total += paid
        services.append(
            service(
                f"{line.code}:{':'.join(line.modifiers)}".rstrip(":"),
                str(sign * line.charge),
                str(sign * paid),
                sign * line.units,
                line_control=f"{claim.patient_control_number}-{line.number}",
                adjustments=(("CO", "45", str(sign * (line.charge - paid))),),
            )
        )
    status = "22" if sign < 0 else "1"
    total = sum((line.charge for line in lines), D("0"))
    pcn = claim.patient_control_number
    return claim_payment(pcn, status, str(sign * total), str(sign * paid_total), "0", services)


def _rows(case: Case) -> list[tuple[str, D]]:
    return list(LienEntry.objects.filter(case=case).order_by("id").values_list("kind", "amount"))


def test_an_835_payment_on_a_lien_case_reaches_the_lien_ledger_once(billing: Billing, lop):
    # given a sent claim of the letter-of-protection case, no charge posted on the ledger yet
    claim = sent_claim(billing)
    paid = sum((line.charge for line in claim.lines.all()), D("0")) * D("0.6")
    # when the liability carrier's 835 posts, and the same file arrives again
    data = remittance_835([_paying(claim, "0.6")])
    do_import_835(billing.actor, data, file_name="harbor.835")
    do_import_835(billing.actor, data, file_name="harbor-again.835")
    # then the visit's charge at the full fee and the carrier's payment are on the ledger, once
    assert _rows(lop) == [(LienKind.CHARGE, D("255.00")), (LienKind.PAYMENT, paid)]
    payment = LienEntry.objects.get(kind=LienKind.PAYMENT)
    assert payment.claim_id == claim.pk
    assert payment.claim_posting is not None
    assert "Harbor Casualty paid" in payment.memo
    assert lien_balance(lop.pk) == D("255.00") - paid


def test_a_reversal_reverses_the_copied_payment(billing: Billing, lop):
    claim = sent_claim(billing)
    do_import_835(billing.actor, remittance_835([_paying(claim, "0.6")]), file_name="a.835")
    do_import_835(
        billing.actor, remittance_835([_paying(claim, "0.6", -1)], control=8), file_name="b.835"
    )
    kinds = [kind for kind, _ in _rows(lop)]
    assert kinds == [LienKind.CHARGE, LienKind.PAYMENT, LienKind.REVERSAL]
    assert lien_balance(lop.pk) == D("255.00")


def test_a_paper_check_is_copied_too_and_a_case_without_a_lien_is_not(billing: Billing, lop):
    # given the same claim paid by paper check (ADR 0750)
    claim = sent_claim(billing)
    lines = tuple(
        EnteredLine(
            line.pk, line.charge - D("10.00"), line.charge - D("10.00"),
            parse_adjustments("CO-45 10.00", f"l{line.number}"),
        )
        for line in claim.lines.order_by("number")
    )  # fmt: skip
    total = sum((line.paid for line in lines), D("0"))
    check = EnteredCheck(
        payer_name="Harbor Casualty",
        check_number="88120",
        paid_on=TODAY,
        total=total,
        claims=(EnteredClaim(claim.pk, lines, payer_claim_number="HC-1"),),
    )
    do_post_manual_check(billing.actor, check)
    assert _rows(lop)[-1] == (LienKind.PAYMENT, total)
    assert "paper check 88120" in LienEntry.objects.get(kind=LienKind.PAYMENT).memo


def test_no_lien_no_copy_and_a_settled_ledger_takes_nothing(billing: Billing, lop):
    Case.objects.filter(pk=lop.pk).update(lien_on_file=False)
    claim = sent_claim(billing)
    do_import_835(billing.actor, remittance_835([_paying(claim, "0.6")]), file_name="a.835")
    assert _rows(lop) == []
    # a ledger once opened keeps taking payments; after settlement it takes nothing
    Case.objects.filter(pk=lop.pk).update(lien_on_file=True)
    actor = Actor(user=billing.actor.user, organisation=billing.clinic.organisation)
    do_post_lien_charges(actor, lop)
    do_record_settlement(
        actor, lop, settled_on=TODAY, settlement_amount="9000", reduction="0", payment="255.00"
    )
    do_import_835(
        billing.actor, remittance_835([_paying(claim, "0.6", -1)], control=8), file_name="b.835"
    )
    assert LienKind.REVERSAL not in [kind for kind, _ in _rows(lop)]
