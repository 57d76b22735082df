"""Two writers at once never fork the audit chain (PostgreSQL: real row locks between
connections)."""

import threading

import pytest
from django.db import connection, connections

from cleannote.apps.audit.actions import Actor, do_record_audit_event
from cleannote.apps.audit.models import AuditAction, AuditEvent
from cleannote.apps.audit.selectors import verify_chain
from cleannote.apps.organisations.actions import do_create_organisation

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WRITERS = 4
EVENTS_EACH = 15


def test_concurrent_writers_keep_one_chain():
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL pointing at PostgreSQL")
    # given one organisation and several writers starting together
    organisation = do_create_organisation(
        name="Busy",
        npi="1234567893",
        tax_id="1",
        taxonomy="261QP2000X",
        address_line1="1 Main St",
        city="Springfield",
        state="IL",
        zip="62701",
    )
    start = threading.Barrier(WRITERS)
    errors = []

    def write(worker):
        try:
            start.wait()
            actor = Actor(user=None, organisation=organisation)
            for n in range(EVENTS_EACH):
                do_record_audit_event(actor, AuditAction.VIEW, "patient", f"{worker}-{n}")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(w,)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then every event landed on one unbroken chain
    assert errors == []
    sequences = list(
        AuditEvent.objects.filter(organisation=organisation)
        .order_by("sequence")
        .values_list("sequence", flat=True)
    )
    assert sequences == list(range(1, WRITERS * EVENTS_EACH + 1))
    assert verify_chain(organisation) is None
