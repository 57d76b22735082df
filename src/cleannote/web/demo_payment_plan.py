"""The demo's payment plan with one missed installment (ADR 0764): a health-plan visit billed
and answered 20 days ago with coinsurance, a plan of three weekly payments agreed that day,
the first paid at the desk, the second's grace days passed unpaid (the third is due, within
its grace days); tonight's check (run as of the demo's today) puts the second on the
missed-installments worklist. Everything goes through the
biller's actions.

Only demos of `demo_money.MIN_PATIENTS` (20) or more: the small demos the end-to-end tests
load count their patients' balances and statements.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_UP, Decimal

from cleannote.apps.audit.actions import Actor
from cleannote.apps.ledger.actions import do_record_patient_payment
from cleannote.apps.ledger.statement_actions import do_check_payment_plans, do_start_payment_plan
from cleannote.apps.ledger.statement_selectors import balance_on
from cleannote.apps.organisations.models import Organisation, Staff
from cleannote.apps.remittance.actions import do_import_835
from cleannote.web.demo_money import MIN_PATIENTS
from cleannote.web.demo_statements import _at, _bill, _era

AGREED_DAYS_AGO = 20
PAYMENTS = 3


def load_demo_payment_plan(organisation: Organisation, today: dt.date, patients: int) -> int:
    """The missed installments listed (1), or 0 in a small demo or when nothing can be billed."""
    staff = Staff.objects.filter(organisation=organisation, user__username="demo-biller").first()
    if patients < MIN_PATIENTS or staff is None:
        return 0
    biller = Actor(user=staff.user, organisation=organisation)
    claims = _bill(biller, today, days_back=AGREED_DAYS_AGO + 1, count=1, oldest=False, skip=[])
    if not claims:
        return 0
    agreed = today - dt.timedelta(days=AGREED_DAYS_AGO)
    do_import_835(biller, _era(claims, agreed), file_name="demo-plan.835", at=_at(agreed, 9))
    patient = claims[0].patient
    owed = balance_on(patient, agreed)
    if owed <= 0:
        return 0
    each = (owed / PAYMENTS).quantize(Decimal("0.01"), ROUND_UP)
    first_due = agreed + dt.timedelta(days=1)
    do_start_payment_plan(
        biller, patient, amount_per_month=each, day=agreed, frequency="weekly",
        first_due_on=first_due, payments=PAYMENTS,
    )  # fmt: skip
    do_record_patient_payment(
        biller, patient, amount=each, method="cash", at=_at(first_due + dt.timedelta(days=2))
    )
    return len(do_check_payment_plans(Actor(user=None, organisation=organisation), today=today))
