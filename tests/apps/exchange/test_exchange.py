"""The exchange with clearinghouses: the outbox takes plain names only, and control numbers are
never handed out twice, whatever the number of workers (ADR 0112, 0402)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import threading

import pytest
from django.db import connection

from cleannote.apps.exchange.actions import next_control_number, open_envelope
from cleannote.apps.exchange.clearinghouse import OutboxFolderAdapter
from cleannote.edi.envelope import ControlNumbers


@pytest.mark.parametrize("name", ["../escape.x12", ".hidden", "a/b.x12", ""], ids=repr)
def test_outbox_refuses_names_that_are_not_plain_file_names(tmp_path, name):
    with pytest.raises(ValueError, match="is not a plain file name"):
        OutboxFolderAdapter(tmp_path).send(name, b"ISA")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL (DATABASE_URL): SQLite serialises writers by itself",
)
def test_two_workers_never_get_the_same_control_number(clinic):
    # given an organisation and two threads allocating at once
    from django.db import transaction

    organisation = clinic.organisation
    got: list[int] = []
    barrier = threading.Barrier(2)

    def allocate() -> None:
        try:
            barrier.wait()
            for _ in range(20):
                with transaction.atomic():
                    got.append(next_control_number(organisation, "CLEANNOTE"))
        finally:
            connection.close()

    threads = [threading.Thread(target=allocate) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then every number was handed out exactly once
    assert sorted(got) == list(range(1, 41))


@pytest.mark.django_db
def test_an_envelope_numbers_writes_and_stores_one_interchange(clinic):
    # given two envelopes of one organisation at a fixed time
    at = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
    first = open_envelope(clinic.organisation, at=at)
    second = open_envelope(clinic.organisation, at=at)
    # when a writer fills one
    seen: dict[str, object] = {}

    def writer(items, **options):
        seen.update(options, items=list(items))
        return b"ISA*...~"

    content = second.write(writer, iter([1, 2]))
    # then the numbers count up, the writer gets the envelope, and the stored fields match it
    assert (first.number, second.number) == (1, 2)
    assert seen["items"] == [1, 2]
    assert seen["usage"] == "T"
    assert seen["submitter"] == second.parties.submitter
    assert seen["control"] == ControlNumbers(2, 2, 2)
    assert second.stored(content) == {
        "content": "ISA*...~",
        "sha256": hashlib.sha256(b"ISA*...~").hexdigest(),
        "control_number": 2,
        "created_at": at,
    }
