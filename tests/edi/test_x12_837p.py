"""837P writer: every claim shape a therapy clinic sends validates with pyx12, field by field.

The golden file tests/edi/golden/medicare_pt.837 is compared byte for byte. When a change to
the output is deliberate, regenerate it with
    CLEANNOTE_REGENERATE_GOLDEN=1 .venv/bin/pytest tests/edi/test_x12_837p.py -k golden
and review the diff before committing it.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from cleannote.edi.envelope import Delimiters, X12WriteError
from cleannote.edi.x12_837p import (
    Adjustment,
    ClaimToSend,
    PriorLinePayment,
    PriorPayment,
    claim_filing_indicator,
    iter_837p,
    write_837p,
)
from cleannote.rules.visit import (
    Accident,
    AccidentKind,
    Address,
    PayerKind,
    Referral,
    ReferralQualifier,
    Relationship,
    Sex,
)
from tests.edi.factories import (
    AUTO,
    CLINIC,
    COMMERCIAL,
    CONTROL,
    CREATED,
    MEDICARE,
    RECEIVER,
    SUBMITTER,
    claim,
    lines_for,
    person,
    visit,
)
from tests.edi.pyx12_check import pyx12_errors

GOLDEN = Path(__file__).parent / "golden" / "medicare_pt.837"
NINE_KNEE_CODES = tuple(f"M25.5{i}" for i in range(1, 10))


def _write(claims: list[ClaimToSend], **options: object) -> bytes:
    return write_837p(
        claims,
        submitter=SUBMITTER,
        receiver=RECEIVER,
        control=CONTROL,
        created=CREATED,
        **options,  # type: ignore[arg-type]
    )


def _segments(data: bytes) -> list[str]:
    return [s.strip() for s in data.decode("ascii").split("~") if s.strip()]


def _child_claim() -> ClaimToSend:
    parent = person("Jordan", "Lindqvist", relationship=Relationship.CHILD, sex=Sex.MALE)
    child = person(
        "Sam", "Lindqvist", member_id=None, relationship=None, birth_date=dt.date(2015, 6, 1)
    )
    return claim(visit("V2001", payer=COMMERCIAL, subscriber=parent, patient=child, referral=None))


def _auto_claim(claim_number: str | None = None) -> ClaimToSend:
    accident = Accident(kind=AccidentKind.AUTO, date=dt.date(2026, 1, 15), state="or")
    payer = replace(AUTO, claim_number=claim_number)
    return claim(
        visit("V3001", payer=payer, accident=accident, referral=None), onset=dt.date(2026, 1, 15)
    )


def _work_injury_claim(dependent: bool = False, frequency: str = "1") -> ClaimToSend:
    changes: dict[str, object] = {}
    if dependent:
        changes["subscriber"] = person("Jordan", "Lindqvist", relationship=Relationship.CHILD)
        changes["patient"] = person("Sam", "Lindqvist", member_id=None, relationship=None)
    return claim(
        visit(
            "V5001",
            payer=replace(COMMERCIAL, kind=PayerKind.WORKERS_COMP, claim_number="WC-88123"),
            accident=Accident(AccidentKind.EMPLOYMENT, dt.date(2026, 1, 5)),
            **changes,
        ),
        frequency=frequency,
    )


def _secondary_claim() -> ClaimToSend:
    v = visit("V4001", payer=COMMERCIAL)
    primary = PriorPayment(
        payer=MEDICARE,
        subscriber=person(),
        paid=Decimal("115.20"),
        adjudicated=dt.date(2026, 3, 20),
        lines=(
            PriorLinePayment(
                0,
                Decimal("40.00"),
                (Adjustment("CO", "45", Decimal("12.00")), Adjustment("PR", "2", Decimal("10.00"))),
            ),
            PriorLinePayment(
                1,
                Decimal("35.20"),
                (Adjustment("CO", "45", Decimal("11.50")), Adjustment("PR", "2", Decimal("8.80"))),
            ),
            PriorLinePayment(
                2,
                Decimal("40.00"),
                (Adjustment("CO", "45", Decimal("14.25")), Adjustment("PR", "2", Decimal("10.00"))),
            ),
        ),
    )
    return claim(v, prior_payments=(primary,))


def _referral(qualifier: ReferralQualifier) -> Referral:
    return Referral("Morgan", "Reyes", "1555555550", qualifier, dt.date(2026, 2, 1))


CASES = {
    "medicare-pt-with-referral": [claim()],
    "auto-accident": [_auto_claim()],
    "patient-is-not-subscriber": [_child_claim()],
    "corrected-claim": [
        claim(visit(payer=replace(MEDICARE, claim_number="22026058123400")), frequency="7")
    ],
    "void": [claim(visit(payer=replace(MEDICARE, claim_number="22026058123400")), frequency="8")],
    "twelve-diagnoses": [claim(visit(diagnoses=(*NINE_KNEE_CODES, "M54.50", "M54.16", "R26.89")))],
    "multi-claim-batch": [claim(), _child_claim(), _auto_claim(), claim(visit("V1002"))],
    "secondary-after-medicare": [_secondary_claim()],
    "ordering-provider": [claim(visit(referral=_referral(ReferralQualifier.ORDERING)))],
    "supervising-provider": [claim(visit(referral=_referral(ReferralQualifier.SUPERVISING)))],
    "work-injury": [
        claim(
            visit(
                payer=replace(COMMERCIAL, kind=PayerKind.WORKERS_COMP),
                accident=Accident(AccidentKind.EMPLOYMENT, dt.date(2026, 1, 5)),
            )
        )
    ],
    "prior-authorization": [claim(visit(payer=COMMERCIAL, prior_authorization="AUTH-7781"))],
    "auto-claim-number": [_auto_claim(claim_number="PIP-2026-000417")],
    "work-injury-claim-number-dependent": [_work_injury_claim(dependent=True)],
}


@pytest.mark.parametrize("claims", list(CASES.values()), ids=list(CASES))
def test_every_claim_shape_validates_with_pyx12(claims):
    # when
    data = _write(claims)
    # then
    assert pyx12_errors(data) == []


def test_golden_medicare_pt_claim_is_byte_for_byte_stable():
    # given the readable form: one segment per line
    data = _write(
        CASES["medicare-pt-with-referral"], delimiters=Delimiters(line_break=True), usage="T"
    )
    # when
    if os.environ.get("CLEANNOTE_REGENERATE_GOLDEN"):
        GOLDEN.write_bytes(data)
    # then
    assert data == GOLDEN.read_bytes()


def test_claim_total_is_the_exact_sum_of_line_charges():
    # given charges with cents that a float would smear
    data = _write([claim()])
    # then
    segments = _segments(data)
    clm = next(s for s in segments if s.startswith("CLM*"))
    lines = [Decimal(s.split("*")[2]) for s in segments if s.startswith("SV1*")]
    assert clm.split("*")[2] == "181.75"
    assert sum(lines) == Decimal("181.75")


def test_auto_accident_claim_carries_related_cause_state_and_accident_date():
    segments = _segments(_write(CASES["auto-accident"]))
    assert "CLM*V3001*181.75***11:B:1*Y*A*Y*Y**AA:::OR" in segments
    assert segments.index("DTP*431*D8*20260115") < segments.index("DTP*439*D8*20260115")
    assert "SBR*P*18*******AM" in segments


def test_dependent_claim_sits_in_the_patient_loop_with_its_relationship_code():
    segments = _segments(_write(CASES["patient-is-not-subscriber"]))
    start = segments.index("HL*2*1*22*1")
    assert segments[start : start + 10] == [
        "HL*2*1*22*1",
        "SBR*P********CI",
        "NM1*IL*1*LINDQVIST*JORDAN****MI*1EG4TE5MK72",
        "N3*12 ELM AVE",
        "N4*PORTLAND*OR*97202",
        "NM1*PR*2*CASCADE HEALTH PLAN*****PI*CHP01",
        "HL*3*2*23*0",
        "PAT*19",
        "NM1*QC*1*LINDQVIST*SAM",
        "N3*12 ELM AVE",
    ]
    assert "DMG*D8*20150601*F" in segments


@pytest.mark.parametrize(
    ("frequency"), [pytest.param("7", id="replacement"), pytest.param("8", id="void")]
)
def test_replacement_and_void_carry_the_payer_claim_number(frequency):
    v = visit(payer=replace(MEDICARE, claim_number="22026058123400"))
    segments = _segments(_write([claim(v, frequency=frequency)]))
    assert f"CLM*V1001*181.75***11:B:{frequency}*Y*A*Y*Y" in segments
    assert "REF*F8*22026058123400" in segments


def test_referring_ordering_and_supervising_providers_go_to_their_own_loops():
    # referring: 2310A, before the rendering provider
    referring = _segments(_write(CASES["medicare-pt-with-referral"]))
    assert referring.index("NM1*DN*1*REYES*MORGAN****XX*1555555550") < referring.index(
        "NM1*82*1*OKAFOR*DANA****XX*1987654328"
    )
    # supervising: 2310D, after the rendering provider's PRV
    supervising = _segments(_write(CASES["supervising-provider"]))
    assert (
        supervising.index("NM1*DQ*1*REYES*MORGAN****XX*1555555550")
        == supervising.index("PRV*PE*PXC*225100000X") + 1
    )
    # ordering: 2420E, after every line's REF*6R
    ordering = _segments(_write(CASES["ordering-provider"]))
    dk = [i for i, s in enumerate(ordering) if s.startswith("NM1*DK*")]
    assert [ordering[i - 1] for i in dk] == ["REF*6R*V1001-1", "REF*6R*V1001-2", "REF*6R*V1001-3"]
    assert not any(s.startswith("NM1*DN") for s in ordering + supervising)


def test_secondary_claim_reports_what_the_primary_paid_and_adjusted_per_line():
    segments = _segments(_write(CASES["secondary-after-medicare"]))
    assert "SBR*S*18*******CI" in segments
    start = segments.index("SBR*P*18*******MB")
    assert segments[start : start + 5] == [
        "SBR*P*18*******MB",
        "AMT*D*115.2",
        "OI***Y***Y",
        "NM1*IL*1*LINDQVIST*AVERY****MI*1EG4TE5MK72",
        "NM1*PR*2*MEDICARE PART B*****PI*02402",
    ]
    first_line = segments.index("LX*1")
    assert segments[first_line + 4 : first_line + 8] == [
        "SVD*02402*40*HC:97110:GP**1",
        "CAS*CO*45*12",
        "CAS*PR*2*10",
        "DTP*573*D8*20260320",
    ]


def test_twelve_diagnoses_go_without_decimal_points():
    segments = _segments(_write(CASES["twelve-diagnoses"]))
    hi = next(s for s in segments if s.startswith("HI*"))
    assert hi.startswith("HI*ABK:M2551*ABF:M2552*")
    assert hi.endswith("ABF:M5450*ABF:M5416*ABF:R2689")
    assert hi.count("*") == 12


def test_batch_groups_claims_under_one_billing_provider_and_counts_hl_levels():
    segments = _segments(_write(CASES["multi-claim-batch"]))
    hls = [s for s in segments if s.startswith("HL*")]
    assert hls == [
        "HL*1**20*1",
        "HL*2*1*22*0",
        "HL*3*1*22*1",
        "HL*4*3*23*0",
        "HL*5*1*22*0",
        "HL*6*1*22*0",
    ]
    assert sum(s.startswith("CLM*") for s in segments) == 4


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        pytest.param(PayerKind.MEDICARE, "MB", id="medicare"),
        pytest.param(PayerKind.MEDICARE_ADVANTAGE, "16", id="medicare-advantage"),
        pytest.param(PayerKind.MEDICAID, "MC", id="medicaid"),
        pytest.param(PayerKind.COMMERCIAL, "CI", id="commercial"),
        pytest.param(PayerKind.AUTO_PIP, "AM", id="auto-pip"),
        pytest.param(PayerKind.AUTO_MEDPAY, "AM", id="auto-medpay"),
        pytest.param(PayerKind.AUTO_LIABILITY, "LM", id="auto-liability"),
        pytest.param(PayerKind.WORKERS_COMP, "WC", id="workers-comp"),
    ],
)
def test_claim_filing_indicator_follows_the_payer_kind(kind, code):
    assert claim_filing_indicator(kind) == code


def test_many_claims_split_into_transaction_sets_of_five_thousand():
    # given 5,001 claims
    claims = [claim(visit(f"V{n}")) for n in range(5001)]
    # when
    segments = _segments(_write(claims))
    # then
    assert [s for s in segments if s.startswith(("ST*", "GE*"))] == [
        "ST*837*0001*005010X222A1",
        "ST*837*0002*005010X222A1",
        "GE*2*201",
    ]
    assert segments[-3] == "SE*36*0002"


def test_claims_are_pulled_lazily_while_streaming():
    # given a generator that records how far the writer has read
    pulled: list[int] = []

    def claims():
        for n in range(100):
            pulled.append(n)
            yield claim(visit(f"V{n}"))

    chunks = iter_837p(
        claims(), submitter=SUBMITTER, receiver=RECEIVER, control=CONTROL, created=CREATED
    )
    # when the envelope, the header and the first claim have been written
    for _ in range(4):
        next(chunks)
    # then only the claims written so far (plus one peeked) have been pulled
    assert len(pulled) <= 2


def _line_count(n: int) -> ClaimToSend:
    v = visit()
    line = lines_for(v)[0]
    return ClaimToSend(visit=v, lines=(line,) * n)


REFUSED = {
    "thirteen-diagnoses": (
        claim(visit(diagnoses=(*NINE_KNEE_CODES, "M54.50", "M54.16", "R26.89", "R26.2"))),
        "13 diagnoses exceed the 837P limit of 12",
    ),
    "fifty-one-lines": (_line_count(51), "51 service lines exceed the 837P limit of 50"),
    "replacement-without-claim-number": (
        claim(frequency="7"),
        "frequency 7 needs the payer's claim number",
    ),
    "unknown-frequency": (claim(frequency="2"), "frequency '2' must be 1, 7 or 8"),
    "self-pay": (
        claim(visit(payer=replace(COMMERCIAL, kind=PayerKind.SELF_PAY))),
        "payer kind 'self_pay' is not billed",
    ),
    "pointer-past-diagnoses": (
        claim(
            visit(diagnoses=("M54.50",)),
            lines=tuple(replace(line, diagnosis_pointers=(2,)) for line in lines_for(visit())),
        ),
        "line 1 SV107 pointer 2 has no diagnosis",
    ),
    "five-digit-billing-zip": (
        claim(
            visit(
                billing_provider=replace(
                    CLINIC, address=Address("100 River St", "Portland", "OR", "97201")
                )
            )
        ),
        "2010AA N403 ZIP must be 9 digits",
    ),
    "long-claim-id": (
        claim(visit("V" * 39)),
        "CLM01 patient control number must be 1 to 38 characters, got 39",
    ),
    "bad-npi": (
        claim(visit(billing_provider=replace(CLINIC, npi="12345"))),
        "2010AA NM109 NPI must be 10 digits",
    ),
    "auto-without-state": (
        claim(visit(accident=Accident(AccidentKind.AUTO, dt.date(2026, 1, 2)))),
        "CLM11-4 auto accident state",
    ),
    "unbalanced-prior-line": (
        claim(
            visit(payer=COMMERCIAL),
            prior_payments=(
                PriorPayment(
                    MEDICARE,
                    person(),
                    Decimal("40"),
                    dt.date(2026, 3, 20),
                    lines=(PriorLinePayment(0, Decimal("40")),),
                ),
            ),
        ),
        "line 1 2430 does not balance",
    ),
    "prior-total-differs-from-lines": (
        claim(
            visit(payer=COMMERCIAL),
            prior_payments=(
                PriorPayment(
                    MEDICARE,
                    person(),
                    Decimal("41"),
                    dt.date(2026, 3, 20),
                    lines=(
                        PriorLinePayment(
                            0, Decimal("40"), (Adjustment("CO", "45", Decimal("22")),)
                        ),
                    ),
                ),
            ),
        ),
        "2320 AMT*D 41 differs",
    ),
}


@pytest.mark.parametrize(("bad", "message"), list(REFUSED.values()), ids=list(REFUSED))
def test_claims_the_guide_would_reject_are_refused_with_the_element_named(bad, message):
    with pytest.raises(X12WriteError) as caught:
        _write([claim(visit("V0900")), bad])
    assert message in str(caught.value)
    assert str(caught.value).startswith("claim V")
    assert "LINDQVIST" not in str(caught.value).upper()


def test_an_empty_batch_is_refused_before_anything_is_written():
    with pytest.raises(X12WriteError, match="at least one claim"):
        iter_837p([], submitter=SUBMITTER, receiver=RECEIVER, control=CONTROL, created=CREATED)


@pytest.mark.parametrize(
    ("claims", "number"),
    [
        pytest.param(
            [_auto_claim(claim_number="PIP-2026-000417")], "PIP-2026-000417", id="auto-pip"
        ),
        pytest.param([_work_injury_claim()], "WC-88123", id="workers-comp"),
        pytest.param([_work_injury_claim(dependent=True)], "WC-88123", id="wc-dependent"),
    ],
)
def test_property_casualty_claim_carries_the_carriers_claim_number_in_2010ba(claims, number):
    # when
    segments = _segments(_write(claims))
    # then REF*Y4 sits in the subscriber loop: after NM1*IL, before the payer's NM1*PR
    y4 = segments.index(f"REF*Y4*{number}")
    subscriber = max(i for i, s in enumerate(segments[:y4]) if s.startswith("NM1*IL*"))
    assert subscriber < y4 < segments.index(next(s for s in segments if s.startswith("NM1*PR*")))
    assert not any(s.startswith("REF*F8*") for s in segments)


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param([_auto_claim()], id="auto-without-claim-number"),
        pytest.param(
            [claim(visit(payer=replace(COMMERCIAL, claim_number="ICN-1")))], id="health-plan"
        ),
    ],
)
def test_no_property_casualty_claim_number_without_one_or_for_a_health_plan(claims):
    segments = _segments(_write(claims))
    assert not any(s.startswith("REF*Y4") for s in segments)


def test_a_corrected_property_casualty_claim_keeps_ref_f8_and_sends_no_y4():
    # given a replacement of a workers' comp claim: the claim number is the payer's reference
    segments = _segments(_write([_work_injury_claim(frequency="7")]))
    # then
    assert "REF*F8*WC-88123" in segments
    assert not any(s.startswith("REF*Y4") for s in segments)
