"""Every coverage linked to a payer in its organisation's directory (ADR 0330).

Coverages with the same claims payer id in one organisation share one `payers.Payer`, named and
kinded as most of them are (the earliest coverage breaks a tie); an organisation's existing
directory entry with that id is reused, so running it again changes nothing. Reversing unlinks
the coverages and leaves the directory as it is (its rows may carry a clinic's overrides).
"""

from collections import Counter
from typing import Any

from django.db import migrations


def link_coverages(apps: Any, schema_editor: Any) -> None:
    Coverage = apps.get_model("patients", "Coverage")
    Payer = apps.get_model("payers", "Payer")
    groups: dict[tuple[int, str], list[tuple[int, str, str]]] = {}
    rows = (
        Coverage.objects.filter(payer_record__isnull=True)
        .order_by("pk")
        .values_list("pk", "patient__organisation_id", "payer_name", "payer_id", "kind")
    )
    for pk, organisation_id, name, payer_id, kind in rows:
        groups.setdefault((organisation_id, payer_id), []).append((pk, name, kind))
    for (organisation_id, payer_id), members in groups.items():
        payer = Payer.objects.filter(
            organisation_id=organisation_id, claims_payer_id=payer_id
        ).first()
        if payer is None:
            counts = Counter((name, kind) for _pk, name, kind in members)
            top = max(counts.values())
            name, kind = next((n, k) for _pk, n, k in members if counts[(n, k)] == top)
            payer = Payer.objects.create(
                organisation_id=organisation_id,
                name=name,
                claims_payer_id=payer_id,
                kind=kind,
                policy_overrides={},
            )
        Coverage.objects.filter(pk__in=[pk for pk, _n, _k in members]).update(
            payer_record=payer, payer_name=payer.name, kind=payer.kind
        )


def unlink_coverages(apps: Any, schema_editor: Any) -> None:
    apps.get_model("patients", "Coverage").objects.update(payer_record=None)


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0005_coverage_payer_record"),
        ("payers", "0001_initial"),
    ]

    operations = [migrations.RunPython(link_coverages, unlink_coverages)]
