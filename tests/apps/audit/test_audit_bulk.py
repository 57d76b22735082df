"""Many audit events appended at once extend the chain exactly as one call per event does."""

import pytest

from cleannote.apps.audit.actions import Actor, do_record_audit_event, do_record_audit_events
from cleannote.apps.audit.models import AuditAction, AuditChainHead, AuditEvent
from cleannote.apps.audit.selectors import verify_chain

pytestmark = pytest.mark.django_db


def test_bulk_events_follow_the_chain_and_verify(clinic, django_assert_num_queries):
    actor = Actor(user=clinic.biller.user, organisation=clinic.organisation)
    do_record_audit_event(actor, AuditAction.VIEW, "patient", clinic.patient.pk)
    before = AuditChainHead.objects.get(organisation=clinic.organisation)

    # when three claims' events are appended together: lock, insert, move the head
    with django_assert_num_queries(3):
        events = do_record_audit_events(
            actor, AuditAction.CREATE, "claim", [(11, clinic.patient.pk), (12, None), (13, None)]
        )

    # then they follow the head in order, each hashed on the one before, and the chain verifies
    head = AuditChainHead.objects.get(organisation=clinic.organisation)
    rows = list(AuditEvent.objects.filter(sequence__gt=before.sequence).order_by("sequence"))
    assert [(e.object_id, e.patient_id) for e in rows] == [
        ("11", clinic.patient.pk), ("12", None), ("13", None)
    ]  # fmt: skip
    assert rows[0].prev_hash == before.last_hash
    assert [e.hash for e in rows] == [e.hash for e in events]
    assert (head.sequence, head.last_hash) == (before.sequence + 3, rows[-1].hash)
    assert verify_chain(clinic.organisation) is None
    do_record_audit_event(actor, AuditAction.VIEW, "patient", clinic.patient.pk)
    assert verify_chain(clinic.organisation) is None


def test_no_events_touch_nothing(clinic, django_assert_num_queries):
    actor = Actor(user=clinic.biller.user, organisation=clinic.organisation)
    with django_assert_num_queries(0):
        assert do_record_audit_events(actor, AuditAction.CREATE, "claim", []) == []
