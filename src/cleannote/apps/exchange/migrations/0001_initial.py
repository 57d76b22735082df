# The control-number counter moves here from claims (ADR 0402). Its table keeps its name
# (claims_controlnumbercounter): the state moves, the database is untouched, every row stays.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("claims", "0003_claim_finding_source_unbounded"),
        ("organisations", "0002_staff_management_and_two_factor"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ControlNumberCounter",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("sender_id", models.CharField(max_length=80)),
                        ("last", models.PositiveBigIntegerField(default=0)),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="control_counters",
                                to="organisations.organisation",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "claims_controlnumbercounter",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("organisation", "sender_id"),
                                name="control_counter_unique",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
