"""The cache table every process shares when there is no Redis (ADR 0844): Django's
`createcachetable`, run by `migrate` so no deployment step can be forgotten. The table is made
whatever this run's CACHES say: a database migrated while REDIS_URL was set must still have it
the day the deployment runs without Redis (settings' LOCATION names the same table)."""

from __future__ import annotations

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

CACHE_TABLE = "cleannote_cache"


def make_cache_table(apps, schema_editor):  # type: ignore[no-untyped-def]
    # Django's own command makes the table (and skips it when it is there already).
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, CACHE_TABLE, dry_run=False)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_remove_loginthrottle")]

    operations = [migrations.RunPython(make_cache_table, migrations.RunPython.noop)]
