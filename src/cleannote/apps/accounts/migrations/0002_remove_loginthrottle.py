"""The hand-made lockout's table goes: django-axes counts sign-in failures now (ADR 0214)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.DeleteModel(name="LoginThrottle"),
    ]
