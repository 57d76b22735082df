"""One claim per note and payer (ADR 0250): existing duplicates are marked voided first, keeping
the oldest claim of each note and payer, so the constraint can be added to a database that
already holds them."""

from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

BILLED_ONCE = ("note", "secondary", "crossover")


def void_duplicates(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Claim = apps.get_model("claims", "Claim")
    seen = set()
    duplicates = []
    rows = Claim.objects.filter(origin__in=BILLED_ONCE).order_by("id")
    for pk, note_id, payer_id in rows.values_list("pk", "note_id", "payer_id"):
        if (note_id, payer_id) in seen:
            duplicates.append(pk)
        seen.add((note_id, payer_id))
    Claim.objects.filter(pk__in=duplicates).update(voided=True)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="crossover_payer",
            field=models.CharField(
                blank=True,
                help_text="the payer the primary forwarded this claim to (CLP02 19/20/21, NM1*TT); the patient's share waits for that payer's answer",
                max_length=60,
            ),
        ),
        migrations.AddField(
            model_name="claim",
            name="voided",
            field=models.BooleanField(
                default=False,
                help_text="voided at the payer (a void claim followed it), or closed before it was ever sent: the note may be billed to this payer again",
            ),
        ),
        migrations.AlterField(
            model_name="claim",
            name="origin",
            field=models.CharField(
                choices=[
                    ("note", "From a signed note"),
                    ("corrected", "Corrected claim"),
                    ("void", "Void of an earlier claim"),
                    ("secondary", "Secondary claim"),
                    ("split", "Denied lines rebilled"),
                    ("crossover", "Crossed over by the primary payer"),
                ],
                default="note",
                max_length=9,
            ),
        ),
        migrations.RunPython(void_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    ("origin__in", ("note", "secondary", "crossover")), ("voided", False)
                ),
                fields=("note", "payer_id"),
                name="claim_once_per_note_and_payer",
                violation_error_message="this note already has a claim to this payer",
            ),
        ),
    ]
