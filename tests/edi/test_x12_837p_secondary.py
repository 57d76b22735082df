"""Secondary and tertiary 837Ps (issue 13): the primary's adjudication in loops 2320/2330 and
2430, checked field by field on the worked example and validated with pyx12.

The worked example: the primary was billed $200 (97110 × 4), allowed $150 and paid $120,
CO-45 $50 (over the fee schedule) and PR-2 $30 (coinsurance). An 835 says so per line (SVC with
CAS) or for the whole claim (CLP-level CAS); the 837P to the secondary repeats it in the same
place: per line in 2430 (SVD, CAS, DTP*573) or for the claim in 2320 (CAS, with DTP*573 in
2330B). Never both, or the secondary would count each adjustment twice.

The golden file tests/edi/golden/secondary_after_primary.837 is compared byte for byte;
regenerate it with
    CLEANNOTE_REGENERATE_GOLDEN=1 .venv/bin/pytest tests/edi/test_x12_837p_secondary.py -k golden
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pytest
from msgspec.structs import replace

from cleannote.edi.envelope import Delimiters, X12WriteError
from cleannote.edi.x12_837p import Adjustment, ClaimToSend, PriorLinePayment, PriorPayment
from tests.edi.factories import COMMERCIAL, MEDICARE, claim, lines_for, person, services, visit
from tests.edi.pyx12_check import pyx12_errors
from tests.edi.test_x12_837p import _segments, _write

GOLDEN = Path(__file__).parent / "golden" / "secondary_after_primary.837"
ADJUDICATED = dt.date(2026, 3, 20)
CO_45 = Adjustment("CO", "45", Decimal("50.00"))
PR_2 = Adjustment("PR", "2", Decimal("30.00"))
SECOND_PLAN = replace(COMMERCIAL, name="Lakeshore Mutual", payer_id="LSM01")


def _worked_visit(payer=SECOND_PLAN):  # type: ignore[no-untyped-def]
    return visit("CN2001", payer=payer, services=services(("97110", "200.00")),
                 subscriber=person(member_id="LSM998877"))  # fmt: skip


def _primary(*, per_line: bool) -> PriorPayment:
    """Medicare's answer on the $200 line: paid $120, CO-45 $50, PR-2 $30."""
    return PriorPayment(
        payer=MEDICARE,
        subscriber=person(),
        paid=Decimal("120.00"),
        adjudicated=ADJUDICATED,
        claim_adjustments=() if per_line else (CO_45, PR_2),
        lines=(PriorLinePayment(0, Decimal("120.00"), (CO_45, PR_2)),) if per_line else (),
        remaining_patient_liability=Decimal("30.00"),
    )


def _secondary(*, per_line: bool = True) -> ClaimToSend:
    v = _worked_visit()
    lines = tuple(replace(line, units=4) for line in lines_for(v))
    return claim(v, lines=lines, prior_payments=(_primary(per_line=per_line),),
                 responsibility="S")  # fmt: skip


def _loop_2320(segments: list[str]) -> list[str]:
    start = segments.index("SBR*P*18*******MB")
    end = segments.index("LX*1")
    return segments[start:end]


def test_worked_example_per_line_goes_in_2430_with_the_payment_in_2320():
    # when the secondary claim is written from an 835 that adjudicated the line
    segments = _segments(_write([_secondary()]))
    # then the claim bills the secondary (S) and reports the primary's payment in 2320
    assert "SBR*S*18*******CI" in segments
    assert _loop_2320(segments) == [
        "SBR*P*18*******MB",
        "AMT*D*120",
        "AMT*EAF*30",
        "OI***Y***Y",
        "NM1*IL*1*LINDQVIST*AVERY****MI*1EG4TE5MK72",
        "NM1*PR*2*MEDICARE PART B*****PI*02402",
    ]
    # and the line's adjudication in 2430: SVD, its CAS, the adjudication date
    line = segments.index("LX*1")
    assert segments[line + 1] == "SV1*HC:97110:GP*200*UN*4***1"
    assert segments[line + 4 : line + 8] == [
        "SVD*02402*120*HC:97110:GP**4",
        "CAS*CO*45*50",
        "CAS*PR*2*30",
        "DTP*573*D8*20260320",
    ]


