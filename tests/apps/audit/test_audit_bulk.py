"""Many audit events appended at once extend the chain exactly as one call per event does."""

import pytest
from django.db import transaction

from cleannote.apps.audit.actions import Actor, do_record_audit_event, do_record_audit_events
from cleannote.apps.audit.chaining import chain_pending_events
from cleannote.apps.audit.models import AuditAction, AuditChainHead, AuditEvent
from cleannote.apps.audit.selectors import verify_chain

pytestmark = pytest.mark.django_db


def test_bulk_events_follow_the_chain_and_verify(
    clinic, django_assert_num_queries, django_capture_on_commit_callbacks
):
    actor = Actor(user=clinic.biller.user, organisation=clinic.organisation)
    do_record_audit_event(actor, AuditAction.VIEW, "patient", clinic.patient.pk)
    chain_pending_events(clinic.organisation.pk)
    before = AuditChainHead.objects.get(organisation=clinic.organisation)

    # when three claims' events are appended together inside a bulk action's transaction:
    # one insert, and no lock on the chain head (ADR 0830)
    with (
        django_capture_on_commit_callbacks() as linking,
        transaction.atomic(),
        django_assert_num_queries(1),
    ):
        events = do_record_audit_events(
            actor,
            AuditAction.CREATE,
            "claim",
            [(11, clinic.patient.pk), (12, None), (13, None)],
        )
    assert AuditChainHead.objects.get(organisation=clinic.organisation).sequence == before.sequence
    assert all(e.sequence is None for e in AuditEvent.objects.filter(pk__in=[e.pk for e in events]))
    # and the chaining task queued for the commit runs
    assert len(linking) == 1
    linking[0]()

    # then they follow the head in order, each hashed on the one before, and the chain verifies
    head = AuditChainHead.objects.get(organisation=clinic.organisation)
    rows = list(AuditEvent.objects.filter(sequence__gt=before.sequence).order_by("sequence"))
    assert [(e.object_id, e.patient_id) for e in rows] == [
        ("11", clinic.patient.pk), ("12", None), ("13", None)
    ]  # fmt: skip
    assert [e.pk for e in rows] == [e.pk for e in events]
    assert rows[0].prev_hash == before.last_hash
    assert [e.prev_hash for e in rows[1:]] == [e.hash for e in rows[:-1]]
    assert (head.sequence, head.last_hash) == (before.sequence + 3, rows[-1].hash)
    assert verify_chain(clinic.organisation) is None
    do_record_audit_event(actor, AuditAction.VIEW, "patient", clinic.patient.pk)
    assert verify_chain(clinic.organisation) is None


def test_the_chaining_task_is_idempotent(clinic):
    # given every pending event linked
    chain_pending_events(clinic.organisation.pk)
    head = AuditChainHead.objects.get(organisation=clinic.organisation)
    # when the task runs again (a retried job, a second worker)
    assert chain_pending_events(clinic.organisation.pk) == 0
    # then nothing moved
    again = AuditChainHead.objects.get(organisation=clinic.organisation)
    assert (again.sequence, again.last_hash, again.anchor) == (
        head.sequence, head.last_hash, head.anchor
    )  # fmt: skip
    assert not AuditEvent.objects.filter(
        organisation=clinic.organisation, sequence__isnull=True
    ).exists()


def test_events_are_linked_in_batches_in_the_order_written(clinic):
    actor = Actor(user=clinic.biller.user, organisation=clinic.organisation)
    with transaction.atomic():
        written = do_record_audit_events(
            actor, AuditAction.CREATE, "claim", [(n, None) for n in range(7)]
        )
    pending = AuditEvent.objects.filter(organisation=clinic.organisation, sequence__isnull=True)
    total = pending.count()
    # when the task links three at a time
    assert chain_pending_events(clinic.organisation.pk, limit=3) == total
    # then the events follow the order they were written, and the chain verifies
    linked = list(
        AuditEvent.objects.filter(pk__in=[e.pk for e in written])
        .order_by("sequence")
        .values_list("object_id", flat=True)
    )
    assert linked == [str(n) for n in range(7)]
    assert verify_chain(clinic.organisation) is None


def test_no_events_touch_nothing(clinic, django_assert_num_queries):
    actor = Actor(user=clinic.biller.user, organisation=clinic.organisation)
    with django_assert_num_queries(0):
        assert do_record_audit_events(actor, AuditAction.CREATE, "claim", []) == []
