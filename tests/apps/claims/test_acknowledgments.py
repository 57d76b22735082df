"""999 and 277CA import move claims to accepted or rejected with the reasons in plain words, on
the rejections worklist; a rejected claim is resubmitted as a new original (ADR 0702)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cleannote.apps.claims.acknowledgments import (
    do_import_277ca,
    do_import_999,
    do_resubmit_rejected_claim,
)
from cleannote.apps.claims.actions import do_build_batch, do_mark_ready
from cleannote.apps.claims.errors import ClaimError
from cleannote.apps.claims.models import Claim, ClaimRejection, ClaimStatus, Frequency
from tests.apps.claims.conftest import another_claim
from tests.apps.x12_files import claim_acknowledgment_277ca
from tests.corpus import corpus_path
from tests.edi.envelopes import wrap


def _batch(billing, count: int = 3):
    claims = [do_mark_ready(billing.actor, another_claim(billing, 4 + n)) for n in range(count)]
    batch = do_build_batch(billing.actor, [c.pk for c in claims])
    return batch, claims


def _999(body: list[str]) -> bytes:
    return wrap(body, st01="999", guide="005010X231A1", functional="FA").encode()


def _statuses(claims: list[Claim]) -> list[str]:
    return [Claim.objects.get(pk=c.pk).status for c in claims]


# --- 999 ----------------------------------------------------------------------------------------


def test_a_999_accepting_the_set_moves_nothing(billing):
    batch, claims = _batch(billing)
    ack = _999(
        [
            f"AK1*HC*{batch.control_number}*005010X222A1",
            f"AK2*837*{batch.control_number:04d}*005010X222A1",
            "IK5*A",
            "AK9*A*1*1*1",
        ]
    )
    outcome = do_import_999(billing.actor, ack, file_name="ack.999")
    assert outcome == "999: 1 transaction set(s) answered, 0 claim(s) rejected"
    assert _statuses(claims) == [ClaimStatus.IN_BATCH] * 3


def test_a_999_rejecting_the_set_rejects_every_claim_with_its_own_reasons(billing):
    # given a batch of three claims and a 999 rejecting its set, with an error tied to the
    # second claim (CTX CLM01) and one tied to none
    batch, claims = _batch(billing)
    second = claims[1].patient_control_number
    ack = _999(
        [
            f"AK1*HC*{batch.control_number}*005010X222A1",
            f"AK2*837*{batch.control_number:04d}*005010X222A1",
            "IK3*CLM*22*2300*8",
            f"CTX*CLM01:{second}",
            "IK4*5:3*1325*7*9",
            "IK3*NM1*4*1000B*8",
            "IK4*9*67*6",
            "IK5*R*5",
            "AK9*R*1*1*0",
        ]
    )
    # when
    outcome = do_import_999(billing.actor, ack, file_name="ack.999")
    # then all three are rejected; each reason is the set's verdict, then its own errors
    assert outcome == "999: 1 transaction set(s) answered, 3 claim(s) rejected"
    assert _statuses(claims) == [ClaimStatus.REJECTED] * 3
    set_words = (
        f"the file's transaction set {batch.control_number:04d} was rejected: "
        "one or more segments are in error"
    )
    shared = (
        "segment NM1 (segment 4 of the set, loop 1000B): a segment whose data elements are in "
        "error (see the element errors); NM109 (data element 67): the value holds an invalid "
        "character"
    )
    own = (
        "segment CLM (segment 22 of the set, loop 2300): a segment whose data elements are in "
        "error (see the element errors); CLM05-3 (data element 1325): the value is not a valid "
        "code"
    )
    assert [r.explanation for r in claims[0].rejections.order_by("id")] == [set_words, shared]
    assert [(r.code, r.explanation) for r in claims[1].rejections.order_by("id")] == [
        ("IK5:R:5", set_words),
        ("CLM:8:7", own),
        ("NM1:8:6", shared),
    ]
    # and the status history says why, naming the file
    event = claims[1].events.order_by("-id").first()
    assert (event.previous_status, event.status) == (ClaimStatus.IN_BATCH, ClaimStatus.REJECTED)
    assert event.reason.startswith(f"999 ack.999: {set_words}")
    # when the same file comes again, then nothing moves and nothing is added
    assert do_import_999(billing.actor, ack, file_name="ack.999").endswith("0 claim(s) rejected")
    assert ClaimRejection.objects.count() == 7


def test_a_999_for_a_group_we_never_sent_is_refused(billing):
    ack = _999(["AK1*HC*987*005010X222A1", "AK2*837*0987*005010X222A1", "IK5*A", "AK9*A*1*1*1"])
    with pytest.raises(ClaimError, match="answers group 987, which is no batch of ours"):
        do_import_999(billing.actor, ack, file_name="ack.999")


def test_a_file_that_is_not_a_999_is_refused_with_where(billing):
    with pytest.raises(ClaimError, match=r"^bad\.999: not read: "):
        do_import_999(billing.actor, b"ISA*garbage", file_name="bad.999")


# --- 277CA --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stc", "status", "rule"),
    [
        ("STC*A2:20*20261206*WQ*190.00", ClaimStatus.ACCEPTED, None),
        ("STC*A1:19:PR*20261206*WQ*190.00", ClaimStatus.ACCEPTED, None),
        ("STC*A7:562:85*20261206*U*190.00", ClaimStatus.REJECTED, "ack.provider"),
        ("STC*A6:164:IL*20261206*U*190.00", ClaimStatus.REJECTED, "ack.patient"),
        ("STC*A3:116*20261206*U*190.00", ClaimStatus.REJECTED, "ack.payer"),
        ("STC*A7:255*20261206*U*190.00", ClaimStatus.REJECTED, "ack.diagnosis"),
        ("STC*A8:21*20261206*U*190.00", ClaimStatus.REJECTED, "ack.file"),
        ("STC*E0:0*20261206*U*190.00", ClaimStatus.IN_BATCH, None),
    ],
    ids=lambda v: str(v),
)
def test_277ca_category_moves_the_claim(billing, stc, status, rule):
    _, [claim] = _batch(billing, 1)
    data = claim_acknowledgment_277ca([(claim.patient_control_number, [stc])])
    do_import_277ca(billing.actor, data, file_name="ca.277")
    claim.refresh_from_db()
    assert claim.status == status
    assert [r.rule for r in claim.rejections.all()] == ([rule] if rule else [])


def test_a_277ca_accepts_one_rejects_another_and_counts_what_is_not_ours(billing):
    # given a batch of two claims and a 277CA answering them and a claim we never sent
    _, claims = _batch(billing, 2)
    first, second = (c.patient_control_number for c in claims)
    data = claim_acknowledgment_277ca(
        [
            (first, ["STC*A2:20*20261206*WQ*190.00", "REF*1K*PAYER-77"]),
            (second, ["STC*A7:562:85*20261206*U*190.00"]),
            ("NOT-OURS-1", ["STC*A2:20*20261206*WQ*190.00"]),
        ]
    )
    # when
    outcome = do_import_277ca(billing.actor, data, file_name="ca.277")
    # then
    assert outcome == "277CA: 1 claim(s) accepted, 1 rejected, 1 not ours or not found"
    accepted, rejected = (Claim.objects.get(pk=c.pk) for c in claims)
    assert (accepted.status, accepted.payer_claim_number) == (ClaimStatus.ACCEPTED, "PAYER-77")
    assert rejected.status == ClaimStatus.REJECTED
    [reason] = rejected.rejections.all()
    assert (reason.kind, reason.code, reason.explanation) == (
        "277CA",
        "A7:562:85",
        "A7: rejected for invalid information; 562: the entity's National Provider "
        "Identifier (NPI) (the billing provider)",
    )
    # and importing it again changes nothing
    again = do_import_277ca(billing.actor, data, file_name="ca.277")
    assert again == "277CA: 0 claim(s) accepted, 0 rejected, 1 not ours or not found"


def test_a_line_rejection_rejects_the_claim(billing):
    _, [claim] = _batch(billing, 1)
    data = claim_acknowledgment_277ca(
        [
            (
                claim.patient_control_number,
                [
                    "STC*A2:20*20261206*WQ*190.00",
                    "SVC*HC:97110:GP*130.00*0",
                    "STC*A7:454*20261206*U*130.00",
                    "REF*FJ*1",
                ],
            )
        ]
    )
    do_import_277ca(billing.actor, data, file_name="ca.277")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REJECTED
    assert [r.rule for r in claim.rejections.all()] == ["ack.visit"]


def test_a_payer_may_reject_what_its_clearinghouse_accepted(billing):
    _, [claim] = _batch(billing, 1)
    pcn = claim.patient_control_number
    do_import_277ca(
        billing.actor,
        claim_acknowledgment_277ca([(pcn, ["STC*A1:19:41*20261206*WQ*190.00"])]),
        file_name="ch.277",
    )
    do_import_277ca(
        billing.actor,
        claim_acknowledgment_277ca([(pcn, ["STC*A3:33:IL*20261207*U*190.00"])]),
        file_name="payer.277",
    )
    claim.refresh_from_db()
    assert [e.status for e in claim.events.order_by("id")][-2:] == [
        ClaimStatus.ACCEPTED,
        ClaimStatus.REJECTED,
    ]  # fmt: skip


# --- the worklist and resubmitting --------------------------------------------------------------


def _rejected(billing) -> Claim:
    _, [claim] = _batch(billing, 1)
    data = claim_acknowledgment_277ca(
        [(claim.patient_control_number, ["STC*A6:164:IL*20261206*U*190.00"])]
    )
    do_import_277ca(billing.actor, data, file_name="ca.277")
    claim.refresh_from_db()
    return claim


def test_resubmitting_makes_a_new_original_claim_and_closes_the_rejected_one(billing):
    # given a rejected claim
    rejected = _rejected(billing)
    # when it is resubmitted
    fresh = do_resubmit_rejected_claim(billing.actor, rejected)
    # then a new original claim bills the same note, with a new control number
    rejected.refresh_from_db()
    assert (rejected.status, rejected.voided) == (ClaimStatus.CLOSED, True)
    assert fresh.pk != rejected.pk
    assert (fresh.frequency, fresh.note_id) == (Frequency.ORIGINAL, rejected.note_id)
    assert fresh.patient_control_number != rejected.patient_control_number
    assert fresh.status == ClaimStatus.DRAFT
    # and only a rejected claim is resubmitted
    with pytest.raises(ClaimError, match="only a rejected claim is resubmitted"):
        do_resubmit_rejected_claim(billing.actor, fresh)


def test_the_rejections_worklist_lists_the_reason_and_the_fix(billing, client):
    rejected = _rejected(billing)
    client.force_login(billing.clinic.biller.user)
    page = client.get(reverse("claims:rejections"))
    assert page.status_code == 200
    html = page.content.decode()
    assert rejected.patient_control_number in html
    words = "A6: rejected for missing information; 164: the entity&#x27;s contract or member "
    assert words + "number (the subscriber)" in html
    assert reverse("claims:resubmit", args=[rejected.pk]) in html


def test_resubmit_from_the_worklist_goes_to_the_new_claim(billing, client):
    rejected = _rejected(billing)
    client.force_login(billing.clinic.biller.user)
    response = client.post(reverse("claims:resubmit", args=[rejected.pk]))
    fresh = Claim.objects.exclude(pk=rejected.pk).get(note=rejected.note, voided=False)
    assert response.status_code == 302
    assert response.url == reverse("claims:detail", args=[fresh.pk])


def test_the_rejections_worklist_is_for_billers_and_owners(billing, client):
    client.force_login(billing.clinic.therapist.user)
    assert client.get(reverse("claims:rejections")).status_code == 403


def test_a_published_277ca_rejects_our_claim_for_the_billing_providers_npi(billing):
    # given a claim in a batch whose control number is the one a published 277CA answers
    # (the corpus's emedny sample: TRN*2*3920394930203, STC*A7|562|85, REF*1K)
    data = corpus_path("277", "Inteligenz__FromAlexbrodsky.txt").read_bytes()
    _, [claim] = _batch(billing, 1)
    Claim.objects.filter(pk=claim.pk).update(patient_control_number="3920394930203")
    # when
    outcome = do_import_277ca(billing.actor, data, file_name="emedny.277")
    # then
    assert outcome == "277CA: 0 claim(s) accepted, 1 rejected, 0 not ours or not found"
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REJECTED
    [reason] = claim.rejections.all()
    assert (reason.code, reason.rule) == ("A7:562:85", "ack.provider")
    assert "National Provider Identifier (NPI) (the billing provider)" in reason.explanation


def test_a_277ca_rejecting_the_whole_set_at_the_receiver_level_rejects_its_claims(billing):
    # given a batch of two claims and a 277CA whose clearinghouse refuses its set (HL 21,
    # TRN02 = the 837's BHT03, "<ISA13>-<ST02>")
    batch, claims = _batch(billing, 2)
    trace = f"{batch.control_number}-{batch.control_number:04d}"
    assert f"BHT*0019*00*{trace}*".encode() in batch.content.encode()
    body = [
        "BHT*0085*08*B1*20261206*1200*TH",
        "HL*1**20*1",
        "NM1*PR*2*ACME CLEARINGHOUSE*****46*CH1",
        "HL*2*1*21*0",
        "NM1*41*2*RIVERSIDE PT*****46*CLEANNOTE",
        f"TRN*2*{trace}",
        "STC*A3:24:41*20261206*U*380.00",
    ]
    data = wrap(body, st01="277", guide="005010X214", functional="HN").encode()
    # when
    outcome = do_import_277ca(billing.actor, data, file_name="refused.277")
    # then both claims are rejected, saying the whole set was
    assert outcome == "277CA: 0 claim(s) accepted, 2 rejected, 0 not ours or not found"
    for claim in claims:
        [reason] = Claim.objects.get(pk=claim.pk).rejections.all()
        assert reason.explanation == (
            f"the whole transaction set {trace} was rejected: A3: returned as unprocessable: "
            "rejected before adjudication; 24: the entity is not approved as an electronic "
            "submitter (the submitter)"
        )


def test_the_claim_page_shows_its_rejections_and_offers_resubmit(billing, client):
    rejected = _rejected(billing)
    client.force_login(billing.clinic.biller.user)
    html = client.get(reverse("claims:detail", args=[rejected.pk])).content.decode()
    assert "Rejections (999, 277CA)" in html
    assert "164: the entity&#x27;s contract or member number (the subscriber)" in html
    assert reverse("claims:resubmit", args=[rejected.pk]) in html


# --- 277CA: the billing provider level (HL 19) --------------------------------------------------


def _provider_level_277ca(trace: str, npi: str, stc: str, patients: list[str]) -> bytes:
    """A clearinghouse's 277CA shaped as X214 sends it: the payer (HL 20), our receipt of the
    set (HL 21, accepted), the billing provider refused (HL 19 with its STC), then the claims
    listed beneath it, without a status of their own."""
    body = [
        "BHT*0085*08*B7*20261206*1200*TH",
        "HL*1**20*1",
        "NM1*PR*2*ACME CLEARINGHOUSE*****46*CH1",
        "TRN*1*0",
        "DTP*050*D8*20261206",
        "DTP*009*D8*20261206",
        "HL*2*1*21*1",
        "NM1*41*2*RIVERSIDE PT*****46*CLEANNOTE",
        f"TRN*2*{trace}",
        "STC*A1:19:PR*20261206*WQ*380.00",
        "HL*3*2*19*" + ("1" if patients else "0"),
        f"NM1*85*2*RIVERSIDE PT*****XX*{npi}",
        "TRN*1*0",
        stc,
        "QTY*AA*2",
        "AMT*YY*380.00",
    ]
    for number, pcn in enumerate(patients, start=4):
        body += [f"HL*{number}*3*PT", "NM1*QC*1*DOE*JANE****MI*XYZ123", f"TRN*2*{pcn}"]
        body += ["DTP*472*RD8*20261130-20261130"]
    return wrap(body, st01="277", guide="005010X214", functional="HN").encode()


def test_a_277ca_refusing_the_billing_provider_rejects_its_claims_of_the_set(billing):
    # given a batch of two claims and a 277CA whose HL 19 refuses our billing NPI (not
    # enrolled with the payer), listing no claim beneath it
    batch, claims = _batch(billing, 2)
    trace = f"{batch.control_number}-{batch.control_number:04d}"
    npi = claims[0].visit["billing_provider"]["npi"]
    data = _provider_level_277ca(trace, npi, "STC*A3:562:85*20261206*U*380.00", [])
    # when
    outcome = do_import_277ca(billing.actor, data, file_name="provider.277")
    # then both claims are rejected, each saying why in words, with the provider fix area
    assert outcome == "277CA: 0 claim(s) accepted, 2 rejected, 0 not ours or not found"
    for claim in claims:
        fresh = Claim.objects.get(pk=claim.pk)
        assert fresh.status == ClaimStatus.REJECTED
        [reason] = fresh.rejections.all()
        assert (reason.code, reason.rule) == ("A3:562:85", "ack.provider")
        assert reason.explanation.startswith(
            f"every claim of billing provider NPI {npi} in transaction set {trace} was "
            "rejected: A3: returned as unprocessable: rejected before adjudication; 562:"
        )
        assert "(the billing provider)" in reason.explanation
    # and importing it again moves nothing
    again = do_import_277ca(billing.actor, data, file_name="provider.277")
    assert again == "277CA: 0 claim(s) accepted, 0 rejected, 0 not ours or not found"


def test_a_277ca_refusing_another_billing_npi_leaves_our_claims_alone(billing):
    batch, claims = _batch(billing, 2)
    trace = f"{batch.control_number}-{batch.control_number:04d}"
    data = _provider_level_277ca(trace, "1999999984", "STC*A3:562:85*20261206*U*380.00", [])
    outcome = do_import_277ca(billing.actor, data, file_name="other.277")
    assert outcome == "277CA: 0 claim(s) accepted, 0 rejected, 0 not ours or not found"
    assert _statuses(claims) == [ClaimStatus.IN_BATCH, ClaimStatus.IN_BATCH]


def test_an_accepting_billing_provider_level_moves_nothing(billing):
    batch, claims = _batch(billing, 1)
    trace = f"{batch.control_number}-{batch.control_number:04d}"
    npi = claims[0].visit["billing_provider"]["npi"]
    data = _provider_level_277ca(trace, npi, "STC*A1:19:85*20261206*WQ*190.00", [])
    outcome = do_import_277ca(billing.actor, data, file_name="fine.277")
    assert outcome == "277CA: 0 claim(s) accepted, 0 rejected, 0 not ours or not found"
    assert _statuses(claims) == [ClaimStatus.IN_BATCH]


def test_claims_listed_under_a_refused_billing_provider_are_rejected_by_name(billing):
    # given a 277CA whose receiver trace is not one of our sets (a clearinghouse that puts its
    # own number there) but which lists our claims beneath the refused provider
    _, claims = _batch(billing, 2)
    npi = claims[0].visit["billing_provider"]["npi"]
    pcns = [c.patient_control_number for c in claims]
    data = _provider_level_277ca("CH-88231", npi, "STC*A8:496:85*20261206*U*380.00", pcns)
    # when
    outcome = do_import_277ca(billing.actor, data, file_name="listed.277")
    # then each listed claim is rejected with the provider's reason
    assert outcome == "277CA: 0 claim(s) accepted, 2 rejected, 0 not ours or not found"
    for claim in claims:
        [reason] = Claim.objects.get(pk=claim.pk).rejections.all()
        assert reason.code == "A8:496:85"
        assert reason.explanation.startswith(
            f"every claim of billing provider NPI {npi} in transaction set CH-88231 was rejected"
        )
