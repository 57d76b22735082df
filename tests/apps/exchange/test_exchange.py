"""The exchange with clearinghouses: the outbox takes plain names only, and control numbers are
never handed out twice, whatever the number of workers (ADR 0112, 0402)."""

from __future__ import annotations

import os
import threading

import pytest
from django.db import connection

from cleannote.apps.exchange.actions import next_control_number
from cleannote.apps.exchange.clearinghouse import OutboxFolderAdapter


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
