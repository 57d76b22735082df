"""Reads from a PostgreSQL read replica, for the pages that only report (ADR 0840).

With `REPLICA_DATABASE_URL` set, the settings add a `replica` database, and `ReplicaRouter`
sends a read there only when all of these hold:

- the read runs inside `replica_reads()`, which the reports pages open around building their
  figures (nothing else opens it);
- the default connection is not inside an atomic block: a transaction that may have written
  reads its own writes from the primary, and the replica has not seen them yet;
- the replica answered when the block opened; if it did not, the block reads from the primary
  and says so in the log, so a report never fails because the replica is down.

Writes never go to the replica, not even the save of an object read from it, and migrations
never run there. The replica replays the primary's log a little behind it (normally well under
a second, more under load or after a network gap): `replica_reading()` says as of when the
figures were current, and the pages show it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

REPLICA = "replica"

logger = logging.getLogger(__name__)

_replica_reads: ContextVar[bool] = ContextVar("cleannote_replica_reads", default=False)


def replica_configured() -> bool:
    """Whether the settings name a replica database."""
    return REPLICA in connections.settings


def reads_go_to_replica() -> bool:
    """Whether a read made here, now, goes to the replica."""
    return (
        _replica_reads.get()
        and replica_configured()
        and not connections[DEFAULT_DB_ALIAS].in_atomic_block
    )


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside the block go to the replica when there is one (see the module's rules)."""
    if not replica_configured() or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        yield
        return
    try:
        connections[REPLICA].ensure_connection()
    except DatabaseError as error:
        # The error names the host and port only; no query has run, so no record is in it.
        logger.warning("reports replica unreachable, reading from the primary: %s", error)
        yield
        return
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


class ReplicaRouter:
    """Django's database router for the reports replica (settings.DATABASE_ROUTERS)."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str:
        return REPLICA if reads_go_to_replica() else DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        # Explicit, not None: for None Django would fall back to the database the instance was
        # read from, which for an object read inside `replica_reads()` is the replica.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The two hold the same rows, so an object read from either may point at the other's.
        pool = {DEFAULT_DB_ALIAS, REPLICA}
        if obj1._state.db in pool and obj2._state.db in pool:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None


# Current when the replica has replayed all it received and is still receiving; otherwise as of
# the last transaction it replayed (None if it has replayed none since it started). A database
# that is not in recovery (a promoted replica) is current. The receiver's status is visible only
# to a role with pg_read_all_stats: without it, the page gives the last replayed transaction's
# time, which may be earlier than the truth but never later.
_AS_OF_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN now()
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
         AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') THEN now()
    ELSE pg_last_xact_replay_timestamp()
END
"""


@dataclass(frozen=True)
class ReplicaReading:
    """The figures on a page were read from the replica, current as of `as_of` (None when the
    replica cannot tell)."""

    as_of: dt.datetime | None


def replica_reading() -> ReplicaReading | None:
    """As of when the replica's rows are current: one query, on the replica. None when reads
    here do not go to a replica."""
    if not reads_go_to_replica():
        return None
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(_AS_OF_SQL)
        row = cursor.fetchone()
    as_of: dt.datetime | None = row[0] if row else None
    return ReplicaReading(as_of=as_of)
