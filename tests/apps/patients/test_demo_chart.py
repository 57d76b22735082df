"""The demo clinic shows a chart kept current after registration: a secondary coverage added
from the payer directory and a discharged case, both through the chart's actions."""

from __future__ import annotations

from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.patients.models import Case, Coverage
from tests.e2e.conftest import DEMO_TODAY, Demo


def test_demo_has_a_secondary_coverage_and_a_discharged_case(demo: Demo):
    # the first second card; the secondary-claim demo may add a spouse's plan later (ADR 0740)
    secondary = (
        Coverage.objects.filter(patient__organisation=demo.organisation, priority="secondary")
        .order_by("id")
        .first()
    )
    assert secondary is not None
    assert secondary.payer_record is not None
    assert secondary.payer_record.organisation_id == demo.organisation.pk
    added = AuditEvent.objects.get(object_type="coverage", object_id=str(secondary.pk))
    assert (added.actor_username, added.reason) == (
        "demo-frontdesk",
        "Second insurance card shown at check-in",
    )
    discharged = Case.objects.get(patient__organisation=demo.organisation, closure="discharged")
    assert (discharged.closed_on, discharged.closure_reason) == (DEMO_TODAY, "Goals met")
