"""Claim pages: billers and owners only, one organisation, audited, a flat worklist."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.claims.models import Batch, Claim, ClaimStatus
from tests.apps.claims.conftest import another_claim, new_claim
from tests.personas import client_for


def _worklist_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/claims/")
    assert response.status_code == 200
    return len(queries)


def test_worklist_query_count_does_not_grow_with_claims(billing):
    client = client_for(billing.clinic.biller)
    new_claim(billing)
    one = _worklist_queries(client)
    for days_ago in range(4, 8):  # a note is billed once: four more notes, four more claims
        another_claim(billing, days_ago)
    assert Claim.objects.count() == 5
    assert _worklist_queries(client) == one


def test_worklist_shows_claims_with_their_findings_and_filters(billing):
    claim = new_claim(billing)
    client = client_for(billing.clinic.biller)
    page = client.get("/claims/").content.decode()
    assert claim.patient_control_number in page
    assert "doc.missing-elements" in page
    assert claim.patient_control_number not in client.get("/claims/?status=paid").content.decode()
    assert claim.patient_control_number in client.get("/claims/?payer=MCR").content.decode()
    other_location = f"/claims/?location={billing.clinic.location.pk + 1000}"
    assert claim.patient_control_number not in client.get(other_location).content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [("biller", 200), ("owner", 200), ("therapist", 403), ("front_desk", 403)],
    ids=["biller", "owner", "therapist", "front-desk"],
)
def test_only_billers_and_owners_see_claims(billing, who, status):
    claim = new_claim(billing)
    client = client_for(getattr(billing.clinic, who))
    assert client.get("/claims/").status_code == status
    assert client.get(f"/claims/{claim.pk}/").status_code == status


def test_another_organisations_claim_is_404(billing, other_clinic):
    from cleannote.apps.organisations.actions import do_create_staff
    from cleannote.apps.organisations.models import Role

    claim = new_claim(billing)
    stranger = do_create_staff(
        other_clinic.organisation, username="hank", password="x" * 12, first_name="Hank",
        last_name="Harbor", role=Role.BILLER,
    )  # fmt: skip
    client = client_for(stranger)
    assert client.get(f"/claims/{claim.pk}/").status_code == 404
    assert client.post(f"/claims/{claim.pk}/ready/").status_code == 404


def test_viewing_a_claim_is_audited_under_the_patient(billing):
    claim = new_claim(billing)
    client_for(billing.clinic.biller).get(f"/claims/{claim.pk}/")
    event = AuditEvent.objects.filter(action="view", object_type="claim").get()
    assert (event.object_id, event.patient_id) == (str(claim.pk), billing.clinic.patient.pk)


def test_create_claim_button_on_a_signed_note(billing):
    client = client_for(billing.clinic.biller)
    note_page = client.get(f"/notes/{billing.note.pk}/").content.decode()
    assert 'id="create-claim"' in note_page
    response = client.post(f"/claims/from-note/{billing.note.pk}/")
    claim = Claim.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/claims/{claim.pk}/"


def test_refused_note_shows_the_error_findings(billing):
    client = client_for(billing.clinic.biller)
    response = client.post(f"/claims/from-note/{billing.clinic.signed_note.pk}/", follow=True)
    page = response.content.decode()
    assert "doc.no-goal" in page
    assert not Claim.objects.exists()


def test_therapist_sees_no_create_claim_button(billing):
    page = client_for(billing.clinic.therapist).get(f"/notes/{billing.note.pk}/").content.decode()
    assert 'id="create-claim"' not in page


def test_mark_ready_then_build_batch_from_the_claim_page(billing):
    claim = new_claim(billing)
    client = client_for(billing.clinic.biller)
    client.post(f"/claims/{claim.pk}/ready/")
    response = client.post(f"/claims/{claim.pk}/batch/", follow=True)
    claim.refresh_from_db()
    batch = Batch.objects.get()
    assert claim.status == ClaimStatus.IN_BATCH
    assert batch.filed_at is not None
    assert batch.file_name in response.content.decode()
    download = client.get(f"/claims/batches/{batch.pk}/file/")
    assert download.content == batch.content.encode("ascii")


def test_a_refused_action_is_a_message_not_an_error_page(billing):
    claim = new_claim(billing)
    response = client_for(billing.clinic.biller).post(f"/claims/{claim.pk}/void/", follow=True)
    assert response.status_code == 200
    assert "only a claim the payer has taken can be voided" in response.content.decode()


def test_actions_need_post(billing):
    claim = new_claim(billing)
    assert client_for(billing.clinic.biller).get(f"/claims/{claim.pk}/ready/").status_code == 405
