"""Plain words for 999 and 277CA codes, with where an error sits and never the bad data."""

from __future__ import annotations

import pytest

from cleannote.edi.acknowledgment_codes import (
    explain_segment_error,
    explain_set_response,
    explain_status,
    fix_area,
    source,
    status_outcome,
)
from cleannote.edi.x12_277 import Status
from cleannote.edi.x12_999 import ElementError, SegmentError, SetResponse, read_999
from tests.corpus import corpus_path
from tests.edi.envelopes import wrap


def _status(category: str, code: str = "", entity: str = "") -> Status:
    return Status(category, code, entity, None, "", None, None)


@pytest.mark.parametrize(
    ("category", "outcome"),
    [
        ("A0", "accepted"),
        ("A1", "accepted"),
        ("A2", "accepted"),
        ("A5", "accepted"),
        ("A3", "rejected"),
        ("A4", "rejected"),
        ("A6", "rejected"),
        ("A7", "rejected"),
        ("A8", "rejected"),
        ("E0", "none"),
        ("P1", "none"),
        ("", "none"),
    ],
)
def test_status_category_outcome_table(category, outcome):
    assert status_outcome(category) == outcome


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (
            _status("A7", "562", "85"),
            "A7: rejected for invalid information; 562: the entity's National Provider "
            "Identifier (NPI) (the billing provider)",
        ),
        (
            _status("A6", "164", "IL"),
            "A6: rejected for missing information; 164: the entity's contract or member "
            "number (the subscriber)",
        ),
        (_status("A2", "20"), "A2: accepted into the payer's adjudication system; 20: "
         "accepted for processing"),
        (_status("A3", "9999", "ZZ"), "A3: returned as unprocessable: rejected before "
         "adjudication; 9999: code 9999 (entity ZZ)"),
    ],
)  # fmt: skip
def test_status_in_plain_words(status, words):
    assert explain_status(status) == words


@pytest.mark.parametrize(
    ("codes", "area"),
    [
        (("33", "IL"), "patient"),
        (("562", "85"), "provider"),
        (("85", "PR"), "payer"),
        (("116", "PR"), "payer"),
        (("21", "IL"), "patient"),
        (("21", "85"), "provider"),
        (("255", ""), "diagnosis"),
        (("400", ""), "visit"),
        (("21", ""), ""),
    ],
)
def test_fix_area_from_status_and_entity(codes, area):
    assert fix_area(*codes) == area


def test_a_999_segment_error_says_where_and_what_without_the_bad_data():
    # given the receiver's complaint about CLM05-3 holding an invalid code
    error = SegmentError(
        "CLM", "22", "2300", "8", (ElementError("5:3", "1325", "7", "9"),), "PCN-1", ""
    )
    # then
    words = explain_segment_error(error)
    assert words == (
        "segment CLM (segment 22 of the set, loop 2300): a segment whose data elements are in "
        "error (see the element errors); CLM05-3 (data element 1325): the value is not a valid code"
    )


def test_a_999_read_from_the_guide_example_keeps_the_claim_context():
    # given a 999 rejecting one set with a CTX naming the claim and a situational trigger
    data = wrap(
        [
            "AK1*HC*17456*005010X222A1",
            "AK2*837*0001*005010X222A1",
            "IK5*A",
            "AK2*837*0002*005010X222A1",
            "IK3*REF*57**I6",
            "CTX*SITUATIONAL TRIGGER*CLM*43**5:3*C023:1325",
            "CTX*CLM01:PCN-7",
            "IK5*R*I5",
            "AK9*P*2*2*1",
        ],
        st01="999",
        guide="005010X231A1",
        functional="FA",
    ).encode()
    [ack] = read_999(data, source="ack.999")
    accepted, rejected = ack.sets
    [error] = rejected.segment_errors
    assert (error.claim, error.trigger) == ("PCN-7", "CLM")
    assert explain_segment_error(error) == (
        "segment REF (segment 57 of the set): a segment the guide requires in this situation "
        "is missing (required because segment CLM is present)"
    )
    assert explain_set_response(rejected) == (
        "the file's transaction set 0002 was rejected: one or more segments break the "
        "implementation guide"
    )
    assert explain_set_response(accepted) == "the file's transaction set 0001 was accepted"


def test_the_table_names_its_source():
    assert "005010X231A1" in source()
    assert "507" in source()


def test_set_response_without_errors_is_plain():
    response = SetResponse("837", "0009", "R", ("5",), ())
    assert explain_set_response(response).endswith("rejected: one or more segments are in error")


def test_a_published_999_names_its_claims_and_errors_in_words():
    # the Wisconsin DHS sample: set 002 rejected for CLM02 missing in claim 123456789, set 0003
    # for a REF required because CLM is present in claim 987654321
    data = corpus_path("999", "Inteligenz__DHS_Wisconsin_Sample.txt").read_bytes()
    [ack] = read_999(data, source="wi.999")
    _, second, third = ack.sets
    [missing] = second.segment_errors
    [required] = third.segment_errors
    assert (missing.claim, required.claim, required.trigger) == ("123456789", "987654321", "CLM")
    assert explain_segment_error(missing) == (
        "segment CLM (segment 22 of the set): a segment whose data elements are in error (see "
        "the element errors); CLM02 (data element 782): a required value is missing"
    )
    assert explain_segment_error(required) == (
        "segment REF (segment 57 of the set): a required segment is missing (required because "
        "segment CLM is present)"
    )
