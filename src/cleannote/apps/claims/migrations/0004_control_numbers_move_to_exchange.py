# The control-number counter now belongs to the exchange app (ADR 0402): claims forgets the
# model, the table and its rows stay where they are (exchange's model names the same table).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0003_claim_finding_source_unbounded"),
        ("exchange", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name="controlnumbercounter", name="control_counter_unique"
                ),
                migrations.DeleteModel(name="ControlNumberCounter"),
            ],
            database_operations=[],
        ),
    ]
