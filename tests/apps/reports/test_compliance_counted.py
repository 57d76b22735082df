"""The compliance report read from the nightly count of Medicare therapy charges (ADR 0861)
lists what the live count lists: the count holds the claims up to its newest id, and the
reader adds the claims created since and takes back the counted ones voided since.

Worked example (Pat, Medicare, PT; a Medicare fee schedule of $500 a unit of 97110 and $300
for 97140, so each visit's claim is 2 x $500 + $300 = $1,300; a visit booked in five days is
expected at the case's average claim, $1,300):
- claims A and C; C closed unsent (voided); claim B: this year $2,600 (A + B), past the KX
  threshold; the booked visit reaches $3,900, past the $3,000 targeted review amount. The
  count runs before the void and B (the reader adds B and takes C back) or after both.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from cleannote.apps.claims.actions import (
    do_change_claim_status,
    do_create_claim_from_note,
    do_create_fee_schedule,
)
from cleannote.apps.claims.models import ClaimStatus, MedicareTherapyCount
from cleannote.apps.claims.therapy_ytd import count_medicare_therapy, medicare_therapy_ytd
from cleannote.apps.reports.compliance import PROBLEMS, compliance
from cleannote.apps.reports.scope import read_filters
from cleannote.apps.scheduling.forward_flags import THRESHOLD_FLAGS, flags_for
from cleannote.apps.scheduling.models import Appointment
from cleannote.rules.forward_view import FlagKind
from cleannote.rules.thresholds import TherapyBucket
from tests.apps.claims.conftest import billing, signed_note  # noqa: F401  (the fixture)
from tests.apps.reports.test_compliance_report import _book
from tests.personas import TODAY

YEAR = TODAY.year


@pytest.mark.parametrize("count_at", ["before the changes", "after the changes"])
def test_the_counted_rows_are_the_live_rows(billing, count_at):  # noqa: F811
    # given: A and C billed (C dated today, B yesterday: each claim's own visit)
    clinic = billing.clinic
    do_create_fee_schedule(
        clinic.location, name="Medicare", source="test", effective_from=dt.date(2024, 1, 1),
        fees={"97110": Decimal("500.00"), "97140": Decimal("300.00")}, payer_id="MCR",
    )  # fmt: skip
    a = do_create_claim_from_note(billing.actor, billing.note)
    c = do_create_claim_from_note(billing.actor, signed_note(clinic, TODAY))
    assert (a.total_charge, c.total_charge) == (Decimal("1300.00"), Decimal("1300.00"))
    _book(billing, 5)
    if count_at == "before the changes":
        count_medicare_therapy(clinic.organisation, YEAR)
    # when: C closed before it was sent (voided), B created
    do_change_claim_status(billing.actor, c, ClaimStatus.CLOSED, reason="billed in error")
    b = do_create_claim_from_note(billing.actor, signed_note(clinic, TODAY - dt.timedelta(days=1)))
    if count_at == "after the changes":
        count_medicare_therapy(clinic.organisation, YEAR)
    # then: the same year so far and the same rows as counted live (the count set aside)
    filters = read_filters({}, clinic.owner, TODAY)
    counted_ytd = medicare_therapy_ytd(clinic.organisation.pk, [clinic.patient.pk], YEAR)
    counted = compliance(filters)
    MedicareTherapyCount.objects.all().delete()
    assert counted_ytd == medicare_therapy_ytd(clinic.organisation.pk, [clinic.patient.pk], YEAR)
    assert counted == compliance(filters)
    this_year = [x.total_charge for x in (a, b) if x.date_of_service.year == YEAR]
    assert counted_ytd == {clinic.patient.pk: {TherapyBucket.PT_SLP: sum(this_year)}}
    if len(this_year) == 2:  # A is dated three days ago: not in this year from 1 to 3 January
        found = [(r.problem, r.detail) for r in counted[0] if "past the" in r.detail]
        assert [p for p, _ in found] == [PROBLEMS["kx"], PROBLEMS["targeted_review"]]
        assert "is billed $2,600.00" in found[0][1]
        assert found[1][1].startswith("Booked visit of")
        assert "reaches about $3,900.00" in found[1][1]


def test_the_threshold_flags_alone_are_those_of_all_the_flags(billing):  # noqa: F811
    """The report asks the forward flags for KX and targeted review alone (ADR 0863): the
    same flags as when every flag is counted, without reading plans, referrals or notes."""
    clinic = billing.clinic
    do_create_fee_schedule(
        clinic.location, name="Medicare", source="test", effective_from=dt.date(2024, 1, 1),
        fees={"97110": Decimal("500.00"), "97140": Decimal("300.00")}, payer_id="MCR",
    )  # fmt: skip
    do_create_claim_from_note(billing.actor, billing.note)
    do_create_claim_from_note(billing.actor, signed_note(clinic, TODAY))
    for days in (1, 3, 9):  # the plan is certified through day 7: day 9 is flagged too
        _book(billing, days)
    booked = list(Appointment.objects.filter(patient=clinic.patient))
    every = flags_for(clinic.organisation, booked, TODAY)
    alone = flags_for(clinic.organisation, booked, TODAY, thresholds_only=True)
    expected = {
        pk: kept
        for pk, flags in every.items()
        if (kept := tuple(f for f in flags if f.kind in THRESHOLD_FLAGS))
    }
    assert alone == expected
    assert any(f.kind is FlagKind.TARGETED_REVIEW for f in itertools.chain(*alone.values()))
    assert any(f.kind not in THRESHOLD_FLAGS for f in itertools.chain(*every.values()))
