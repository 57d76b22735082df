"""The plain-terms 271 summary for the discipline asked (ADR 0631): worked 271s written by hand
after the 005010X279A1 guide's shapes, and the shared corpus's answers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from cleannote.edi.eligibility_summary import OtherPayer, summarise_271
from cleannote.edi.error_codes import X12ReadErrorCode
from cleannote.edi.tokenizer import X12Error
from cleannote.edi.x12_271 import DeliveryLimit, read_271
from tests.corpus import corpus_path
from tests.edi.envelopes import wrap

HEADER = [
    "BHT*0022*11*REQ1*20261207*1600",
    "HL*1**20*1",
    "NM1*PR*2*ACME HEALTH PLAN*****PI*12345",
    "HL*2*1*21*1",
    "NM1*1P*2*SUNRISE THERAPY*****XX*1234567893",
    "HL*3*2*22*0",
    "TRN*2*TRACE-1*9SUNRISE",
    "NM1*IL*1*DOE*JANE****MI*XYZ123",
    "DTP*346*D8*20260101",
]


def _eb(*elements: str) -> str:
    """An EB segment from its elements in order (EB01 first); trailing empties dropped."""
    return "*".join(("EB", *elements)).rstrip("*")


def _summary(body: list[str], service_type: str | None = "PT", *, in_network: bool = True):
    data = wrap([*HEADER, *body], st01="271", guide="005010X279A1", functional="HB")
    (response,) = read_271(data.encode("ascii"), source="hand.271")
    return summarise_271(response, service_type, in_network=in_network)


ACTIVE = "EB*1*IND*30**GOLD PLAN"
# Chiropractic listed before physical therapy, as the payer that showed a PT patient the
# chiropractic limit sends them.
CHIRO_BEFORE_PT = [
    ACTIVE,
    "EB*F*IND*33***23***VS*12",
    "EB*F*IND*33***29***VS*4",
    "EB*B*IND*33****15*****Y",
    "EB*F*IND*PT***23***VS*30",
    "EB*F*IND*PT***29***VS*22",
    "EB*B*IND*PT****40*****Y",
    "EB*F*IND*AD***23***VS*20",
    "EB*B*IND*AD****35*****Y",
]
# Limits in HSD under one EB, as many payers send them; HSD05 22 = service year, 29 = remaining.
HSD_LIMITS = [
    ACTIVE,
    "EB*F*IND*PT",
    "HSD*VS*30***22",
    "HSD*VS*18***29",
    "EB*F*IND*AF",
    "HSD*VS*60***22*1",
]
NETWORKS = [
    ACTIVE,
    "EB*B*IND*PT****60*****N",
    "EB*B*IND*PT****30*****Y",
    "EB*B*IND*30****20",
    "EB*A*IND*PT*****0.4****N",
    "EB*A*IND*PT*****0.2****Y",
    "EB*C*IND*30***29*500",
    "EB*C*IND*PT***29*200*****Y",
    "EB*C*IND*PT***29*900*****N",
]


@pytest.mark.parametrize(
    ("body", "service_type", "in_network", "expected"),
    [
        pytest.param(CHIRO_BEFORE_PT, "PT", True,
                     {"visit_limit": 30, "visits_remaining": 22, "copay": Decimal("40")},
                     id="pt-patient-gets-pt-not-the-chiropractic-limit"),
        pytest.param(CHIRO_BEFORE_PT, "33", True,
                     {"visit_limit": 12, "visits_remaining": 4, "copay": Decimal("15")},
                     id="chiropractic-patient-gets-chiropractic"),
        pytest.param(CHIRO_BEFORE_PT, "AD", True,
                     {"visit_limit": 20, "visits_remaining": None, "copay": Decimal("35")},
                     id="ot-patient-gets-ot-and-no-remaining-it-was-not-sent"),
        pytest.param(CHIRO_BEFORE_PT, "AF", True,
                     {"visit_limit": None, "visits_remaining": None, "copay": None},
                     id="speech-asked-nothing-for-speech-nothing-guessed"),
        pytest.param(CHIRO_BEFORE_PT, None, True,
                     {"visit_limit": 12, "copay": Decimal("15")},
                     id="no-discipline-asked-keeps-the-payers-order"),
        pytest.param(HSD_LIMITS, "PT", True, {"visit_limit": 30, "visits_remaining": 18},
                     id="hsd-limit-and-remaining"),
        pytest.param(HSD_LIMITS, "AF", True, {"visit_limit": 60, "visits_remaining": None},
                     id="hsd-for-speech"),
        pytest.param([ACTIVE, "EB*F*IND*AD***29", "HSD*VS*7"], "AD", True,
                     {"visits_remaining": 7, "visit_limit": None},
                     id="hsd-without-period-takes-the-ebs"),
        pytest.param([ACTIVE, "EB*F*IND*AE***23***VS*25"], "PT", True, {"visit_limit": 25},
                     id="physical-medicine-answers-a-pt-question"),
        pytest.param([ACTIVE, "EB*F*IND*AE***23***VS*25", "EB*F*IND*PT***23***VS*20"], "PT",
                     True, {"visit_limit": 20}, id="pt-itself-before-physical-medicine"),
        pytest.param(NETWORKS, "PT", True,
                     {"copay": Decimal("30"), "coinsurance": Decimal("0.2"),
                      "deductible_remaining": Decimal("200")},
                     id="contracted-clinic-reads-in-network-first"),
        pytest.param(NETWORKS, "PT", False,
                     {"copay": Decimal("60"), "coinsurance": Decimal("0.4"),
                      "deductible_remaining": Decimal("900")},
                     id="out-of-network-clinic-reads-out-of-network"),
        pytest.param([ACTIVE, "EB*B*IND*PT****45*****N", "EB*B*IND*PT****35"], "PT", True,
                     {"copay": Decimal("35")}, id="unstated-network-before-the-other-side"),
        pytest.param([ACTIVE, "EB*B*IND*30****20"], "PT", True, {"copay": Decimal("20")},
                     id="plan-wide-copay-when-no-pt-copay"),
        pytest.param([ACTIVE, "EB*B*FAM*PT****50", "EB*B*IND*PT****25"], "PT", True,
                     {"copay": Decimal("25")}, id="individual-before-family"),
    ],
)  # fmt: skip
def test_the_benefit_shown_is_the_disciplines(body, service_type, in_network, expected):
    summary = _summary(body, service_type, in_network=in_network)
    assert {field: getattr(summary, field) for field in expected} == expected
    assert summary.active is True
    assert summary.plan_start == date(2026, 1, 1)


@pytest.mark.parametrize(
    ("body", "service_type", "expected"),
    [
        pytest.param([ACTIVE, _eb("1", "IND", "PT", "", "", "", "", "", "", "", "Y")], "PT",
                     True, id="pt-needs-authorization"),
        pytest.param([ACTIVE, _eb("1", "IND", "33", "", "", "", "", "", "", "", "Y"),
                      _eb("1", "IND", "PT", "", "", "", "", "", "", "", "N")], "PT", False,
                     id="chiropractic-authorization-is-not-pts"),
        pytest.param([ACTIVE, _eb("1", "IND", "33", "", "", "", "", "", "", "", "Y")], "PT",
                     None, id="only-another-disciplines-answer-is-unknown"),
        pytest.param([ACTIVE, _eb("1", "IND", "PT", "", "", "", "", "", "", "", "U")], "PT",
                     None, id="payer-says-unknown"),
        pytest.param([_eb("1", "IND", "30", "", "", "", "", "", "", "", "Y")], "PT",
                     None, id="plan-wide-flag-does-not-speak-for-therapy"),
    ],
)  # fmt: skip
def test_authorization_required_is_read_from_eb11_for_the_discipline(body, service_type, expected):
    assert _summary(body, service_type).authorization_required is expected


def test_a_medicare_advantage_plan_named_in_loop_2120_is_reported():
    # given a Medicare answer that says another plan (HN: HMO Medicare risk) pays
    summary = _summary(
        [
            "EB*1*IND*30*MB",
            "EB*R**30*HN*ACME MEDICARE ADVANTAGE",
            "DTP*290*D8*20260101",
            "LS*2120",
            "NM1*PRP*2*ACME HEALTH PLAN*****PI*ACME01",
            "N3*1 PLAN WAY",
            "N4*SPRINGFIELD*IL*62701",
            "PER*IC**TE*8005550100",
            "LE*2120",
        ]
    )
    assert summary.other_payers == (
        OtherPayer("ACME HEALTH PLAN", "ACME01", "PRP", "HN", True, "ACME MEDICARE ADVANTAGE"),
    )
    assert summary.medicare_advantage is True


def test_another_payer_without_2120_is_named_from_eb05_and_a_primary_care_provider_is_not():
    summary = _summary(
        [
            ACTIVE,
            "EB*L",
            "LS*2120",
            "NM1*P3*1*JONES*MARCUS****SV*0202034",
            "LE*2120",
            "EB*R**30*C1*STATE AUTO INSURANCE",
        ]
    )
    assert [(p.name, p.medicare_advantage) for p in summary.other_payers] == [
        ("STATE AUTO INSURANCE", False)
    ]
    assert summary.medicare_advantage is False


def test_hsd_is_read_into_the_benefit():
    data = wrap([*HEADER, *HSD_LIMITS], st01="271", guide="005010X279A1", functional="HB")
    (response,) = read_271(data.encode("ascii"), source="hand.271")
    assert response.benefits[1].limits == (
        DeliveryLimit("VS", Decimal("30"), "22", None),
        DeliveryLimit("VS", Decimal("18"), "29", None),
    )


def test_a_bad_hsd_quantity_refuses_the_file_with_a_code():
    data = wrap([*HEADER, ACTIVE, "EB*F*IND*PT", "HSD*VS*THIRTY***22"], st01="271",
                guide="005010X279A1", functional="HB")  # fmt: skip
    with pytest.raises(X12Error) as caught:
        read_271(data.encode("ascii"), source="hand.271")
    assert caught.value.code is X12ReadErrorCode.BAD_ELEMENT
    assert "HSD" in str(caught.value)
    assert "THIRTY" not in str(caught.value)


@pytest.mark.parametrize(
    ("service_type", "in_network", "copay"),
    [
        pytest.param("33", True, Decimal("10.00"), id="chiropractic-in-network"),
        pytest.param("33", False, Decimal("30.00"), id="chiropractic-out-of-network"),
        pytest.param("PT", True, None, id="pt-the-copay-is-chiropractics-not-pts"),
        pytest.param("30", True, Decimal("10.00"), id="plan-question-any-therapy-benefit"),
    ],
)
def test_corpus_answer_read_for_each_discipline(service_type, in_network, copay):
    path = corpus_path("271", "LinuxForHealth__subscriber-health-benefit-check.271")
    (response,) = read_271(path.read_bytes(), source=path.name)
    summary = summarise_271(response, service_type, in_network=in_network)
    assert (summary.active, summary.copay, summary.other_payers) == (True, copay, ())
