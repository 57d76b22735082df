"""The audit log: written on every view and change, hash-chained, tamper-evident."""

import io
import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from cleannote.apps.audit.actions import Actor, do_record_access_event, do_record_audit_event
from cleannote.apps.audit.chain import chain_hash, head_anchor, key_fingerprint
from cleannote.apps.audit.models import GENESIS_HASH, AuditAction, AuditChainHead, AuditEvent
from cleannote.apps.audit.selectors import verify_chain

pytestmark = pytest.mark.django_db


def test_viewing_a_chart_writes_who_what_and_from_where(clinic, login):
    # when the therapist opens the chart
    login(clinic.therapist).get(f"/patients/{clinic.patient.pk}/")
    # then the newest event says so, with the address and no PHI
    event = AuditEvent.objects.filter(organisation=clinic.organisation).last()
    assert (event.actor_username, event.action, event.object_type, event.object_id) == (
        "theo",
        "view",
        "patient",
        str(clinic.patient.pk),
    )
    assert event.patient_id == clinic.patient.pk
    assert event.ip_address == "10.1.2.3"
    assert "Example" not in str(event.canonical())


def test_viewing_a_note_is_audited(clinic, login):
    login(clinic.biller).get(f"/notes/{clinic.signed_note.pk}/")
    event = AuditEvent.objects.filter(organisation=clinic.organisation).last()
    assert (event.actor_username, event.action, event.object_type) == ("bill", "view", "note")


def test_changes_are_audited(clinic):
    # the fixture registered a patient, added a plan, created and signed notes
    kinds = set(
        AuditEvent.objects.filter(organisation=clinic.organisation).values_list(
            "action", "object_type"
        )
    )
    assert {
        ("create", "patient"),
        ("create", "coverage"),
        ("create", "case"),
        ("create", "referral"),
        ("create", "plan_of_care"),
        ("create", "note"),
        ("update", "note"),
        ("sign", "note"),
    } <= kinds


def test_chain_links_each_row_to_the_one_before(clinic, link):
    link()
    events = list(AuditEvent.objects.filter(organisation=clinic.organisation).order_by("sequence"))
    assert events[0].prev_hash == GENESIS_HASH
    assert [e.sequence for e in events] == list(range(1, len(events) + 1))
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
    assert events[-1].hash == chain_hash(events[-1].prev_hash, events[-1].canonical())
    head = AuditChainHead.objects.get(organisation=clinic.organisation)
    assert (head.sequence, head.last_hash) == (events[-1].sequence, events[-1].hash)


def test_intact_chain_verifies(clinic, other_clinic, link):
    link()
    assert verify_chain(clinic.organisation) is None
    assert verify_chain(other_clinic.organisation) is None


def test_each_organisation_has_its_own_chain(clinic, other_clinic, link):
    link()
    first = AuditEvent.objects.filter(organisation=other_clinic.organisation).order_by("sequence")[
        0
    ]
    assert (first.sequence, first.prev_hash) == (1, GENESIS_HASH)


def test_edited_row_is_detected(clinic, link):
    link()
    # given someone rewrites who viewed a record, straight in the database
    target = AuditEvent.objects.filter(organisation=clinic.organisation).order_by("sequence")[3]
    AuditEvent.objects.filter(pk=target.pk).update(actor_username="someone-else")
    # then verification stops at that row
    broken = verify_chain(clinic.organisation)
    assert (broken.sequence, broken.event_id) == (target.sequence, target.pk)
    assert broken.problem == "content does not match its hash"


def test_rehashed_edit_is_detected_at_the_next_row(clinic, link):
    link()
    events = list(AuditEvent.objects.filter(organisation=clinic.organisation).order_by("sequence"))
    target = events[2]
    target.actor_username = "someone-else"
    new_hash = chain_hash(target.prev_hash, target.canonical())
    AuditEvent.objects.filter(pk=target.pk).update(actor_username="someone-else", hash=new_hash)
    broken = verify_chain(clinic.organisation)
    assert broken.sequence == events[3].sequence
    assert broken.problem == "does not point at the row before it"


