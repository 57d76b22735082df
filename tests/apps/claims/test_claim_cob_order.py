"""The coordination-of-benefits order drives the claim (ADR 0500): the primary claim goes to
the first coverage in force on the date of service, the secondary to the next, and a reorder
on the chart changes both."""

from __future__ import annotations

import datetime as dt

import pytest

from cleannote.apps.claims.actions import do_create_claim_from_note, do_create_secondary_claim
from cleannote.apps.claims.errors import ClaimError
from cleannote.apps.patients.chart_actions import (
    do_add_coverage_to_chart,
    do_end_coverage,
    do_reorder_coverages,
)
from cleannote.apps.patients.models import Coverage
from cleannote.apps.payers.actions import do_create_payer
from cleannote.apps.payers.models import Payer
from tests.apps.claims.conftest import adjudicated_claim, signed_note
from tests.personas import TODAY

pytestmark = pytest.mark.django_db


def _add(billing, priority: str, *, name="Lakeshore Mutual", payer_id="LSM01", **dates):
    payer = do_create_payer(
        billing.actor, Payer(name=name, claims_payer_id=payer_id, kind="commercial")
    )
    return do_add_coverage_to_chart(
        billing.actor,
        billing.clinic.patient,
        Coverage(
            priority=priority,
            payer_record=payer,
            member_id="LSM998877",
            active_from=dates.get("start", dt.date(2025, 1, 1)),
            active_through=dates.get("end"),
        ),
        reason="second insurance card",
    )


def test_secondary_claim_goes_to_the_next_coverage_in_the_order(billing):
    # given Medicare primary and, added on the chart, a secondary plan; the primary paid
    secondary_coverage = _add(billing, "secondary")
    primary = adjudicated_claim(billing, ("100.00", "60.00"))
    assert primary.payer_id == "MCR"
    # when the biller bills the secondary
    secondary = do_create_secondary_claim(billing.actor, primary)
    # then it goes to the coverage after Medicare in the order
    assert (secondary.coverage_id, secondary.payer_id) == (secondary_coverage.pk, "LSM01")


def test_reordered_coverages_change_the_primary_claims_payer(billing):
    # given the plan moved ahead of Medicare (working aged: Medicare pays second)
    plan = _add(billing, "secondary")
    medicare = billing.clinic.patient.coverages.get(kind="medicare")
    do_reorder_coverages(
        billing.actor,
        billing.clinic.patient,
        [plan.pk, medicare.pk],
        reason="Patient still works; employer plan pays first",
        medicare_secondary_types={medicare.pk: "12"},
    )
    # when the note is billed, although the case was registered against Medicare
    assert billing.clinic.case.coverage_id == medicare.pk
    claim = do_create_claim_from_note(billing.actor, billing.note)
    # then the claim goes to the plan, first in the order on the date of service
    assert (claim.coverage_id, claim.payer_id) == (plan.pk, "LSM01")


def test_order_is_the_one_on_the_date_of_service(billing):
    # given Medicare ended the day before the visit and a new primary started that day
    medicare = billing.clinic.patient.coverages.get(kind="medicare")
    day = billing.note.date_of_service
    do_end_coverage(billing.actor, medicare, ended_on=day - dt.timedelta(days=1), reason="Ended")
    plan = _add(billing, "primary", start=day)
    # then the visit bills the new primary, and an earlier visit would have billed Medicare
    assert do_create_claim_from_note(billing.actor, billing.note).coverage_id == plan.pk
    earlier = signed_note(billing.clinic, day - dt.timedelta(days=2))
    assert do_create_claim_from_note(billing.actor, earlier).coverage_id == medicare.pk


def test_no_secondary_in_the_order_is_refused(billing):
    # near miss: a secondary coverage that ended before the date of service
    _add(billing, "secondary", end=dt.date(2025, 12, 31))
    primary = adjudicated_claim(billing, ("100.00", "60.00"))
    with pytest.raises(ClaimError, match="no secondary coverage"):
        do_create_secondary_claim(billing.actor, primary)
    assert dt.date(2025, 12, 31) < TODAY