def test_worked_example_at_claim_level_goes_in_2320_with_the_date_in_2330b():
    # when the 835 adjusted the claim as a whole (CLP-level CAS, no SVC)
    segments = _segments(_write([_secondary(per_line=False)]))
    # then the CAS go in 2320 before AMT*D, the date with the other payer, and no 2430
    assert _loop_2320(segments) == [
        "SBR*P*18*******MB",
        "CAS*CO*45*50",
        "CAS*PR*2*30",
        "AMT*D*120",
        "AMT*EAF*30",
        "OI***Y***Y",
        "NM1*IL*1*LINDQVIST*AVERY****MI*1EG4TE5MK72",
        "NM1*PR*2*MEDICARE PART B*****PI*02402",
        "DTP*573*D8*20260320",
    ]
    assert not any(s.startswith("SVD*") for s in segments)


def _tertiary() -> ClaimToSend:
    secondary_paid = PriorPayment(
        payer=SECOND_PLAN,
        subscriber=person(member_id="LSM998877"),
        paid=Decimal("24.00"),
        adjudicated=dt.date(2026, 4, 2),
        responsibility="S",
        lines=(PriorLinePayment(0, Decimal("24.00"), (Adjustment("OA", "23", Decimal("170")),
                                                      Adjustment("PR", "2", Decimal("6")))),),
    )  # fmt: skip
    third = replace(COMMERCIAL, name="State Medicaid", payer_id="MCD01")
    base = _secondary()
    return dataclasses.replace(
        base,
        visit=replace(base.visit, payer=third),
        prior_payments=(_primary(per_line=True), secondary_paid),
        responsibility="T",
    )


SHAPES = {
    "secondary-per-line": [_secondary()],
    "secondary-claim-level": [_secondary(per_line=False)],
    "tertiary-after-two-payers": [_tertiary()],
    "secondary-and-primary-in-one-batch": [claim(), _secondary()],
}


@pytest.mark.parametrize("claims", list(SHAPES.values()), ids=list(SHAPES))
def test_every_secondary_shape_validates_with_pyx12(claims):
    assert pyx12_errors(_write(claims)) == []


def test_tertiary_names_both_earlier_payers_in_order():
    segments = _segments(_write([_tertiary()]))
    assert "SBR*T*18*******CI" in segments
    others = [s for s in segments if s.startswith("SBR*") and not s.startswith("SBR*T")]
    assert others == ["SBR*P*18*******MB", "SBR*S*18*******CI"]
    assert [s for s in segments if s.startswith("SVD*")] == [
        "SVD*02402*120*HC:97110:GP**4",
        "SVD*LSM01*24*HC:97110:GP**4",
    ]


@pytest.mark.parametrize(
    ("responsibility", "priors"),
    [("S", 0), ("T", 1), ("P", 1)],
    ids=["secondary-without-2320", "tertiary-with-one-payer", "primary-with-a-payer"],
)
def test_payer_sequence_must_match_the_earlier_payers_reported(responsibility, priors):
    base = _secondary()
    bad = dataclasses.replace(
        base, prior_payments=base.prior_payments[:priors], responsibility=responsibility
    )
    with pytest.raises(X12WriteError, match="SBR01") as refused:
        _write([bad])
    assert refused.value.rule == "caller.prior-payment"


def test_golden_secondary_claim_is_byte_for_byte_stable():
    data = _write([_secondary()], delimiters=Delimiters(line_break=True), usage="T")
    if os.environ.get("CLEANNOTE_REGENERATE_GOLDEN"):
        GOLDEN.write_bytes(data)
    assert data == GOLDEN.read_bytes()
