from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from cleannote.edi.tokenizer import X12Error
from cleannote.edi.x12_271 import (
    Rejection,
    explain_aaa,
    explain_follow_up,
    iter_271,
    read_271,
)
from tests.edi.envelopes import wrap

HEADER = [
    "BHT*0022*11*REQ1*20260101*1200",
    "HL*1**20*1",
    "NM1*PR*2*ACME HEALTH PLAN*****PI*12345",
    "HL*2*1*21*1",
    "NM1*1P*2*SUNRISE THERAPY*****XX*1234567893",
]
SUBSCRIBER = [
    "HL*3*2*22*0",
    "TRN*2*TRACE-1*9SUNRISE",
    "NM1*IL*1*DOE*JANE****MI*XYZ123",
    "DMG*D8*19700101*F",
    "DTP*291*RD8*20260101-20261231",
    "EB*1*IND*30**GOLD PLAN",
    "EB*B*IND*PT^AD^AF^33*HM**27*40.00*****Y",
    "EB*A*IND*PT**GOLD PLAN*27**0.20****N",
    "EB*C*IND*30***29*350.00*****Y",
    "EB*F*IND*PT^AD***23***VS*20",
    "MSG*VISIT LIMIT SHARED BY PT AND OT",
    "DTP*292*D8*20260101",
]


def _read(body: list[str]) -> list:
    return read_271(wrap(body, st01="271", guide="005010X279A1").encode(), source="e.271")


def test_active_coverage_with_plan_dates_and_benefits() -> None:
    # when
    [response] = _read(HEADER + SUBSCRIBER)
    # then
    assert response.level == "subscriber"
    assert response.active is True
    assert response.trace_numbers == ("TRACE-1",)
    assert response.payer_name == "ACME HEALTH PLAN"
    assert response.provider_id == "1234567893"
    [plan] = response.plan_dates
    assert (plan.qualifier, plan.start, plan.end) == ("291", date(2026, 1, 1), date(2026, 12, 31))
    active, copay, coinsurance, deductible, limit = response.benefits
    assert active.service_types == ("30",)
    assert active.plan_description == "GOLD PLAN"
    assert copay.service_types == ("PT", "AD", "AF", "33")
    assert (copay.amount, copay.time_period, copay.in_network) == (Decimal("40.00"), "27", True)
    assert (coinsurance.percent, coinsurance.in_network) == (Decimal("0.20"), False)
    assert (deductible.amount, deductible.time_period) == (Decimal("350.00"), "29")
    assert (limit.quantity_qualifier, limit.quantity) == ("VS", Decimal("20"))
    assert limit.messages == ("VISIT LIMIT SHARED BY PT AND OT",)
    assert limit.dates[0].start == date(2026, 1, 1)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            [*HEADER[:3], "AAA*Y**42*R"],
            [("information source", Rejection("2100A", True, "42", "R"))],
            id="payer-level-42",
        ),
        pytest.param(
            [*HEADER, "AAA*N**41*N"],
            [("information receiver", Rejection("2100B", False, "41", "N"))],
            id="receiver-level-41",
        ),
        pytest.param(
            [*HEADER, "HL*3*2*22*0", "NM1*IL*1*DOE*JANE****MI*BAD", "AAA*Y**72*C"],
            [("subscriber", Rejection("2100C", True, "72", "C"))],
            id="subscriber-72",
        ),
        pytest.param(
            [*HEADER, "AAA*Y**43*C", *SUBSCRIBER],
            [("subscriber", Rejection("2100B", True, "43", "C"))],
            id="receiver-reject-copied-to-subscriber",
        ),
        pytest.param(
            [*HEADER, *SUBSCRIBER[:6], "AAA*Y**53*C"],
            [("subscriber", Rejection("2110C", True, "53", "C"))],
            id="benefit-level",
        ),
    ],
)
def test_aaa_rejections_are_kept_at_every_loop(body: list[str], expected: list) -> None:
    # when
    responses = _read(body)
    # then
    assert [(r.level, r.rejections[-1]) for r in responses] == expected


@pytest.mark.parametrize(
    ("code", "words"),
    [
        pytest.param("41", "enrollment", id="41-hets-enrollment"),
        pytest.param("42", "Retry later", id="42-retry"),
        pytest.param("43", "NPI", id="43-provider-id"),
        pytest.param("51", "enrollment", id="51-not-on-file"),
        pytest.param("72", "member id", id="72-subscriber-id"),
        pytest.param("75", "cannot find the subscriber", id="75-not-found"),
        pytest.param("T4", "payer id", id="T4-payer"),
    ],
)
def test_aaa_reasons_explain_what_to_do(code: str, words: str) -> None:
    # when
    reason = explain_aaa(code)
    # then
    assert words in reason.meaning + reason.action


def test_every_aaa_reason_from_the_reference_list_is_explained() -> None:
    # given: the AAA03 list in rules-facts section 9
    codes = ["04", "15", "33", "35", "41", "42", *map(str, range(43, 54)), "56", "57", "58"]
    codes += [*map(str, range(60, 81)), "97", "T4"]
    # when
    explained = [explain_aaa(c) for c in codes]
    # then
    assert all(e.meaning and e.action for e in explained)


def test_unknown_aaa_code_is_refused_by_name() -> None:
    with pytest.raises(X12Error, match="'99' is not an AAA03 reason code"):
        explain_aaa("99")


@pytest.mark.parametrize(
    ("code", "resubmit"),
    [("C", True), ("N", False), ("P", True), ("R", True), ("W", True), ("X", True), ("Y", False)],
)
def test_follow_up_codes(code: str, resubmit: bool) -> None:
    follow = explain_follow_up(code)
    assert follow is not None
    assert follow.resubmit is resubmit


def test_a_271_reader_refuses_other_transactions() -> None:
    expected = r"segment 3 \(ST\): expected 271 in ST01; found transaction set '270'"
    with pytest.raises(X12Error, match=expected):
        read_271(wrap(["BHT*0022*13"], st01="270").encode(), source="e.271")


def test_the_stream_yields_what_the_file_reader_returns() -> None:
    # given
    data = wrap([*HEADER, *SUBSCRIBER], st01="271", guide="005010X279A1").encode()
    # when
    streamed = list(iter_271(data, source="e.271"))
    # then
    assert streamed == read_271(data, source="e.271")
    assert len(streamed) == 1
