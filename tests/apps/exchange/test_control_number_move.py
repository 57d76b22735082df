"""The control-number counter moved from claims to exchange without touching a row (ADR 0402)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from cleannote.apps.exchange.actions import next_control_number
from cleannote.apps.exchange.models import ControlNumberCounter

BEFORE = [("claims", "0003_claim_finding_source_unbounded"), ("exchange", None)]


@pytest.mark.django_db(transaction=True)
def test_counters_written_before_the_move_are_kept_and_continue():
    # given the database as it was before the move, with a counter claims wrote
    executor = MigrationExecutor(connection)
    old = executor.migrate(BEFORE).apps
    organisation = old.get_model("organisations", "Organisation").objects.create(
        name="Before The Move"
    )
    old.get_model("claims", "ControlNumberCounter").objects.create(
        organisation=organisation, sender_id="CLEANNOTE", last=41
    )
    # when every migration runs
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    # then the row is the exchange's and the next number follows it
    counter = ControlNumberCounter.objects.get(organisation_id=organisation.pk)
    assert (counter.sender_id, counter.last) == ("CLEANNOTE", 41)
    with transaction.atomic():
        assert next_control_number(counter.organisation, "CLEANNOTE") == 42
