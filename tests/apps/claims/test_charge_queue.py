"""The charge queue (ADR 0710): signed notes not yet billed, bulk "Create claims" with each note
in its own savepoint, the refused list with each finding and its fix link, and no second claim
when the same notes are posted twice."""

from __future__ import annotations

import datetime as dt
import os
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.claims.charges import do_create_claims_from_notes
from cleannote.apps.claims.models import ChargeRefusal, Claim, Origin
from cleannote.apps.claims.selectors import ChargeFilter, unbilled_notes
from cleannote.apps.patients.models import Patient
from tests.apps.claims.conftest import new_claim, signed_note
from tests.personas import TODAY, client_for


def _post(client, *note_ids: int, **extra: str):
    return client.post("/claims/unbilled/create/", {"note": [str(n) for n in note_ids], **extra})


def _unbilled_ids(billing, **filters) -> list[int]:
    return [r.note.pk for r in unbilled_notes(billing.clinic.organisation, ChargeFilter(**filters))]


def test_the_queue_lists_signed_notes_without_a_claim(billing):
    # given the fixture's passing note, the persona's refused note and a draft (unsigned) note
    clinic = billing.clinic
    assert set(_unbilled_ids(billing)) == {billing.note.pk, clinic.signed_note.pk}
    # when the passing note is billed, it leaves the queue
    new_claim(billing)
    assert _unbilled_ids(billing) == [clinic.signed_note.pk]


def test_a_voided_claim_puts_the_note_back_in_the_queue(billing):
    from cleannote.apps.claims.actions import do_change_claim_status
    from cleannote.apps.claims.models import ClaimStatus

    claim = new_claim(billing)
    do_change_claim_status(billing.actor, claim, ClaimStatus.CLOSED, reason="abandoned")
    assert billing.note.pk in _unbilled_ids(billing)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, {"old", "new"}),
        ({"date_from": TODAY - dt.timedelta(days=5)}, {"new"}),
        ({"date_to": TODAY - dt.timedelta(days=5)}, {"old"}),
        ({"payer_id": "MCR"}, {"old", "new"}),
        ({"payer_id": "NOPE"}, set()),
    ],
    ids=["none", "from", "to", "payer", "other-payer"],
)
def test_filters_by_date_range_and_payer(billing, filters, expected):
    # given two passing notes, 3 and 20 days back (the persona's refused note is 2 days back)
    old = signed_note(billing.clinic, TODAY - dt.timedelta(days=20))
    names = {billing.note.pk: "new", old.pk: "old"}
    got = {names[i] for i in _unbilled_ids(billing, **filters) if i in names}
    assert got == expected


def test_filters_by_location_and_clinician(billing, other_clinic):
    clinic = billing.clinic
    ids = _unbilled_ids(billing, location_id=clinic.location.pk, clinician_id=clinic.therapist.pk)
    assert billing.note.pk in ids
    assert _unbilled_ids(billing, clinician_id=clinic.owner.pk) == []


def test_sorted_by_date_either_way(billing):
    old = signed_note(billing.clinic, TODAY - dt.timedelta(days=20))
    assert _unbilled_ids(billing, sort="date")[0] == old.pk
    assert _unbilled_ids(billing, sort="-date")[-1] == old.pk


def test_bulk_create_makes_each_passing_claim_and_lists_the_refused_note(billing):
    # given two passing notes and the persona's note the scrubber refuses (doc.no-goal)
    clinic = billing.clinic
    second = signed_note(clinic, TODAY - dt.timedelta(days=10))
    client = client_for(clinic.biller)
    # when the biller ticks all three and presses "Create claims"
    response = _post(client, billing.note.pk, second.pk, clinic.signed_note.pk)
    # then two claims exist, the refusal undid nothing else, and the biller lands on the list
    assert response.status_code == 302
    assert response["Location"] == "/claims/refused/"
    assert set(Claim.objects.values_list("note_id", flat=True)) == {billing.note.pk, second.pk}
    refusal = ChargeRefusal.objects.get()
    assert refusal.note_id == clinic.signed_note.pk
    assert "doc.no-goal" in {f["rule"] for f in refusal.errors}
    page = client.get("/claims/refused/").content.decode()
    assert "doc.no-goal" in page
    assert f"/notes/{clinic.signed_note.pk}/" in page  # the note's block is where it is fixed
    assert _unbilled_ids(billing) == [clinic.signed_note.pk]


