"""Reports read from a streaming replica of the primary; writes never go there (ADR 0840).

A real one: the test cluster copied by `pg_basebackup` into a temporary folder and started as a
hot standby on another port of 127.0.0.1 (tests/standby.py), stopped and deleted afterwards.
The tests are transactional: the standby sees only what the primary committed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.organisations.models import Location
from cleannote.platform.replica import REPLICA, replica_reading, replica_reads
from tests.corpus import in_ci
from tests.personas import TODAY, _note
from tests.standby import (
    Standby,
    StandbyUnavailable,
    check_primary,
    check_replication_allowed,
    start_standby,
    wait_until,
)

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


@pytest.fixture(scope="module")
def standby(django_db_setup: None, django_db_blocker: Any) -> Iterator[Standby]:
    """A hot standby of the test cluster, as the `replica` database, for this module's tests."""
    if connection.vendor != "postgresql":
        pytest.skip("the read replica is a PostgreSQL standby; this run's database is SQLite")
    primary = dict(connection.settings_dict)
    with django_db_blocker.unblock():
        try:
            with connection.cursor() as cursor:
                bin_dir, copied = check_primary(cursor, primary)
            check_replication_allowed(primary)
            started = start_standby(primary, copied, bin_dir)
        except StandbyUnavailable as reason:
            if in_ci():
                pytest.fail(f"no standby in CI: {reason}", pytrace=False)
            pytest.skip(f"no standby of the test cluster: {reason}")
        connections.settings[REPLICA] = started.settings_for(primary)
        try:
            yield started
        finally:
            connections[REPLICA].close()
            del connections[REPLICA]
            del connections.settings[REPLICA]
            started.stop()


def _primary_lsn() -> str:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        lsn: str = cursor.fetchone()[0]
    return lsn


def _standby_has(function: str, lsn: str) -> bool:
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(f"SELECT {function}() >= %s::pg_lsn", [lsn])
        done: bool = cursor.fetchone()[0]
    return done


def _replayed() -> None:
    """Wait until the standby has replayed everything the primary has committed."""
    lsn = _primary_lsn()
    wait_until(lambda: _standby_has("pg_last_wal_replay_lsn", lsn), 10, "replay on the standby")


def _visits(client: Any, name: str) -> str:
    """The productivity CSV's visit count for one clinician."""
    rows = list(csv.reader(io.StringIO(client.get("/reports/productivity/?format=csv").text)))
    header = rows[0]
    column = header.index("Visits")
    (row,) = [r for r in rows if r[0] == "By clinician" and r[1] == name]
    return row[column]


def _statements(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries]


def test_report_pages_read_from_the_standby_and_audit_on_the_primary(standby, clinic, login):
    client = login(clinic.owner)
    _replayed()
    for path in ("/reports/productivity/", "/reports/modifier-59/", "/dashboard/"):
        with (
            CaptureQueriesContext(connections["default"]) as on_primary,
            CaptureQueriesContext(connections[REPLICA]) as on_standby,
        ):
            response = client.get(path)
        assert response.status_code == 200, path
        assert 'id="replica-as-of"' in response.text
        # The report's reads went to the standby, and only reads did.
        read = _statements(on_standby)
        assert any('"notes_note"' in sql for sql in read), path
        assert all(sql.lstrip().upper().startswith(("SELECT", "WITH")) for sql in read), read
        # The primary wrote the audit row and read none of the report's figures.
        written = _statements(on_primary)
        assert any(sql.startswith('INSERT INTO "audit_auditevent"') for sql in written), path
        assert not any('"notes_note"' in sql or '"claims_claim"' in sql for sql in written)
    event = AuditEvent.objects.filter(object_type="report").latest("pk")
    assert (event.action, event.object_id) == ("list", "dashboard")


def test_a_standby_behind_shows_older_figures_and_says_as_of_when(standby, clinic, login):
    client = login(clinic.owner)
    name = clinic.therapist.display_name
    _replayed()
    before = _visits(client, name)
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    try:
        # A visit signed on the primary while the standby receives but does not replay.
        written_at = timezone.now()
        actor = Actor(user=clinic.therapist.user, organisation=clinic.organisation)
        _note(actor, clinic.case, clinic.therapist, clinic.location, TODAY, sign=True)
        lsn = _primary_lsn()
        wait_until(lambda: _standby_has("pg_last_wal_receive_lsn", lsn), 10, "streaming")
        assert _visits(client, name) == before
        with replica_reads():
            reading = replica_reading()
        assert reading is not None
        assert reading.as_of is not None
        assert reading.as_of <= written_at
        page = client.get("/reports/productivity/").text
        assert "Figures as of" in page
    finally:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")
    _replayed()
    assert int(_visits(client, name)) == int(before) + 1
    with replica_reads():
        caught_up = replica_reading()
    assert caught_up is not None
    assert caught_up.as_of is not None
    assert caught_up.as_of >= written_at - dt.timedelta(seconds=1)


def test_writes_never_go_to_the_standby(standby, clinic):
    _replayed()
    with replica_reads():
        location = Location.objects.get(pk=clinic.location.pk)
    assert location._state.db == REPLICA
    with (
        CaptureQueriesContext(connections["default"]) as on_primary,
        CaptureQueriesContext(connections[REPLICA]) as on_standby,
        replica_reads(),
    ):
        # Saved inside the block, an object read from the standby is written to the primary.
        location.name = "Riverside North"
        location.save(update_fields=["name"])
        # A transaction's reads stay on the primary: it may read what it wrote.
        with transaction.atomic():
            Location.objects.filter(pk=location.pk).update(name="Riverside East")
            assert Location.objects.get(pk=location.pk).name == "Riverside East"
    assert on_standby.captured_queries == []
    assert any(sql.startswith('UPDATE "organisations_location"') for sql in _statements(on_primary))
    # And the standby itself refuses a write, were one ever sent there.
    with pytest.raises(DatabaseError, match="read-only"), connections[REPLICA].cursor() as cursor:
        cursor.execute("CREATE TABLE never_here (id integer)")
