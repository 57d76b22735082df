"""837P writer: every claim shape a therapy clinic sends validates with pyx12, field by field.

The golden file tests/edi/golden/medicare_pt.837 is compared byte for byte. When a change to
the output is deliberate, regenerate it with
    CLEANNOTE_REGENERATE_GOLDEN=1 .venv/bin/pytest tests/edi/test_x12_837p.py -k golden
and review the diff before committing it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest
from msgspec.structs import replace

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
from cleannote.edi.x12_837p_reader import read_837p
from cleannote.rules.visit import (
    Accident,
    AccidentKind,
    Address,
    Credential,
    MedicareSecondaryType,
    PayerKind,
    Referral,
    ReferralQualifier,
    Relationship,
    RenderingProvider,
    ServiceFacility,
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
    THERAPIST,
    claim,
    lines_for,
    person,
    services,
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


def _work_injury_claim(
    dependent: bool = False, frequency: str = "1", kind: PayerKind = PayerKind.WORKERS_COMP
) -> ClaimToSend:
    changes: dict[str, object] = {}
    if dependent:
        changes["subscriber"] = person("Jordan", "Lindqvist", relationship=Relationship.CHILD)
        changes["patient"] = person("Sam", "Lindqvist", member_id=None, relationship=None)
    accident = (
        Accident(AccidentKind.AUTO, dt.date(2026, 1, 5), "OR")
        if kind is not PayerKind.WORKERS_COMP
        else Accident(AccidentKind.EMPLOYMENT, dt.date(2026, 1, 5))
    )
    return claim(
        visit(
            "V5001",
            payer=replace(COMMERCIAL, kind=kind, claim_number="WC-88123"),
            accident=accident,
            **changes,
        ),
        frequency=frequency,
        original_reference="ICN-5550001" if frequency != "1" else None,
    )


def _medicare_secondary_claim(
    msp: MedicareSecondaryType | None = MedicareSecondaryType.WORKING_AGED,
) -> ClaimToSend:
    """Medicare billed second, after an employer group health plan paid."""
    primary = PriorPayment(
        payer=COMMERCIAL,
        subscriber=person(member_id="EMP-4471"),
        paid=Decimal("120.00"),
        adjudicated=dt.date(2026, 3, 20),
        claim_adjustments=(Adjustment("PR", "2", Decimal("61.75")),),
    )
    payer = replace(MEDICARE, medicare_secondary_type=msp)
    return claim(visit("V6001", payer=payer), prior_payments=(primary,))


def _chiro_claim(initial: dt.date | None = dt.date(2026, 1, 12)) -> ClaimToSend:
    chiropractor = RenderingProvider("Lee", "Tran", "1987654328", Credential.DC, "111N00000X")
    v = visit(
        "V7001",
        rendering_provider=chiropractor,
        services=services(("98941", "58.00")),
        diagnoses=("M99.03", "M54.50"),
        initial_treatment=initial,
    )
    return claim(
        v, lines=tuple(msgspec.structs.replace(line, modifiers=("AT",)) for line in lines_for(v))
    )


SATELLITE = ServiceFacility(
    "Riverside Therapy Eastside",
    Address("4410 SE Division St", "Portland", "OR", "97206-1502"),
    "1306849450",
)
PO_BOX = Address("PO Box 4410", "Portland", "OR", "97208")
SOLO = replace(
    CLINIC, name="Dana Okafor PT", npi=THERAPIST.npi, last_name="Okafor", first_name="Dana"
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
    "corrected-claim": [claim(frequency="7", original_reference="22026058123400")],
    "void": [claim(frequency="8", original_reference="22026058123400")],
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
    "work-injury-corrected-with-y4-and-f8": [_work_injury_claim(frequency="7")],
    "auto-void-dependent-with-y4-and-f8": [
        _work_injury_claim(dependent=True, frequency="8", kind=PayerKind.AUTO_PIP)
    ],
    "medicare-secondary-payer-type": [_medicare_secondary_claim()],
    "chiropractic-initial-treatment": [_chiro_claim()],
    "service-facility-elsewhere": [claim(visit(service_facility=SATELLITE))],
    "service-facility-without-npi": [claim(visit(service_facility=replace(SATELLITE, npi=None)))],
    "po-box-as-pay-to-address": [
        claim(visit(billing_provider=replace(CLINIC, pay_to_address=PO_BOX)))
    ],
    "solo-clinician-individual-npi": [claim(visit(billing_provider=SOLO))],
    "solo-clinician-with-pay-to": [
        claim(visit(billing_provider=replace(SOLO, pay_to_address=PO_BOX)))
    ],
    "claim-id-in-lower-case": [claim(visit("v1001-abc"))],
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
    segments = _segments(_write([claim(frequency=frequency, original_reference="22026058123400")]))
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
    "replacement-with-only-the-carrier-claim-number": (
        claim(
            visit(payer=replace(COMMERCIAL, kind=PayerKind.WORKERS_COMP, claim_number="WC-1")),
            frequency="7",
        ),
        "frequency 7 needs the payer's claim number for REF*F8",
    ),
    "medicare-secondary-without-payer-type": (
        _medicare_secondary_claim(msp=None),
        "SBR05 Medicare secondary payer type is required",
    ),
    "po-box-billing-address": (
        claim(visit(billing_provider=replace(CLINIC, address=PO_BOX))),
        "2010AA billing provider address is a PO box",
    ),
    "po-box-service-facility": (
        claim(visit(service_facility=replace(SATELLITE, address=PO_BOX))),
        "2310C service facility address is a PO box",
    ),
    "five-digit-service-facility-zip": (
        claim(
            visit(
                service_facility=replace(SATELLITE, address=replace(SATELLITE.address, zip="97206"))
            )
        ),
        "2310C N403 ZIP must be 9 digits",
    ),
    "unknown-frequency": (claim(frequency="2"), "frequency '2' must be 1, 7 or 8"),
    "self-pay": (
        claim(visit(payer=replace(COMMERCIAL, kind=PayerKind.SELF_PAY))),
        "payer kind 'self_pay' is not billed",
    ),
    "pointer-past-diagnoses": (
        claim(
            visit(diagnoses=("M54.50",)),
            lines=tuple(
                msgspec.structs.replace(line, diagnosis_pointers=(2,))
                for line in lines_for(visit())
            ),
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


Y4 = "REF*Y4*WC-88123"


@pytest.mark.parametrize(
    ("kind", "dependent", "frequency", "loop"),
    [
        pytest.param(PayerKind.WORKERS_COMP, False, "1", "2010BA", id="wc-original"),
        pytest.param(PayerKind.WORKERS_COMP, False, "7", "2010BA", id="wc-replacement"),
        pytest.param(PayerKind.WORKERS_COMP, False, "8", "2010BA", id="wc-void"),
        pytest.param(PayerKind.WORKERS_COMP, True, "1", "2010CA", id="wc-dependent"),
        pytest.param(PayerKind.WORKERS_COMP, True, "7", "2010CA", id="wc-dependent-replacement"),
        pytest.param(PayerKind.AUTO_PIP, False, "1", "2010BA", id="pip-original"),
        pytest.param(PayerKind.AUTO_PIP, True, "7", "2010CA", id="pip-dependent-replacement"),
        pytest.param(PayerKind.AUTO_MEDPAY, False, "7", "2010BA", id="medpay-replacement"),
        pytest.param(PayerKind.AUTO_LIABILITY, True, "8", "2010CA", id="liability-dependent-void"),
    ],
)
def test_property_casualty_claim_number_goes_in_the_patients_loop_on_every_claim(
    kind, dependent, frequency, loop
):
    # given an auto or workers' comp claim, original or corrected
    bad = _work_injury_claim(dependent=dependent, frequency=frequency, kind=kind)
    # when
    data = _write([bad])
    segments = _segments(data)
    # then REF*Y4 sits once in the patient's own loop: after its DMG, before 2010BB (the
    # subscriber is the patient) or before CLM (a dependent, 2010CA)
    assert segments.count(Y4) == 1
    y4 = segments.index(Y4)
    assert segments[y4 - 1].startswith("DMG*")
    following = "NM1*PR*" if loop == "2010BA" else "CLM*"
    assert segments[y4 + 1].startswith(following)
    if loop == "2010CA":
        assert segments.index("PAT*19") < y4
    # and a correction also carries the payer's control number of the claim it replaces
    assert ("REF*F8*ICN-5550001" in segments) is (frequency != "1")
    assert pyx12_errors(data) == []


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param([_auto_claim()], id="auto-without-claim-number"),
        pytest.param(
            [claim(visit(payer=replace(COMMERCIAL, claim_number="ICN-1")))], id="health-plan"
        ),
        pytest.param(
            [claim(visit(payer=replace(COMMERCIAL, claim_number="ICN-1")), frequency="7",
                   original_reference="ICN-1")],
            id="health-plan-replacement",
        ),
    ],
)  # fmt: skip
def test_no_property_casualty_claim_number_without_one_or_for_a_health_plan(claims):
    segments = _segments(_write(claims))
    assert not any(s.startswith("REF*Y4") for s in segments)


@pytest.mark.parametrize(
    ("payer", "priors", "sbr05"),
    [
        pytest.param(MEDICARE, 0, "", id="medicare-primary"),
        pytest.param(
            replace(MEDICARE, medicare_secondary_type=MedicareSecondaryType.WORKING_AGED),
            0,
            "",
            id="medicare-primary-type-ignored",
        ),
        *(
            pytest.param(
                replace(MEDICARE, medicare_secondary_type=msp), 1, msp.value, id=f"msp-{msp}"
            )
            for msp in MedicareSecondaryType
        ),
        pytest.param(
            replace(COMMERCIAL, medicare_secondary_type=MedicareSecondaryType.LIABILITY),
            1,
            "",
            id="commercial-secondary",
        ),
    ],
)
def test_sbr05_names_the_medicare_secondary_payer_type_only_when_medicare_is_not_primary(
    payer, priors, sbr05
):
    # given
    base = _medicare_secondary_claim()
    sent = dataclasses.replace(
        base, visit=replace(base.visit, payer=payer), prior_payments=base.prior_payments[:priors]
    )
    # when
    segments = _segments(_write([sent]))
    # then the first SBR (2000B, this payer) has SBR05 as expected
    sbr = next(s for s in segments if s.startswith("SBR*")).split("*")
    assert sbr[1] == ("S" if priors else "P")
    assert (sbr[5] if len(sbr) > 5 else "") == sbr05


def test_initial_treatment_date_goes_in_dtp_454_between_onset_and_accident():
    # given a chiropractic claim with onset, initial treatment and accident dates
    sent = dataclasses.replace(
        _chiro_claim(),
        onset=dt.date(2026, 1, 2),
        visit=replace(
            _chiro_claim().visit, accident=Accident(AccidentKind.OTHER, dt.date(2026, 1, 1))
        ),
    )
    # when
    data = _write([sent])
    segments = _segments(data)
    # then
    onset = segments.index("DTP*431*D8*20260102")
    assert segments[onset + 1] == "DTP*454*D8*20260112"
    assert segments[onset + 2] == "DTP*439*D8*20260101"
    assert pyx12_errors(data) == []
    assert not any(s.startswith("DTP*454") for s in _segments(_write([_chiro_claim(None)])))


@pytest.mark.parametrize(
    ("facility", "sent"),
    [
        pytest.param(None, False, id="no-facility"),
        pytest.param(SATELLITE, True, id="elsewhere"),
        pytest.param(
            ServiceFacility("Main", Address("100 RIVER ST.", "portland", "or", "97201")),
            False,
            id="billing-address-other-spelling",
        ),
        pytest.param(
            ServiceFacility(
                "Main", Address("100 River St", "Portland", "OR", "972011234", "Ste 2")
            ),
            True,
            id="another-suite",
        ),
    ],
)
def test_service_facility_loop_only_when_the_location_differs_from_the_billing_address(
    facility, sent
):
    segments = _segments(_write([claim(visit(service_facility=facility))]))
    assert any(s.startswith("NM1*77*") for s in segments) is sent


def test_service_facility_sits_after_the_rendering_provider_and_before_the_supervisor():
    supervised = visit(
        service_facility=SATELLITE, referral=_referral(ReferralQualifier.SUPERVISING)
    )
    segments = _segments(_write([claim(supervised)]))
    start = segments.index("PRV*PE*PXC*225100000X") + 1
    assert segments[start : start + 4] == [
        "NM1*77*2*RIVERSIDE THERAPY EASTSIDE*****XX*1306849450",
        "N3*4410 SE DIVISION ST",
        "N4*PORTLAND*OR*972061502",
        "NM1*DQ*1*REYES*MORGAN****XX*1555555550",
    ]


def test_po_box_goes_to_the_pay_to_loop_and_the_street_stays_in_2010aa():
    segments = _segments(_write(CASES["po-box-as-pay-to-address"]))
    start = segments.index("REF*EI*931234567")
    assert segments[start - 2 : start + 5] == [
        "N3*100 RIVER ST",
        "N4*PORTLAND*OR*972011234",
        "REF*EI*931234567",
        "NM1*87*2",
        "N3*PO BOX 4410",
        "N4*PORTLAND*OR*97208",
        "HL*2*1*22*0",
    ]
    # a pay-to address that is the billing address itself is not repeated
    same = _write([claim(visit(billing_provider=replace(CLINIC, pay_to_address=CLINIC.address)))])
    assert not any(s.startswith("NM1*87") for s in _segments(same))


def test_solo_clinician_bills_as_a_person_and_is_not_repeated_as_rendering_provider():
    segments = _segments(_write(CASES["solo-clinician-individual-npi"]))
    assert "NM1*85*1*OKAFOR*DANA****XX*1987654328" in segments
    assert not any(s.startswith(("NM1*82*", "PRV*PE*")) for s in segments)
    assert "PRV*BI*PXC*261QR0400X" in segments


@pytest.mark.parametrize(
    "claim_id", ["v1001-abc", "Riverside-17", "n42", "V1001"], ids=lambda value: value
)
def test_clm01_and_line_control_numbers_keep_the_clinics_spelling(claim_id):
    # given a patient control number with lower-case letters, which the 835 echoes back
    segments = _segments(_write([claim(visit(claim_id))]))
    # then CLM01 and REF*6R are as written, while names are still upper-cased
    assert any(s.startswith(f"CLM*{claim_id}*") for s in segments)
    assert f"REF*6R*{claim_id}-1" in segments
    assert "NM1*IL*1*LINDQVIST*AVERY****MI*1EG4TE5MK72" in segments


def test_payer_numbers_keep_their_spelling_too():
    sent = claim(
        visit(payer=replace(AUTO, claim_number="pip-2026-a17")),
        frequency="7",
        original_reference="icn-77a",
    )
    segments = _segments(_write([sent]))
    assert "REF*Y4*pip-2026-a17" in segments
    assert "REF*F8*icn-77a" in segments


@pytest.mark.parametrize("claims", list(CASES.values()), ids=list(CASES))
def test_every_claim_shape_reads_back_with_its_control_number_and_dates(claims):
    # when our own 837P reader reads what the writer wrote
    read = read_837p(_write(claims), source="written")
    # then every claim comes back, CLM01 as written
    assert [c.patient_control_number for c in read] == [c.visit.id for c in claims]


def test_new_shapes_read_back_field_for_field():
    # given
    chiro, facility, wc = (
        CASES["chiropractic-initial-treatment"][0],
        CASES["service-facility-elsewhere"][0],
        CASES["work-injury-corrected-with-y4-and-f8"][0],
    )
    # when
    [read_chiro] = read_837p(_write([chiro]), source="chiro")
    [read_facility] = read_837p(_write([facility]), source="facility")
    [read_wc] = read_837p(_write([wc]), source="wc")
    # then
    assert any(d.qualifier == "454" for d in read_chiro.dates)
    located = read_facility.provider("service_facility")
    assert located is not None
    assert located.npi == "1306849450"
    assert ("F8", "ICN-5550001") in read_wc.references