def test_posting_create_claims_twice_makes_no_second_claim(billing):
    client = client_for(billing.clinic.biller)
    _post(client, billing.note.pk)
    first = Claim.objects.get()
    response = _post(client, billing.note.pk)
    assert response.status_code == 302
    assert list(Claim.objects.values_list("pk", flat=True)) == [first.pk]
    outcome = do_create_claims_from_notes(billing.actor, [billing.note.pk])
    assert outcome.created == []
    assert [c.pk for c in outcome.already_billed] == [first.pk]


def test_the_list_empties_when_the_chart_is_fixed_and_claims_are_created(billing):
    # given a patient with no street address: the scrubber refuses, the fix is on the chart
    patient = billing.clinic.patient
    Patient.objects.filter(pk=patient.pk).update(address_line1="", city="", state="", zip="")
    client = client_for(billing.clinic.biller)
    _post(client, billing.note.pk)
    refusal = ChargeRefusal.objects.get(note=billing.note)
    assert "format.patient-address" in {f["rule"] for f in refusal.errors}
    # the biller is sent to the chart (who may edit it is said); the owner to the very screen
    page = client.get("/claims/refused/").content.decode()
    assert f'href="/patients/{patient.pk}/"' in page
    assert "Fixed on the chart" in page
    owner_page = client_for(billing.clinic.owner).get("/claims/refused/").content.decode()
    assert "Fix the patient&#x27;s details" in owner_page
    # when the address is entered and "Create claims" is pressed on the refused list
    Patient.objects.filter(pk=patient.pk).update(
        address_line1="12 Elm St", city="Springfield", state="IL", zip="62704"
    )
    response = _post(client, billing.note.pk, back="refused")
    # then the claim is made and the list is empty
    assert response["Location"] == "/claims/refused/"
    assert Claim.objects.filter(note=billing.note, origin=Origin.NOTE).exists()
    assert not ChargeRefusal.objects.exists()
    assert "No refused notes." in client.get("/claims/refused/").content.decode()


def test_select_all_on_the_filter_bills_every_matching_note(billing):
    old = signed_note(billing.clinic, TODAY - dt.timedelta(days=20))
    client = client_for(billing.clinic.biller)
    _post(client, all="1", to=(TODAY - dt.timedelta(days=5)).isoformat())
    assert list(Claim.objects.values_list("note_id", flat=True)) == [old.pk]


def test_the_queue_page_is_dense_filtered_audited_and_flat_in_queries(billing):
    client = client_for(billing.clinic.biller)
    with CaptureQueriesContext(connection) as one:
        assert client.get("/claims/unbilled/").status_code == 200
    for days_ago in (10, 11, 12, 13):
        signed_note(billing.clinic, TODAY - dt.timedelta(days=days_ago))
    with CaptureQueriesContext(connection) as five:
        page = client.get("/claims/unbilled/?sort=-patient").content.decode()
    assert len(five) == len(one)
    assert page.count('name="note"') == 6
    assert AuditEvent.objects.filter(object_type="charge_queue").count() == 2


@pytest.mark.parametrize(
    "query", ["from=2026-13-01", "location=x", "sort=nope", "clinician=-1"], ids=str
)
def test_bad_filters_are_a_clear_400(billing, query):
    response = client_for(billing.clinic.biller).get(f"/claims/unbilled/?{query}")
    assert response.status_code == 400


def test_only_billers_and_owners_see_the_queue(billing):
    clinic = billing.clinic
    assert client_for(clinic.therapist).get("/claims/unbilled/").status_code == 403
    assert _post(client_for(clinic.therapist), billing.note.pk).status_code == 403
    assert not Claim.objects.exists()


def test_another_organisations_note_is_refused_not_billed(billing, other_clinic):
    outcome = do_create_claims_from_notes(billing.actor, [other_clinic.note.pk])
    assert list(outcome.refused) == [other_clinic.note.pk]
    assert not Claim.objects.exists()
    assert not ChargeRefusal.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL (DATABASE_URL): SQLite serialises writers by itself",
)
def test_two_bulk_creations_at_once_make_one_claim_per_note(billing):
    second = signed_note(billing.clinic, TODAY - dt.timedelta(days=10))
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def create() -> None:
        try:
            barrier.wait()
            do_create_claims_from_notes(billing.actor, [billing.note.pk, second.pk])
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(Claim.objects.values_list("note_id", flat=True)) == sorted(
        [billing.note.pk, second.pk]
    )
