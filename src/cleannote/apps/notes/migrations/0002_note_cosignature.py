# The supervising therapist's co-signature on an assistant's note (docs/decisions/0200).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notes", "0001_initial"),
        ("organisations", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="note",
            name="cosigned_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="note",
            name="cosigned_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cosigned_notes",
                to="organisations.staff",
            ),
        ),
        migrations.AddConstraint(
            model_name="note",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("cosigned_at__isnull", True), ("cosigned_by__isnull", True)),
                    models.Q(
                        ("cosigned_at__isnull", False),
                        ("cosigned_by__isnull", False),
                        ("status", "signed"),
                    ),
                    _connector="OR",
                ),
                name="note_cosignature_on_signed_note",
            ),
        ),
    ]
