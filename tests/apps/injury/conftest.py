"""A letter-of-protection case on the Riverside clinic (tests/personas.py), billed through the
claims app's fixtures: Pat's case is a car accident the at-fault driver's liability carrier
answers for, with an attorney holding a lien."""

from __future__ import annotations

import datetime as dt

import pytest

from cleannote.apps.patients.models import Case, Coverage
from tests.apps.claims.conftest import Billing, billing  # noqa: F401  (the fixture)


@pytest.fixture
def lop(billing: Billing) -> Case:  # noqa: F811
    patient = billing.clinic.patient
    liability = Coverage.objects.create(
        patient=patient,
        priority="secondary",
        payer_name="Harbor Casualty",
        payer_id="HARBOR",
        kind="auto_liability",
        member_id="CLM-9-771",
        active_from=dt.date(2025, 1, 1),
    )
    case = billing.clinic.case
    Case.objects.filter(pk=case.pk).update(
        coverage=liability,
        accident_kind="auto",
        accident_date=case.opened_on - dt.timedelta(days=3),
        accident_state="IL",
        insurer_claim_number="HC-2026-5512",
        attorney_name="Dana Whitfield, Esq.",
        attorney_phone="312-555-0142",
        attorney_email="dana@whitfield-law.example",
        case_manager_name="Robin Ortiz",
        lien_on_file=True,
    )
    case.refresh_from_db()
    return case
