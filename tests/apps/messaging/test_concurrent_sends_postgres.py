"""On PostgreSQL, two workers running the same send task at the same moment send the message
once (ADR 0640): the claim is a conditional update, and the loser finds no queued row."""

from __future__ import annotations

import os
import threading

import pytest
from django.core import mail
from django.db import connection

from cleannote.apps.audit.actions import Actor
from cleannote.apps.messaging import actions
from cleannote.apps.messaging.actions import do_queue_message, send_message
from cleannote.apps.messaging.models import MessageStatus, OutboundMessage

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="needs PostgreSQL (DATABASE_URL): SQLite serialises writers itself",
    ),
]


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_send_once(clinic, monkeypatch):
    message = do_queue_message(
        Actor(user=clinic.front_desk.user, organisation=clinic.organisation),
        channel="email",
        to="pat@example.com",
        body="Hi Pat, see you Tuesday.",
        purpose="reminder",
        idempotency_key="race:1",
    )
    carried: list[int] = []
    both_in = threading.Barrier(2)
    real_claim = actions._claim

    def claim_together(message_id: int):
        both_in.wait(timeout=10)  # both workers reach the claim at once
        return real_claim(message_id)

    def carry(row: OutboundMessage) -> None:
        carried.append(row.pk)

    monkeypatch.setattr(actions, "_claim", claim_together)
    monkeypatch.setattr(actions, "_carry", carry)
    results: list[str] = []

    def worker() -> None:
        try:
            results.append(send_message(message.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert carried == [message.pk]
    # The loser answers the row's status as it found it: still sending, or already sent.
    assert len(results) == 2
    assert MessageStatus.SENT in results
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SENT, 1)
    assert mail.outbox == []
