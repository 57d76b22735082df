"""The cache table every process shares when there is no Redis (ADR 0844): Django's
`createcachetable`, run by `migrate` so no deployment step can be forgotten. It makes the
table of each database cache in CACHES and does nothing for a Redis cache."""

from __future__ import annotations

from django.core.management import call_command
from django.db import migrations


def make_cache_table(apps, schema_editor):  # type: ignore[no-untyped-def]
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_remove_loginthrottle")]

    operations = [migrations.RunPython(make_cache_table, migrations.RunPython.noop)]