def test_deleted_middle_row_is_detected(clinic, link):
    link()
    target = AuditEvent.objects.filter(organisation=clinic.organisation).order_by("sequence")[4]
    AuditEvent.objects.filter(pk=target.pk)._raw_delete(using="default")
    broken = verify_chain(clinic.organisation)
    assert (broken.sequence, broken.problem) == (target.sequence, "row missing from the chain")


def test_deleted_newest_rows_are_detected_through_the_head(clinic, link):
    link()
    newest = AuditEvent.objects.filter(organisation=clinic.organisation).order_by("-sequence")[0]
    AuditEvent.objects.filter(pk=newest.pk)._raw_delete(using="default")
    broken = verify_chain(clinic.organisation)
    assert (broken.sequence, broken.problem) == (
        newest.sequence,
        "rows after this point were removed",
    )


def _verify_from_the_page(client, scope: str = "full") -> str:
    """Queue a verification from the audit page (it runs at once without REDIS_URL), then
    read its result there."""
    response = client.post("/audit/verify/", {"scope": scope})
    assert response.status_code == 302
    return client.get("/audit/").content.decode()


def test_owner_audit_page_verifies_and_reports_a_break(clinic, login, link):
    link()
    client = login(clinic.owner)
    assert "This chain has not been verified yet" in client.get("/audit/").content.decode()
    assert "Chain intact" in _verify_from_the_page(client)
    target = AuditEvent.objects.filter(organisation=clinic.organisation).order_by("sequence")[1]
    AuditEvent.objects.filter(pk=target.pk).update(object_id="999")
    page = _verify_from_the_page(client)
    assert f"Chain broken at event {target.sequence}" in page


def test_the_audit_page_never_verifies_on_its_own(clinic, login, link):
    # given a verified chain, then an edited row
    link()
    client = login(clinic.owner)
    _verify_from_the_page(client)
    target = AuditEvent.objects.filter(organisation=clinic.organisation).order_by("sequence")[1]
    AuditEvent.objects.filter(pk=target.pk).update(object_id="999")
    # then opening the page shows the last result and walks no chain
    page = client.get("/audit/").content.decode()
    assert "Chain intact" in page
    # and verifying the new events only checks from where the last check ended, against the
    # row it ended on, so the whole-chain check is what catches an edit further back
    assert "Chain intact" in _verify_from_the_page(client, "new")
    assert f"Chain broken at event {target.sequence}" in _verify_from_the_page(client, "full")


def test_the_audit_page_refuses_a_get_to_verify(clinic, login):
    assert login(clinic.owner).get("/audit/verify/").status_code == 405


def test_audit_page_filters_by_patient_id(clinic, other_clinic, login):
    page = login(clinic.owner).get(f"/audit/?patient={clinic.patient.pk}").content.decode()
    assert f"?patient={clinic.patient.pk}" in page


def test_events_recorded_in_a_rolled_back_change_vanish_with_it(clinic):
    before = AuditEvent.objects.count()
    actor = Actor(user=clinic.owner.user, organisation=clinic.organisation)

    def failed_export():
        with transaction.atomic():
            do_record_audit_event(actor, AuditAction.EXPORT, "claim", 1)
            raise RuntimeError("the export failed")

    with pytest.raises(RuntimeError):
        failed_export()
    assert AuditEvent.objects.count() == before
    assert verify_chain(clinic.organisation) is None


def _rewrite_from(organisation, index: int) -> None:
    """What someone with database access alone can do: edit a row, re-link every row after it
    and move the head to match."""
    events = list(AuditEvent.objects.filter(organisation=organisation).order_by("sequence"))
    prev = events[index].prev_hash
    for number, event in enumerate(events[index:]):
        if number == 0:
            event.actor_username = "someone-else"
        event.prev_hash = prev
        event.hash = chain_hash(prev, event.canonical())
        AuditEvent.objects.filter(pk=event.pk).update(
            actor_username=event.actor_username, prev_hash=event.prev_hash, hash=event.hash
        )
        prev = event.hash
    AuditChainHead.objects.filter(organisation=organisation).update(last_hash=prev)


def test_a_chain_rewritten_in_the_database_is_caught_by_the_anchor(clinic, link):
    link()
    # given the chain rewritten from its third row on, head included, without the audit key
    _rewrite_from(clinic.organisation, 2)
    # then every link holds, but the head no longer matches its keyed anchor
    broken = verify_chain(clinic.organisation)
    assert broken is not None
    assert broken.problem.startswith("the head does not match its anchor")


