"""270 writer: pyx12 has no 005010X279A1 map, so the structure is checked against the
published examples in the shared corpus, segment by segment and loop by loop."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from cleannote.edi.envelope import X12WriteError
from cleannote.edi.x12_270 import (
    EligibilityRequest,
    service_type_for,
    service_types_for,
    write_270,
)
from cleannote.rules.visit import Credential, Discipline, Relationship, Sex
from tests.corpus import corpus_path
from tests.edi.factories import (
    CLINIC,
    COMMERCIAL,
    CONTROL,
    CREATED,
    MEDICARE,
    RECEIVER,
    SUBMITTER,
    THERAPIST,
    person,
    visit,
)


def _write(requests: list[EligibilityRequest]) -> bytes:
    return write_270(
        requests, submitter=SUBMITTER, receiver=RECEIVER, control=CONTROL, created=CREATED
    )


def _segments(text: str) -> list[list[str]]:
    text = text.lstrip("\ufeff").strip()
    terminator = text[105]
    return [s.strip().split("*") for s in text.split(terminator) if s.strip()]


def _shape(segments: list[list[str]]) -> list[str]:
    """Segment ids inside ST..SE with what places them in a loop: HL levels and NM1 entities."""
    body = segments[segments.index(next(s for s in segments if s[0] == "ST")) :]
    shape = []
    for segment in body:
        if segment[0] == "HL":
            shape.append("HL*" + "*".join(segment[1:]))
        elif segment[0] in ("NM1", "DTP"):
            shape.append(f"{segment[0]}*{segment[1]}")
        else:
            shape.append(segment[0])
        if segment[0] == "SE":
            break
    return shape


def _subscriber_request() -> EligibilityRequest:
    return EligibilityRequest.from_visit(visit(), trace="E-100")


def _dependent_request() -> EligibilityRequest:
    parent = person("Jordan", "Lindqvist", relationship=Relationship.CHILD, sex=Sex.MALE)
    child = person(
        "Sam", "Lindqvist", member_id=None, relationship=None, birth_date=dt.date(2015, 6, 1)
    )
    return EligibilityRequest.from_visit(
        visit(payer=COMMERCIAL, subscriber=parent, patient=child), trace="E-200"
    )


@pytest.mark.parametrize(
    ("sample", "request_for"),
    [
        pytest.param(
            "LinuxForHealth__subscriber-health-benefit-check.270",
            _subscriber_request,
            id="subscriber",
        ),
        pytest.param(
            "Inteligenz__Example1_IG.txt", _subscriber_request, id="subscriber-ig-example"
        ),
        pytest.param(
            "LinuxForHealth__dependent-health-benefit-check.270", _dependent_request, id="dependent"
        ),
    ],
)
def test_segment_order_and_loops_match_the_published_examples(sample, request_for):
    # given a published example (one EQ) and our request for the same kind of person, asking
    # one service type as the example does
    expected = _shape(_segments(corpus_path("270", sample).read_text(encoding="utf-8")))
    one_question = dataclasses.replace(request_for(), service_types=("30",))
    # when
    ours = _shape(_segments(_write([one_question]).decode("ascii")))
    # then
    assert ours == expected


def test_subscriber_request_fields():
    segments = ["*".join(s) for s in _segments(_write([_subscriber_request()]).decode("ascii"))]
    assert segments[1] == "GS*HS*CLEANNOTE01*CLEARHOUSE*20260302*0930*201*X*005010X279A1"
    assert segments[2:] == [
        "ST*270*0001*005010X279A1",
        "BHT*0022*13*101-0001*20260302*0930",
        "HL*1**20*1",
        "NM1*PR*2*MEDICARE PART B*****PI*02402",
        "HL*2*1*21*1",
        "NM1*1P*2*RIVERSIDE THERAPY GROUP LLC*****XX*1234567893",
        "HL*3*2*22*0",
        "TRN*1*E-100*1931234567",
        "NM1*IL*1*LINDQVIST*AVERY****MI*1EG4TE5MK72",
        "DMG*D8*19500417*F",
        "DTP*291*D8*20260227",
        "EQ*PT",
        "EQ*30",
        "SE*14*0001",
        "GE*1*201",
        "IEA*1*000000101",
    ]


def test_requests_to_the_same_payer_share_the_source_and_receiver_levels():
    # given two Medicare requests and a commercial one
    requests = [_subscriber_request(), _subscriber_request(), _dependent_request()]
    # when
    segments = ["*".join(s) for s in _segments(_write(requests).decode("ascii"))]
    # then
    assert [s for s in segments if s.startswith("HL*")] == [
        "HL*1**20*1",
        "HL*2*1*21*1",
        "HL*3*2*22*0",
        "HL*4*2*22*0",
        "HL*5**20*1",
        "HL*6*5*21*1",
        "HL*7*6*22*1",
        "HL*8*7*23*0",
    ]


@pytest.mark.parametrize(
    ("discipline", "code"),
    [
        pytest.param(Discipline.PT, "PT", id="physical-therapy"),
        pytest.param(Discipline.OT, "AD", id="occupational-therapy"),
        pytest.param(Discipline.SLP, "AF", id="speech-therapy"),
        pytest.param(Discipline.CHIRO, "33", id="chiropractic"),
        pytest.param(Discipline.MASSAGE, "30", id="massage-asks-general-coverage"),
        pytest.param(None, "30", id="unknown"),
    ],
)
def test_service_type_follows_the_discipline(discipline, code):
    assert service_type_for(discipline) == code


def test_request_from_an_ot_visit_asks_for_occupational_therapy():
    ot = visit(
        rendering_provider=THERAPIST.__class__(
            "Lee", "Park", "1666666668", Credential.OT, "225X00000X"
        )
    )
    assert EligibilityRequest.from_visit(ot, trace="E-1").service_types == ("AD", "30")


@pytest.mark.parametrize(
    ("discipline", "codes"),
    [
        pytest.param(Discipline.PT, ("PT", "30"), id="physical-therapy"),
        pytest.param(Discipline.OT, ("AD", "30"), id="occupational-therapy"),
        pytest.param(Discipline.SLP, ("AF", "30"), id="speech-therapy"),
        pytest.param(Discipline.CHIRO, ("33", "30"), id="chiropractic"),
        pytest.param(Discipline.MASSAGE, ("30",), id="massage-asks-the-plan-only"),
        pytest.param(None, ("30",), id="unknown"),
    ],
)
def test_a_visit_asks_its_discipline_first_then_the_plan(discipline, codes):
    assert service_types_for(discipline) == codes


def test_each_service_type_is_its_own_eq_loop_for_subscriber_and_dependent():
    # given a PT question about a subscriber and one about a dependent
    dependent = dataclasses.replace(_dependent_request(), service_types=("PT", "30"))
    segments = ["*".join(s) for s in _segments(_write([_subscriber_request(), dependent]).decode())]
    # then each person's 2110 loops follow its DTP*291, the discipline first
    assert [s for s in segments if s.startswith(("DTP*291", "EQ*", "HL*"))][2:] == [
        "HL*3*2*22*0",
        "DTP*291*D8*20260227",
        "EQ*PT",
        "EQ*30",
        "HL*4**20*1",
        "HL*5*4*21*1",
        "HL*6*5*22*1",
        "HL*7*6*23*0",
        "DTP*291*D8*20260227",
        "EQ*PT",
        "EQ*30",
    ]


def test_many_requests_split_into_transaction_sets_of_ninety_nine():
    requests = [_subscriber_request()] * 100
    segments = ["*".join(s) for s in _segments(_write(requests).decode("ascii"))]
    assert [s for s in segments if s.startswith(("ST*", "GE*"))] == [
        "ST*270*0001*005010X279A1",
        "ST*270*0002*005010X279A1",
        "GE*2*201",
    ]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        pytest.param(
            EligibilityRequest(
                "E-9", MEDICARE, CLINIC, person(), dt.date(2026, 3, 1), service_types=()
            ),
            "EQ needs 1 to 99",
            id="no-service-type",
        ),
        pytest.param(
            EligibilityRequest(
                "E-9", MEDICARE, CLINIC, person(), dt.date(2026, 3, 1), service_types=("PHYS",)
            ),
            "EQ01 service type code 'PHYS'",
            id="bad-service-type",
        ),
        pytest.param(
            EligibilityRequest(
                "E-9", MEDICARE, CLINIC, person(member_id=None), dt.date(2026, 3, 1)
            ),
            "2100C NM109 member id is required",
            id="no-member-id",
        ),
    ],
)
def test_bad_requests_are_refused_naming_the_request_and_element(bad, message):
    with pytest.raises(X12WriteError) as caught:
        _write([bad])
    assert str(caught.value).startswith("eligibility request E-9: ")
    assert message in str(caught.value)


def test_an_empty_batch_is_refused():
    with pytest.raises(X12WriteError, match="at least one request"):
        _write([])
