"""One claim per note and payer (issue 8: "Create claim" three times made three claims, two went
out in 837P files and the payer answered CO-18). The database constraint decides, so two
requests at once cannot both win; asking again answers with the claim the note already has.
A corrected claim, a void, and a new claim after the first was voided are allowed."""

from __future__ import annotations

import os
import threading

import pytest
from django.db import IntegrityError, connection, transaction

from cleannote.apps.claims import actions
from cleannote.apps.claims.actions import (
    do_change_claim_status,
    do_create_claim_from_note,
    do_create_corrected_claim,
    do_create_secondary_claim,
    do_void_claim,
)
from cleannote.apps.claims.models import Claim, ClaimStatus, Origin
from tests.apps.claims.conftest import adjudicated_claim, new_claim
from tests.personas import client_for


def test_create_claim_three_times_makes_one_claim(billing):
    # when the biller presses "Create claim" on the note three times
    client = client_for(billing.clinic.biller)
    responses = [client.post(f"/claims/from-note/{billing.note.pk}/") for _ in range(3)]
    # then there is one claim, and every press lands on it
    claim = Claim.objects.get()
    assert [r.status_code for r in responses] == [302, 302, 302]
    assert {r["Location"] for r in responses} == {f"/claims/{claim.pk}/"}
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "already billed to" in page


def test_the_action_answers_with_the_existing_claim(billing):
    first = new_claim(billing)
    again = do_create_claim_from_note(billing.actor, billing.note)
    assert again.pk == first.pk
    assert Claim.objects.count() == 1


def test_the_database_refuses_a_second_claim_for_the_note_and_payer(billing):
    # given a claim; when a second row for the same note and payer is written past the action
    claim = new_claim(billing)
    duplicate = Claim.objects.get(pk=claim.pk)
    duplicate.pk = None
    duplicate.patient_control_number = None
    # then the constraint refuses it
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_a_lost_race_answers_with_the_winner_not_an_error(billing, monkeypatch):
    # given a request that checked before the other one wrote (the check sees no claim)
    winner = new_claim(billing)
    real = actions.billed_claim
    calls: list[int] = []

    def stale_first(note_id: int, payer_id: str) -> Claim | None:
        calls.append(note_id)
        return None if len(calls) == 1 else real(note_id, payer_id)

    monkeypatch.setattr(actions, "billed_claim", stale_first)
    # when it writes, the constraint refuses; the action answers with the winner's claim
    assert do_create_claim_from_note(billing.actor, billing.note).pk == winner.pk
    assert len(calls) == 2  # the check, then the look-up after the refused insert
    assert Claim.objects.count() == 1


def test_corrected_and_void_claims_follow_the_original(billing):
    original = adjudicated_claim(billing, ("100.00", "60.00"))
    corrected = do_create_corrected_claim(billing.actor, original, reason="units")
    void = do_void_claim(billing.actor, original, reason="wrong payer")
    assert {corrected.origin, void.origin} == {Origin.CORRECTED, Origin.VOID}
    assert Claim.objects.filter(note=billing.note).count() == 3


def test_after_a_void_the_note_may_be_billed_again(billing):
    original = adjudicated_claim(billing, ("130.00", "60.00"))
    do_void_claim(billing.actor, original, reason="billed in error")
    again = do_create_claim_from_note(billing.actor, billing.note)
    assert again.pk != original.pk
    assert again.origin == Origin.NOTE


def test_a_draft_closed_unsent_frees_the_note(billing):
    draft = new_claim(billing)
    do_change_claim_status(billing.actor, draft, ClaimStatus.CLOSED, reason="abandoned")
    again = do_create_claim_from_note(billing.actor, billing.note)
    assert again.pk != draft.pk


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL (DATABASE_URL): SQLite serialises writers by itself",
)
def test_two_requests_at_once_make_one_claim(billing):
    # given two workers creating a claim for the same note at the same moment
    barrier = threading.Barrier(2)
    got: list[int] = []
    errors: list[BaseException] = []

    def create() -> None:
        try:
            barrier.wait()
            got.append(do_create_claim_from_note(billing.actor, billing.note).pk)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then both answer with the one claim, and neither failed
    assert errors == []
    claim = Claim.objects.get()
    assert got == [claim.pk, claim.pk]


def test_secondary_claim_twice_answers_with_the_first(billing):
    from tests.apps.claims.test_claim_lifecycle import _secondary_coverage

    primary = adjudicated_claim(billing, ("100.00", "60.00"))
    _secondary_coverage(billing)
    first = do_create_secondary_claim(billing.actor, primary)
    again = do_create_secondary_claim(billing.actor, primary)
    assert again.pk == first.pk
    assert Claim.objects.filter(origin=Origin.SECONDARY).count() == 1
