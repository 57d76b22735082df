"""Patient lists and searches are audit events: who saw which patients' names (ADR 0212)."""

import pytest

from cleannote.apps.audit.chain import search_digest
from cleannote.apps.audit.models import AuditEvent, AuditShownPatient
from cleannote.apps.audit.selectors import verify_chain

pytestmark = pytest.mark.django_db


def _newest(organisation) -> AuditEvent:
    return AuditEvent.objects.filter(organisation=organisation).order_by("-sequence").first()


def test_the_patient_list_records_which_patients_it_showed(clinic, other_clinic, login):
    login(clinic.front_desk).get("/patients/")
    event = _newest(clinic.organisation)
    assert (event.action, event.object_type, event.actor_username) == (
        "list",
        "patient_list",
        "fran",
    )
    assert event.shown_patient_ids() == [clinic.patient.pk]
    assert event.search_digest == ""
    assert verify_chain(clinic.organisation) is None


def test_a_search_records_the_patients_found_and_a_keyed_hash_of_its_text(clinic, login, settings):
    login(clinic.front_desk).get("/patients/?q=Exam")
    event = _newest(clinic.organisation)
    assert event.action == "search"
    assert event.shown_patient_ids() == [clinic.patient.pk]
    # the text may be a name: only its keyed hash is kept, and the same words match it
    assert event.search_digest == search_digest(settings.CLEANNOTE_AUDIT_KEY, "  exam ")
    assert "Exam" not in str(event.canonical()).replace(event.search_digest, "")
    assert verify_chain(clinic.organisation) is None


def test_a_search_that_found_nobody_is_still_recorded(clinic, login):
    login(clinic.front_desk).get("/patients/?q=Nobody")
    event = _newest(clinic.organisation)
    assert (event.action, event.shown_patient_ids()) == ("search", [])


def test_the_shown_patients_are_covered_by_the_hash(clinic, login):
    login(clinic.front_desk).get("/patients/")
    event = _newest(clinic.organisation)
    AuditShownPatient.objects.filter(event=event).update(patient_id=999_999)
    broken = verify_chain(clinic.organisation)
    assert (broken.sequence, broken.problem) == (event.sequence, "content does not match its hash")


def test_filtering_the_audit_log_by_patient_shows_the_lists_that_named_them(clinic, login):
    login(clinic.front_desk).get("/patients/?q=exam")
    page = login(clinic.owner).get(f"/audit/?patient={clinic.patient.pk}").content.decode()
    assert "patient_list 1 (1 patient shown, search text kept as a keyed hash)" in page
