"""Secondary claims made by the primary's 835 (issue 13, ADR 0740), and Medicare crossovers the
835 announces, which are not billed again.

The claim (conftest): $190 to Medicare, 97110 × 2 at $130 (line 1) and 97140 at $60 (line 2).
The primary's 835 allows and pays per line: line 1 paid $48.19, CO-45 $69.76, PR-2 $12.05;
line 2 paid $22.40, CO-45 $32.00, PR-2 $5.60 (paid $70.59, coinsurance $17.65). The patient's
second plan is Lakeshore Mutual (LSM01).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from cleannote.apps.claims.actions import (
    do_build_batch,
    do_create_secondary_claim,
    do_mark_ready,
)
from cleannote.apps.claims.models import Claim, ClaimStatus, Origin, PayerSequence
from cleannote.apps.patients.models import Coverage
from tests.apps.claims.test_claim_lifecycle import _secondary_coverage
from tests.apps.remittance.test_settlement import _balance, _coinsurance, _post, _with
from tests.apps.x12_files import claim_payment, service
from tests.edi.pyx12_check import pyx12_errors
from tests.personas import client_for

S = ClaimStatus
PAID_ON = dt.date(2026, 1, 20)  # the 835's BPR16


def _segments(content: str) -> list[str]:
    return [s.strip() for s in content.split("~") if s.strip()]


def _secondary_of(claim: Claim) -> Claim:
    return Claim.objects.get(primary_claim=claim, origin=Origin.SECONDARY)


def test_primary_835_makes_the_secondary_claim_ready_to_batch(billing, claim):
    # given the patient's second plan on file
    coverage = _secondary_coverage(billing)
    # when the primary's 835 posts
    _post(billing, _coinsurance(claim.patient_control_number), name="primary.835")
    # then the secondary claim exists, linked to the primary, billed second, ready to batch
    secondary = _secondary_of(claim)
    assert (secondary.coverage_id, secondary.payer_id) == (coverage.pk, "LSM01")
    assert secondary.payer_sequence == PayerSequence.SECONDARY
    assert secondary.status == S.READY
    assert secondary.from_remittance_on == PAID_ON
    assert secondary.total_charge == Decimal("190.00")
    assert [(line.code, line.units, line.charge) for line in secondary.lines.all()] == [
        ("97110", 2, Decimal("130.00")),
        ("97140", 1, Decimal("60.00")),
    ]
    # and the patient still owes the coinsurance until the secondary answers
    assert _balance(billing, claim) == Decimal("17.65")


def test_secondary_837p_carries_the_primarys_adjudication_and_is_pyx12_valid(billing, claim):
    # given the secondary made by the primary's 835
    _secondary_coverage(billing)
    _post(billing, _coinsurance(claim.patient_control_number), name="primary.835")
    secondary = _secondary_of(claim)
    # when it is batched like any ready claim
    batch = do_build_batch(billing.actor, [secondary.pk])
    # then the file is valid and says: secondary claim (SBR*S), Medicare paid 70.59 and left
    # 17.65 to the patient, and per line what it paid and adjusted on 2026-01-20
    assert pyx12_errors(batch.content.encode("ascii")) == []
    segments = _segments(batch.content)
    sbr = [s for s in segments if s.startswith("SBR*")]
    assert [s.split("*")[1] for s in sbr] == ["S", "P"]
    assert "AMT*D*70.59" in segments
    assert "AMT*EAF*17.65" in segments
    line_1 = segments.index("LX*1")
    assert segments[line_1 + 4 : line_1 + 8] == [
        "SVD*MCR*48.19*HC:97110:GP**2",
        "CAS*CO*45*69.76",
        "CAS*PR*2*12.05",
        "DTP*573*D8*20260120",
    ]
    line_2 = segments.index("LX*2")
    assert segments[line_2 + 4 : line_2 + 8] == [
        "SVD*MCR*22.4*HC:97140:GP**1",
        "CAS*CO*45*32",
        "CAS*PR*2*5.6",
        "DTP*573*D8*20260120",
    ]


def test_worked_example_at_claim_level_goes_in_2320(billing, claim):
    # given a primary that adjudicated the whole claim: billed 190, paid 120, CO-45 40, PR-2 30
    _secondary_coverage(billing)
    _post(billing, _with(
        claim_payment(claim.patient_control_number, "1", "190", "120", "30", []),
        "CAS*CO*45*40", "CAS*PR*2*30",
    ), name="claim-level.835")  # fmt: skip
    secondary = _secondary_of(claim)
    # when batched
    content = do_build_batch(billing.actor, [secondary.pk]).content
    # then 2320 carries the claim-level CAS, the payment and the patient's share
    assert pyx12_errors(content.encode("ascii")) == []
    segments = _segments(content)
    start = segments.index("SBR*P*18*******MB")
    assert segments[start : start + 6] == [
        "SBR*P*18*******MB", "CAS*CO*45*40", "CAS*PR*2*30", "AMT*D*120", "AMT*EAF*30", "OI***Y***Y",
    ]  # fmt: skip
    assert "DTP*573*D8*20260120" in segments
    assert not any(s.startswith("SVD*") for s in segments)


def test_posting_twice_makes_one_secondary_claim(billing, claim):
    # given the secondary made by the primary's 835
    _secondary_coverage(billing)
    pcn = claim.patient_control_number
    _post(billing, _coinsurance(pcn), name="primary.835")
    first = _secondary_of(claim)
    # when a second answer from the primary posts (an interest-free second payment of $0), and
    # the biller asks for the secondary by hand too
    _post(billing, claim_payment(pcn, "1", "190", "0", "0", []), name="again.835")
    by_hand = do_create_secondary_claim(billing.actor, claim)
    # then there is still one secondary claim
    assert by_hand.pk == first.pk
    assert Claim.objects.filter(primary_claim=claim, origin=Origin.SECONDARY).count() == 1


def test_the_database_refuses_a_second_secondary_claim(billing, claim):
    # given one secondary claim of the primary
    _secondary_coverage(billing)
    _post(billing, _coinsurance(claim.patient_control_number), name="primary.835")
    twin = _secondary_of(claim)
    # when a second row follows the same primary (even to another payer id)
    twin.pk = None
    twin.patient_control_number = None
    twin.payer_id = "OTHER1"
    # then the constraint one_next_payer_claim_per_claim refuses it
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


@pytest.mark.parametrize(
    ("segments", "status", "crossed_to"),
    [
        pytest.param(("MOA***MA18",), "1", "Lakeshore Mutual", id="moa-ma18"),
        pytest.param(("MIA*0****MA18",), "1", "Lakeshore Mutual", id="mia-ma18"),
        pytest.param(
            ("NM1*TT*2*LAKESHORE MUTUAL*****PI*LSM01",), "1", "LAKESHORE MUTUAL", id="nm1-tt"
        ),
        pytest.param((), "19", "Lakeshore Mutual", id="clp02-19"),
    ],
)
def test_medicare_crossover_is_not_billed_again(billing, claim, segments, status, crossed_to):
    # given the patient's second plan on file
    _secondary_coverage(billing)
    # when Medicare's 835 says it forwarded the claim
    _post(billing, _with(_coinsurance(claim.patient_control_number, status), *segments))
    # then no secondary claim, and the claim says where it went
    claim.refresh_from_db()
    assert claim.status == S.PAID
    assert claim.crossover_payer == crossed_to
    assert not Claim.objects.filter(primary_claim=claim).exists()
    assert _balance(billing, claim) == 0  # held for the secondary's answer


def test_crossover_remark_on_a_line_counts_too(billing, claim):
    _secondary_coverage(billing)
    pcn = claim.patient_control_number
    _post(billing, claim_payment(pcn, "1", "190", "70.59", "17.65", [
        service("97110:GP", "130", "48.19", 2, line_control=f"{pcn}-1", remarks=("MA18",),
                adjustments=(("CO", "45", "69.76"), ("PR", "2", "12.05"))),
        service("97140:GP", "60", "22.40", 1, line_control=f"{pcn}-2",
                adjustments=(("CO", "45", "32.00"), ("PR", "2", "5.60"))),
    ]))  # fmt: skip
    claim.refresh_from_db()
    assert claim.crossover_payer == "Lakeshore Mutual"
    assert not Claim.objects.filter(primary_claim=claim).exists()


@pytest.mark.parametrize(
    "case",
    ["no-second-coverage", "second-coverage-ended", "nothing-left-to-the-patient"],
)
def test_no_secondary_claim_when_there_is_nothing_to_bill(billing, claim, case):
    pcn = claim.patient_control_number
    if case != "no-second-coverage":
        coverage = _secondary_coverage(billing)
        if case == "second-coverage-ended":
            Coverage.objects.filter(pk=coverage.pk).update(active_through=dt.date(2025, 6, 30))
    if case == "nothing-left-to-the-patient":
        _post(billing, claim_payment(pcn, "1", "190", "88.24", "0", [
            service("97110:GP", "130", "60.24", 2, line_control=f"{pcn}-1",
                    adjustments=(("CO", "45", "69.76"),)),
            service("97140:GP", "60", "28.00", 1, line_control=f"{pcn}-2",
                    adjustments=(("CO", "45", "32.00"),)),
        ]))  # fmt: skip
    else:
        _post(billing, _coinsurance(pcn))
    claim.refresh_from_db()
    assert claim.status == S.PAID
    assert not Claim.objects.filter(primary_claim=claim).exists()
    assert claim.secondary_problem == ""


def test_a_refused_secondary_is_explained_on_the_primary_and_made_after_the_fix(billing, claim):
    # given a second plan whose member id was never typed in
    coverage = _secondary_coverage(billing)
    Coverage.objects.filter(pk=coverage.pk).update(member_id="")
    # when the primary's 835 posts
    _post(billing, _coinsurance(claim.patient_control_number))
    # then the posting stands, no secondary is made, and the primary says why
    claim.refresh_from_db()
    assert claim.status == S.PAID
    assert not Claim.objects.filter(primary_claim=claim).exists()
    assert claim.secondary_problem.startswith("no secondary claim to Lakeshore Mutual: ")
    page = client_for(billing.clinic.biller).get(f"/claims/{claim.pk}/").content.decode()
    assert 'id="secondary-problem"' in page
    # when the member id is fixed and the biller makes it by hand
    Coverage.objects.filter(pk=coverage.pk).update(member_id="LSM998877")
    secondary = do_create_secondary_claim(billing.actor, claim)
    # then it is made (a draft, as by hand) and the problem is gone
    assert secondary.status == S.DRAFT
    claim.refresh_from_db()
    assert claim.secondary_problem == ""


def test_the_secondarys_answer_on_the_primarys_number_closes_our_unsent_claim(billing, claim):
    # given the secondary claim made by the primary's 835, not yet sent
    _secondary_coverage(billing)
    pcn = claim.patient_control_number
    _post(billing, _coinsurance(pcn), name="primary.835")
    ours = _secondary_of(claim)
    # when the secondary payer answers on the primary's claim number (it got a crossover)
    _post(billing, _with(claim_payment(pcn, "2", "190", "17.65", "0", []), "CAS*CO*23*172.35"),
          name="crossover.835")  # fmt: skip
    # then our claim is closed unsent and the answer posts to the crossover claim
    ours.refresh_from_db()
    assert (ours.status, ours.voided) == (S.CLOSED, True)
    crossover = Claim.objects.get(primary_claim=claim, origin=Origin.CROSSOVER)
    assert crossover.paid_amount == Decimal("17.65")
    assert _balance(billing, claim) == Decimal("0.00")


def test_claim_pages_link_both_ways(billing, claim):
    _secondary_coverage(billing)
    _post(billing, _coinsurance(claim.patient_control_number), name="primary.835")
    secondary = _secondary_of(claim)
    client = client_for(billing.clinic.biller)
    primary_page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert (
        f'Secondary claim <a href="/claims/{secondary.pk}/">{secondary.patient_control_number}'
        "</a> to Lakeshore Mutual created from the primary's 835 of 20 Jan 2026"
    ) in primary_page
    secondary_page = client.get(f"/claims/{secondary.pk}/").content.decode()
    assert (
        f"Secondary claim {secondary.patient_control_number} created from the primary's 835 of "
        "20 Jan 2026"
    ) in secondary_page
    assert f'<a href="/claims/{claim.pk}/">{claim.patient_control_number}</a>' in secondary_page


def test_crossed_over_claim_says_so_on_its_page(billing, claim):
    _secondary_coverage(billing)
    _post(billing, _with(_coinsurance(claim.patient_control_number), "MOA***MA18"))
    page = client_for(billing.clinic.biller).get(f"/claims/{claim.pk}/").content.decode()
    assert "Crossed over to Lakeshore Mutual" in page


def test_tertiary_is_made_by_hand_and_reports_both_payers(billing, claim):
    # given the secondary made and paid, and a third coverage
    _secondary_coverage(billing)
    _post(billing, _coinsurance(claim.patient_control_number), name="primary.835")
    secondary = _secondary_of(claim)
    do_build_batch(billing.actor, [secondary.pk])
    _post(billing, _with(
        claim_payment(secondary.patient_control_number, "2", "190", "10.00", "7.65", []),
        "CAS*OA*23*172.35", "CAS*PR*2*7.65",
    ), name="secondary.835")  # fmt: skip
    Coverage.objects.create(
        patient=billing.clinic.patient, priority="tertiary", payer_name="State Medicaid",
        payer_id="MCD01", kind="medicaid", member_id="MCD123", active_from=dt.date(2025, 1, 1),
    )  # fmt: skip
    # then the secondary's 835 made no tertiary by itself
    assert not Claim.objects.filter(primary_claim=secondary).exists()
    # when the biller makes it
    tertiary = do_create_secondary_claim(billing.actor, secondary)
    # then it bills third and reports Medicare and Lakeshore in order
    assert tertiary.payer_sequence == PayerSequence.TERTIARY
    do_mark_ready(billing.actor, tertiary)
    content = do_build_batch(billing.actor, [tertiary.pk]).content
    assert pyx12_errors(content.encode("ascii")) == []
    sbr = [s.split("*")[1] for s in _segments(content) if s.startswith("SBR*")]
    assert sbr == ["T", "P", "S"]


def _tertiary_coverage(billing) -> Coverage:
    return Coverage.objects.create(
        patient=billing.clinic.patient, priority="tertiary", payer_name="State Medicaid",
        payer_id="MCD01", kind="medicaid", member_id="MCD123", active_from=dt.date(2025, 1, 1),
    )  # fmt: skip


def _secondary_pays_10(billing, secondary: Claim) -> None:
    """Lakeshore's 835: pays 10.00 of the 17.65 coinsurance, 7.65 left to the patient."""
    _post(billing, _with(
        claim_payment(secondary.patient_control_number, "2", "190", "10.00", "7.65", []),
        "CAS*OA*23*172.35", "CAS*PR*2*7.65",
    ), name="secondary.835")  # fmt: skip


