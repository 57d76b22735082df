"""No double booking, enforced by PostgreSQL (ADR 0600).

Two exclusion constraints over the appointment's [start, end) range: one per clinician, one
per room, each only over appointments that still hold their time (not cancelled, not a
no-show). btree_gist lets `=` on the id sit beside `&&` on the range in one GiST index.

They are written in SQL and run on PostgreSQL only, outside the models' state: SQLite has no
exclusion constraints (the booking transaction checks there), and a constraint in
`Meta.constraints` would be rebuilt into every SQLite table copy.

The extension is created here too rather than by Django's `BtreeGistExtension` operation,
whose reverse asks `pg_extension` on any database and so fails when a test migrates SQLite
backwards past this migration. Reversing leaves the extension installed: other schemas may
use it.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

EXTENSION = "CREATE EXTENSION IF NOT EXISTS btree_gist;"
HOLDS_TIME = "status NOT IN ('cancelled', 'no_show')"

ADD = f"""
ALTER TABLE scheduling_appointment ADD CONSTRAINT appointment_staff_no_overlap
    EXCLUDE USING gist (staff_id WITH =, tstzrange("start", "end", '[)') WITH &&)
    WHERE ({HOLDS_TIME});
ALTER TABLE scheduling_appointment ADD CONSTRAINT appointment_room_no_overlap
    EXCLUDE USING gist (room_id WITH =, tstzrange("start", "end", '[)') WITH &&)
    WHERE (room_id IS NOT NULL AND {HOLDS_TIME});
"""
DROP = """
ALTER TABLE scheduling_appointment DROP CONSTRAINT IF EXISTS appointment_room_no_overlap;
ALTER TABLE scheduling_appointment DROP CONSTRAINT IF EXISTS appointment_staff_no_overlap;
"""


def add(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(EXTENSION)
        schema_editor.execute(ADD)


def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0002_calendar_types_rooms_hours")]

    operations = [
        migrations.RunPython(add, drop, elidable=False),
    ]