def test_truncation_with_the_head_moved_back_is_caught_by_the_anchor(clinic, link):
    link()
    events = list(AuditEvent.objects.filter(organisation=clinic.organisation).order_by("sequence"))
    keep = events[:-2]
    AuditEvent.objects.filter(pk__in=[e.pk for e in events[-2:]])._raw_delete(using="default")
    AuditChainHead.objects.filter(organisation=clinic.organisation).update(
        sequence=keep[-1].sequence, last_hash=keep[-1].hash
    )
    assert verify_chain(clinic.organisation).problem.startswith(
        "the head does not match its anchor"
    )


def test_verification_under_another_key_fails(clinic, settings, link):
    link()
    assert verify_chain(clinic.organisation) is None
    settings.CLEANNOTE_AUDIT_KEY = "a different key"
    assert verify_chain(clinic.organisation).problem.endswith("or the audit key changed")


def test_the_head_is_anchored_with_the_audit_key(clinic, settings, link):
    link()
    head = AuditChainHead.objects.get(organisation=clinic.organisation)
    assert head.anchor == head_anchor(
        settings.CLEANNOTE_AUDIT_KEY, clinic.organisation.pk, head.sequence, head.last_hash
    )


def test_verify_page_says_which_anchor_and_key(clinic, login, settings, link):
    link()
    page = _verify_from_the_page(login(clinic.owner))
    assert "the head verified against the anchor key" in page
    assert "HMAC-SHA256 of the chain head" in page
    assert f"key fingerprint {key_fingerprint(settings.CLEANNOTE_AUDIT_KEY)}" in page
    assert settings.CLEANNOTE_AUDIT_KEY not in page
    _rewrite_from(clinic.organisation, 1)
    page = _verify_from_the_page(login(clinic.owner))
    assert "the head does not match its anchor" in page


def test_site_chain_for_events_of_no_organisation(db):
    first, second = (
        do_record_access_event(
            None,
            user=None,
            username="nobody",
            ip_address="10.0.0.1",
            action=action,
            object_type="session",
            object_id="",
        )
        for action in (AuditAction.SIGN_IN_FAILED, AuditAction.LOCKED_OUT)
    )
    # written outside any transaction: linked into the site chain at once
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.sequence, first.prev_hash, second.prev_hash) == (1, GENESIS_HASH, first.hash)
    assert AuditChainHead.objects.filter(organisation__isnull=True).count() == 1
    assert verify_chain(None) is None


def test_one_site_chain_head_only(db):
    AuditChainHead.objects.create(organisation=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditChainHead.objects.create(organisation=None)


def test_audit_verify_command_checks_every_chain_and_names_the_anchor(clinic, other_clinic, link):
    link()
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    text = out.getvalue()
    assert f"organisation {clinic.organisation.pk}: intact" in text
    assert f"organisation {other_clinic.organisation.pk}: intact" in text
    assert "site chain: intact, 0 events" in text
    assert "Heads checked against the anchor: HMAC-SHA256 of the chain head" in text
    _rewrite_from(clinic.organisation, 1)
    with pytest.raises(CommandError, match="1 audit chain"):
        call_command("audit_verify", stdout=io.StringIO())


def test_a_change_keeps_why_in_the_hashed_row(clinic, link):
    link()
    # given: a chart change recorded with the person's reason
    actor = Actor(user=clinic.owner.user, organisation=clinic.organisation)
    event = do_record_audit_event(
        actor,
        AuditAction.DELETE,
        "diagnosis",
        7,
        patient_id=clinic.patient.pk,
        reason="  entered  on the wrong case ",
    )
    # then the reason is kept (spaces collapsed), hashed, and the chain verifies
    assert event.reason == "entered on the wrong case"
    assert event.canonical()["reason"] == "entered on the wrong case"
    assert verify_chain(clinic.organisation) is None
    # and editing the reason afterwards breaks the chain
    AuditEvent.objects.filter(pk=event.pk).update(reason="no reason")
    assert verify_chain(clinic.organisation).event_id == event.pk
