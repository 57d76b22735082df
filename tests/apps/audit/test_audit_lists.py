"""Patient lists and searches are audit events: who saw which patients' names (ADR 0212)."""

import pytest

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.chain import search_digest
from cleannote.apps.audit.models import AuditAction, AuditEvent, AuditShownPatient
from cleannote.apps.audit.selectors import verify_chain
from cleannote.apps.organisations import audit_views

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


# --- keyset pages of the audit page (ADR 0836) --------------------------------------------------


def _ids(page: str) -> list[int]:
    """The event ids a page lists, in its order (each row's object id is the chart viewed)."""
    return [int(chunk.split('"', 1)[0]) for chunk in page.split('data-event="')[1:]]


def test_the_audit_page_pages_by_event_id_without_counting_the_log(
    clinic, login, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(audit_views, "PAGE_SIZE", 3)
    owner = login(clinic.owner)
    for _ in range(4):
        owner.get(f"/patients/{clinic.patient.pk}/")
    every = list(
        AuditEvent.objects.filter(organisation=clinic.organisation)
        .order_by("-pk")
        .values_list("pk", flat=True)
    )
    newest = owner.get("/audit/").content.decode()
    # the newest 3 (the page's own view is written after it reads), a link to older ones only
    assert _ids(newest) == every[:3]
    assert f"before={every[2]}" in newest
    assert "after=" not in newest
    older = owner.get(f"/audit/?patient=&before={every[2]}").content.decode()
    assert _ids(older) == every[3:6]
    assert f"after={every[3]}" in older
    back = owner.get(f"/audit/?patient=&after={every[3]}").content.decode()
    assert _ids(back) == every[:3]
    # no COUNT(*) over the log whatever its length: the only count is of the patients each
    # listed event showed, read for the page's ids (ADR 0870)
    with django_assert_max_num_queries(12) as captured:
        owner.get(f"/audit/?before={every[2]}")
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert all('FROM "audit_auditshownpatient"' in sql and " IN (" in sql for sql in counts)


def test_a_patients_audit_pages_merge_its_records_and_the_lists_that_showed_it(
    clinic, login, monkeypatch
):
    monkeypatch.setattr(audit_views, "PAGE_SIZE", 2)
    login(clinic.front_desk).get("/patients/")  # a list that showed the patient
    owner = login(clinic.owner)
    owner.get(f"/patients/{clinic.patient.pk}/")  # the chart itself
    about = set(
        AuditEvent.objects.filter(
            organisation=clinic.organisation, patient_id=clinic.patient.pk
        ).values_list("pk", flat=True)
    ) | set(
        AuditShownPatient.objects.filter(patient_id=clinic.patient.pk).values_list(
            "event_id", flat=True
        )
    )
    expected = sorted(about, reverse=True)
    first = owner.get(f"/audit/?patient={clinic.patient.pk}").content.decode()
    assert _ids(first) == expected[:2]
    rest = owner.get(f"/audit/?patient={clinic.patient.pk}&before={expected[1]}").content.decode()
    assert _ids(rest) == expected[2:4]


def test_the_audit_page_counts_the_patients_a_list_showed_without_reading_them(
    clinic, login, django_assert_max_num_queries
):
    # given a worklist's event that named 300 patients (ADR 0870)
    actor = Actor(user=clinic.owner.user, organisation=clinic.organisation)
    do_record_audit_event(
        actor, AuditAction.LIST, "claims", "worklist", shown_patient_ids=list(range(1, 301))
    )
    owner = login(clinic.owner)
    # when the owner reads the log, then the page says how many, in a fixed number of queries
    with django_assert_max_num_queries(12) as captured:
        page = owner.get("/audit/").content.decode()
    assert "claims worklist (300 patients shown)" in page
    shown = [q for q in captured.captured_queries if "audit_auditshownpatient" in q["sql"]]
    assert len(shown) == 1
    assert "COUNT(" in shown[0]["sql"].upper()