def test_the_secondarys_835_makes_the_tertiary_claim_with_both_payers_adjudication(billing, claim):
    # given three plans on file: Medicare, Lakeshore Mutual, then State Medicaid
    _secondary_coverage(billing)
    tertiary_coverage = _tertiary_coverage(billing)
    _post(billing, _coinsurance(claim.patient_control_number), name="primary.835")
    secondary = _secondary_of(claim)
    do_build_batch(billing.actor, [secondary.pk])
    # when the secondary's 835 posts, leaving 7.65 to the patient
    _secondary_pays_10(billing, secondary)
    # then the tertiary claim is made, following the secondary, ready to batch
    tertiary = Claim.objects.get(primary_claim=secondary, origin=Origin.SECONDARY)
    assert (tertiary.coverage_id, tertiary.payer_id) == (tertiary_coverage.pk, "MCD01")
    assert tertiary.payer_sequence == PayerSequence.TERTIARY
    assert tertiary.status == S.READY
    assert tertiary.from_remittance_on == PAID_ON
    # and its 837P is valid and reports Medicare (P) and Lakeshore (S) in order: Medicare's
    # line adjudication in 2430, Lakeshore's claim-level payment and adjustments in 2320
    content = do_build_batch(billing.actor, [tertiary.pk]).content
    assert pyx12_errors(content.encode("ascii")) == []
    segments = _segments(content)
    assert [s.split("*")[1] for s in segments if s.startswith("SBR*")] == ["T", "P", "S"]
    assert "AMT*D*70.59" in segments
    assert "AMT*D*10" in segments
    lakeshore = segments.index(next(s for s in segments if s.startswith("SBR*S*")))
    assert segments[lakeshore + 1 : lakeshore + 5] == [
        "CAS*OA*23*172.35", "CAS*PR*2*7.65", "AMT*D*10", "AMT*EAF*7.65",
    ]  # fmt: skip
    assert "SVD*MCR*48.19*HC:97110:GP**2" in segments
    # and the patient owes what is left after both payers until the tertiary answers
    assert _balance(billing, claim) == Decimal("7.65")
    # and posting the secondary's 835 again makes no second tertiary
    _secondary_pays_10(billing, secondary)
    assert Claim.objects.filter(primary_claim=secondary).count() == 1


def test_the_tertiarys_835_settles_the_patient_share_after_three_payers(billing, claim):
    # given the tertiary made by the secondary's 835
    _secondary_coverage(billing)
    _tertiary_coverage(billing)
    _post(billing, _coinsurance(claim.patient_control_number), name="primary.835")
    secondary = _secondary_of(claim)
    do_build_batch(billing.actor, [secondary.pk])
    _secondary_pays_10(billing, secondary)
    tertiary = Claim.objects.get(primary_claim=secondary)
    do_build_batch(billing.actor, [tertiary.pk])
    # when Medicaid pays 5.00 of the 7.65 as third payer
    _post(billing, _with(
        claim_payment(tertiary.patient_control_number, "3", "190", "5.00", "2.65", []),
        "CAS*OA*23*182.35", "CAS*PR*2*2.65",
    ), name="tertiary.835")  # fmt: skip
    # then the patient owes the primary's coinsurance less both later payers' payments, and
    # no fourth claim is made
    assert _balance(billing, claim) == Decimal("2.65")
    assert not Claim.objects.filter(primary_claim=tertiary).exists()
