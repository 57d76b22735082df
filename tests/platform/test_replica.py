"""Which database a read or a write goes to, with and without a reports replica (ADR 0840).

No replica runs here: `replica` is a database in the settings whose connection is never made
(or, for the fallback, made to a port nothing listens on). tests/apps/reports/
test_replica_reads.py runs the same rules against a real standby.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, router

from cleannote.apps.organisations.models import Location
from cleannote.platform.replica import REPLICA, ReplicaRouter, replica_reading, replica_reads
from cleannote.web import settings as project_settings


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def replica_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A `replica` database in the settings, at a port nothing listens on."""
    monkeypatch.setitem(
        connections.settings,
        REPLICA,
        {
            **connections[DEFAULT_DB_ALIAS].settings_dict,
            "ENGINE": "django.db.backends.postgresql",
            "HOST": "127.0.0.1",
            "PORT": str(_closed_port()),
            "NAME": "cleannote_replica_never_opened",
            "USER": "postgres",
            "OPTIONS": {"connect_timeout": 3},
            "TEST": {"MIRROR": "default"},
        },
    )
    yield
    connections[REPLICA].close()
    del connections[REPLICA]


@pytest.fixture
def replica_database(replica_settings: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The replica taken as reachable: its connection is never opened."""
    monkeypatch.setattr(connections[REPLICA], "ensure_connection", lambda: None)


def test_the_settings_install_the_router():
    assert project_settings.DATABASE_ROUTERS == ["cleannote.platform.replica.ReplicaRouter"]
    assert project_settings.DATABASES.keys() <= {DEFAULT_DB_ALIAS, REPLICA}


def test_without_a_replica_every_read_goes_to_the_default_database():
    with replica_reads():
        assert router.db_for_read(Location) == DEFAULT_DB_ALIAS
        assert replica_reading() is None


@pytest.mark.parametrize(
    ("inside_the_block", "in_a_transaction", "expected"),
    [
        (False, False, DEFAULT_DB_ALIAS),
        (True, False, REPLICA),
        (True, True, DEFAULT_DB_ALIAS),
    ],
    ids=["outside the block", "inside the block", "inside a transaction"],
)
def test_reads_go_to_the_replica_only_inside_the_block_and_outside_a_transaction(
    replica_database, monkeypatch, inside_the_block, in_a_transaction, expected
):
    monkeypatch.setattr(connections[DEFAULT_DB_ALIAS], "in_atomic_block", in_a_transaction)
    if inside_the_block:
        with replica_reads():
            assert router.db_for_read(Location) == expected
    else:
        assert router.db_for_read(Location) == expected


def test_a_transaction_begun_inside_the_block_reads_from_the_primary(replica_database, monkeypatch):
    with replica_reads():
        assert router.db_for_read(Location) == REPLICA
        monkeypatch.setattr(connections[DEFAULT_DB_ALIAS], "in_atomic_block", True)
        assert router.db_for_read(Location) == DEFAULT_DB_ALIAS
        monkeypatch.setattr(connections[DEFAULT_DB_ALIAS], "in_atomic_block", False)
    assert router.db_for_read(Location) == DEFAULT_DB_ALIAS


def test_writes_go_to_the_primary_even_for_an_object_read_from_the_replica(replica_database):
    location = Location(name="Riverside")
    location._state.db = REPLICA
    with replica_reads():
        assert router.db_for_write(Location, instance=location) == DEFAULT_DB_ALIAS
        assert router.db_for_write(Location) == DEFAULT_DB_ALIAS


@pytest.mark.parametrize(("database", "allowed"), [(DEFAULT_DB_ALIAS, None), (REPLICA, False)])
def test_migrations_never_run_on_the_replica(database, allowed):
    assert ReplicaRouter().allow_migrate(database, "organisations") is allowed


@pytest.mark.parametrize(
    ("first", "second", "allowed"),
    [(DEFAULT_DB_ALIAS, REPLICA, True), (REPLICA, REPLICA, True), (REPLICA, "archive", None)],
)
def test_objects_from_the_primary_and_the_replica_may_point_at_each_other(first, second, allowed):
    one, other = Location(), Location()
    one._state.db, other._state.db = first, second
    assert ReplicaRouter().allow_relation(one, other) is allowed


def test_an_unreachable_replica_is_read_around_and_logged(
    replica_settings, caplog, django_db_blocker
):
    with (
        django_db_blocker.unblock(),
        caplog.at_level(logging.WARNING, "cleannote.platform.replica"),
        replica_reads(),
    ):
        assert router.db_for_read(Location) == DEFAULT_DB_ALIAS
        assert replica_reading() is None
    (record,) = caplog.records
    assert record.getMessage().startswith("reports replica unreachable, reading from the primary")


POSTGRES = "postgres://postgres@127.0.0.1:5432/cleannote"
# A relative SQLite file (no machine path): only its scheme matters to these checks.
SQLITE = "sqlite:///cleannote.sqlite3"


def test_replica_database_url_adds_a_replica_mirrored_in_tests():
    default = {"ENGINE": "django.db.backends.postgresql"}
    replica = project_settings._replica_database(
        "postgres://reports@10.0.0.9:5433/cleannote", default
    )
    assert replica is not None
    assert (replica["HOST"], replica["PORT"], replica["USER"]) == ("10.0.0.9", 5433, "reports")
    assert replica["TEST"] == {"MIRROR": "default"}
    assert replica["OPTIONS"] == {"connect_timeout": 3}
    assert replica["CONN_MAX_AGE"] == 60
    assert project_settings._replica_database("", default) is None


@pytest.mark.parametrize(("default_url", "replica_url"), [(SQLITE, POSTGRES), (POSTGRES, SQLITE)])
def test_a_replica_needs_postgresql_on_both_sides(default_url, replica_url):
    import dj_database_url

    with pytest.raises(ImproperlyConfigured, match="REPLICA_DATABASE_URL"):
        project_settings._replica_database(replica_url, dj_database_url.parse(default_url))
