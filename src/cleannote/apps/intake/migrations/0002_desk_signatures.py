"""Where a consent or an ABN was signed, the staff witness of a desk signature, and the
representative who signed for the patient (ADR 0961). Every signature before this was given in
the portal."""

import django.db.models.deletion
from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def mark_portal_signatures(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Every signature before this was given in the portal (ADR 0961)."""
    apps.get_model("intake", "AdvanceNotice").objects.filter(status="signed").update(
        signed_via="portal"
    )
    apps.get_model("intake", "ConsentSignature").objects.exclude(signed_via="portal").update(
        signed_via="desk"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0001_initial"),
        ("organisations", "0006_api_tokens"),
    ]

    operations = [
        migrations.AddField(
            model_name="advancenotice",
            name="representative_name",
            field=models.CharField(blank=True, max_length=120),
        ),
        migrations.AddField(
            model_name="advancenotice",
            name="representative_relationship",
            field=models.CharField(blank=True, max_length=60),
        ),
        migrations.AddField(
            model_name="advancenotice",
            name="signed_via",
            field=models.CharField(
                blank=True,
                choices=[("portal", "In the portal"), ("desk", "At the desk, witnessed")],
                max_length=150,
            ),
        ),
        migrations.AddField(
            model_name="advancenotice",
            name="witness",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organisations.staff",
            ),
        ),
        migrations.AddField(
            model_name="consentsignature",
            name="representative_name",
            field=models.CharField(blank=True, max_length=120),
        ),
        migrations.AddField(
            model_name="consentsignature",
            name="representative_relationship",
            field=models.CharField(blank=True, max_length=60),
        ),
        migrations.AddField(
            model_name="consentsignature",
            name="witness",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organisations.staff",
            ),
        ),
        migrations.AlterField(
            model_name="consentsignature",
            name="signed_via",
            field=models.CharField(
                blank=True,
                choices=[("portal", "In the portal"), ("desk", "At the desk, witnessed")],
                max_length=150,
            ),
        ),
        migrations.RunPython(mark_portal_signatures, migrations.RunPython.noop),
    ]
