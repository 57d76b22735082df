"""Organisation scoping (another clinic's records answer 404) and what each role may do."""

import pytest

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.notes.actions import (
    do_add_addendum,
    do_add_treatment_block,
    do_sign_note,
    do_update_note,
)
from cleannote.apps.notes.errors import NoteStateError

pytestmark = pytest.mark.django_db


def test_another_organisations_patient_and_note_answer_404(clinic, other_clinic, login):
    # given the owner of one clinic (who may see everything in it)
    client = login(clinic.owner)
    # when they ask for the other clinic's records by id
    # then those records do not exist for them
    assert client.get(f"/patients/{other_clinic.patient.pk}/").status_code == 404
    assert client.get(f"/notes/{other_clinic.note.pk}/").status_code == 404
    assert client.get(f"/patients/{clinic.patient.pk}/").status_code == 200


def test_patient_list_and_search_stay_in_the_organisation(clinic, other_clinic, login):
    client = login(clinic.front_desk)
    listing = client.get("/patients/").content.decode()
    assert "Example, Pat" in listing
    assert "Elsewhere, Hal" not in listing
    assert "Elsewhere, Hal" not in client.get("/patients/?q=Elsewhere").content.decode()
    assert "Example, Pat" in client.get("/patients/?q=exam").content.decode()


def test_audit_page_shows_only_own_organisation(clinic, other_clinic, login):
    page = login(clinic.owner).get("/audit/").content.decode()
    assert "hugo" not in page
    assert "theo" in page


@pytest.mark.parametrize(
    ("persona", "url", "status"),
    [
        pytest.param("front_desk", "note", 403, id="front-desk-no-notes"),
        pytest.param("front_desk", "register", 200, id="front-desk-registers"),
        pytest.param("front_desk", "audit", 403, id="front-desk-no-audit"),
        pytest.param("biller", "note", 200, id="biller-reads-notes"),
        pytest.param("biller", "register", 403, id="biller-does-not-register"),
        pytest.param("biller", "audit", 403, id="biller-no-audit"),
        pytest.param("therapist", "note", 200, id="therapist-reads-notes"),
        pytest.param("therapist", "register", 403, id="therapist-does-not-register"),
        pytest.param("therapist", "audit", 403, id="therapist-no-audit"),
        pytest.param("assistant", "note", 200, id="assistant-reads-notes"),
        pytest.param("owner", "note", 200, id="owner-reads-notes"),
        pytest.param("owner", "register", 200, id="owner-registers"),
        pytest.param("owner", "audit", 200, id="owner-reviews-audit"),
    ],
)
def test_role_limits(clinic, login, persona, url, status):
    paths = {
        "note": f"/notes/{clinic.signed_note.pk}/",
        "register": "/patients/new/",
        "audit": "/audit/",
    }
    assert login(getattr(clinic, persona)).get(paths[url]).status_code == status


def test_front_desk_chart_has_no_clinical_sections(clinic, login):
    page = login(clinic.front_desk).get(f"/patients/{clinic.patient.pk}/").content.decode()
    assert "Coverage" in page
    assert "Referrals" in page
    assert "Plan of care" not in page
    assert f"/notes/{clinic.signed_note.pk}/" not in page


def test_biller_chart_shows_notes(clinic, login):
    page = login(clinic.biller).get(f"/patients/{clinic.patient.pk}/").content.decode()
    assert f"/notes/{clinic.signed_note.pk}/" in page
    assert "Plan of care" in page


def test_biller_never_edits_a_note(clinic):
    actor = Actor(user=clinic.biller.user, organisation=clinic.organisation)
    with pytest.raises(NoteStateError, match="role biller may not write notes"):
        do_update_note(actor, clinic.draft_note, assessment="changed")
    with pytest.raises(NoteStateError, match="role biller may not write notes"):
        do_add_treatment_block(actor, clinic.draft_note, code="97140", minutes=8)
    with pytest.raises(NoteStateError, match="role biller may not write notes"):
        do_sign_note(actor, clinic.draft_note, clinic.biller)
    with pytest.raises(NoteStateError, match="role biller may not write notes"):
        do_add_addendum(actor, clinic.signed_note, clinic.biller, "text")


def test_user_without_staff_profile_is_refused(db, django_user_model, client):
    user = django_user_model.objects.create_user("stray", password="x")
    client.force_login(user)
    assert client.get("/").status_code == 403


@pytest.mark.parametrize(
    ("persona", "record", "action"),
    [
        pytest.param("owner", "other_patient", "not_found", id="other-clinics-patient-404"),
        pytest.param("owner", "other_note", "not_found", id="other-clinics-note-404"),
        pytest.param("front_desk", "own_note", "forbidden", id="front-desk-note-403"),
    ],
)
def test_refused_record_access_is_audited_without_phi(
    clinic, other_clinic, login, persona, record, action
):
    paths = {
        "other_patient": ("patient", other_clinic.patient.pk, "/patients/{}/"),
        "other_note": ("note", other_clinic.note.pk, "/notes/{}/"),
        "own_note": ("note", clinic.signed_note.pk, "/notes/{}/"),
    }
    kind, pk, path = paths[record]
    staff = getattr(clinic, persona)
    login(staff).get(path.format(pk))
    event = AuditEvent.objects.filter(organisation=clinic.organisation).last()
    assert (event.action, event.object_type, event.object_id) == (action, kind, str(pk))
    assert (event.actor_username, event.ip_address, event.patient_id) == (
        staff.user.username,
        "10.1.2.3",
        None,
    )
    assert "Elsewhere" not in str(event.canonical())
    # the other clinic's chain learns nothing of it
    assert not AuditEvent.objects.filter(
        organisation=other_clinic.organisation, action=action
    ).exists()


def test_a_missing_page_that_is_not_a_record_is_not_an_audit_event(clinic, login):
    before = AuditEvent.objects.count()
    assert login(clinic.owner).get("/no-such-page/").status_code == 404
    assert AuditEvent.objects.count() == before
