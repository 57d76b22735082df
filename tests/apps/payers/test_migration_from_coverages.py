"""patients 0006: the payer directory is filled from existing coverages, per organisation, once."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# Every app the rows below touch is taken back to its state of the time: an organisations column
# added later (0003 hour_cycle) would otherwise be in the table but not in the historical model.
BEFORE = [
    ("patients", "0005_coverage_payer_record"),
    ("payers", "0001_initial"),
    ("organisations", "0002_staff_management_and_two_factor"),
]
AFTER = [("patients", "0006_coverage_payers_from_directory")]
data_migration = importlib.import_module(
    "cleannote.apps.patients.migrations.0006_coverage_payers_from_directory"
)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def at_0005(transactional_db):
    apps = _migrate(BEFORE)
    yield apps
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def _coverages(apps):
    Organisation = apps.get_model("organisations", "Organisation")
    Patient = apps.get_model("patients", "Patient")
    Coverage = apps.get_model("patients", "Coverage")
    Payer = apps.get_model("payers", "Payer")
    made = {}
    for org_name, npi in (("North", "1234567893"), ("South", "1245319599")):
        made[org_name] = Organisation.objects.create(
            name=org_name, npi=npi, tax_id="123456789", taxonomy="261QP2000X",
            address_line1="1 Main St", city="Springfield", state="IL", zip="62701",
        )  # fmt: skip
    rows = [
        # organisation, payer name, payer id, kind
        ("North", "Keystone Health", "KHP", "commercial"),
        ("North", "Keystone Health Plan", "KHP", "commercial"),
        ("North", "Keystone Health", "KHP", "commercial"),
        ("North", "Medicare B", "MCR", "medicare"),
        ("South", "Keystone South", "KHP", "commercial"),
    ]
    for number, (org_name, name, payer_id, kind) in enumerate(rows):
        patient = Patient.objects.create(
            organisation=made[org_name], chart_number=f"C{number}", first_name="A",
            last_name="B", birth_date=dt.date(1970, 1, 1), sex="F",
        )  # fmt: skip
        Coverage.objects.create(
            patient=patient, priority="primary", payer_name=name, payer_id=payer_id, kind=kind,
            member_id="M1", active_from=dt.date(2025, 1, 1),
        )  # fmt: skip
    # South already has its own directory entry for a payer no coverage uses yet.
    Payer.objects.create(
        organisation=made["South"], name="Lakeshore", claims_payer_id="LSM", kind="commercial",
        policy_overrides={"pays_97010": True},
    )  # fmt: skip
    return made


def test_payers_are_made_per_organisation_and_linked(at_0005):
    made = _coverages(at_0005)
    apps = _migrate(AFTER)
    Payer = apps.get_model("payers", "Payer")
    Coverage = apps.get_model("patients", "Coverage")
    north = Payer.objects.filter(organisation=made["North"].pk).order_by("claims_payer_id")
    assert [(p.claims_payer_id, p.name, p.kind) for p in north] == [
        ("KHP", "Keystone Health", "commercial"),  # the name most coverages use
        ("MCR", "Medicare B", "medicare"),
    ]
    south = Payer.objects.filter(organisation=made["South"].pk).order_by("claims_payer_id")
    assert [p.claims_payer_id for p in south] == ["KHP", "LSM"]
    assert not Coverage.objects.filter(payer_record__isnull=True).exists()
    for coverage in Coverage.objects.select_related("payer_record", "patient"):
        record = coverage.payer_record
        assert record.organisation_id == coverage.patient.organisation_id
        assert (coverage.payer_name, coverage.payer_id, coverage.kind) == (
            record.name, record.claims_payer_id, record.kind,
        )  # fmt: skip

    # Running it again finds every coverage linked and changes nothing.
    count = Payer.objects.count()
    data_migration.link_coverages(apps, None)
    assert Payer.objects.count() == count

    # Backwards: coverages unlinked, the directory kept (it may hold a clinic's overrides).
    apps = _migrate(BEFORE)
    Coverage = apps.get_model("patients", "Coverage")
    assert not Coverage.objects.filter(payer_record__isnull=False).exists()
    assert apps.get_model("payers", "Payer").objects.count() == count
    # And forwards again links to the same payers without adding any.
    apps = _migrate(AFTER)
    assert apps.get_model("payers", "Payer").objects.count() == count
    assert (
        not apps.get_model("patients", "Coverage")
        .objects.filter(payer_record__isnull=True)
        .exists()
    )
