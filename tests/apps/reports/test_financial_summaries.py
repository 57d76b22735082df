"""The financial report read from its daily summaries gives the live figures (ADR 0856): a
small clinic billed, answered and denied through the apps' actions, counted live, then with
the summaries filled by the nightly command (some days after them counted live, then none),
then after a payment posted to a day older than the recounted window."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from cleannote.apps.claims.actions import do_build_batch, do_change_claim_status, do_mark_ready
from cleannote.apps.claims.models import ClaimStatus
from cleannote.apps.remittance.actions import do_import_835
from cleannote.apps.remittance.denial_actions import do_assign_denial
from cleannote.apps.reports import financial
from cleannote.apps.reports.models import FinancialDay, ReceivableDay, ReportSummaryRun
from cleannote.apps.reports.scope import read_filters
from cleannote.apps.reports.views import financial_page
from tests.apps.claims.conftest import another_claim, billing  # noqa: F401  (the fixture)
from tests.apps.remittance.test_posting import coinsurance_payment, denial, full_payment
from tests.personas import TODAY


def _sent(billing, days_ago: int, sent_days_ago: int = 0):  # noqa: F811
    claim = another_claim(billing, days_ago)
    do_mark_ready(billing.actor, claim)
    do_build_batch(billing.actor, [claim.pk], at=timezone.now() - dt.timedelta(days=sent_days_ago))
    return do_change_claim_status(billing.actor, claim, ClaimStatus.ACCEPTED, reason="277CA")


def test_the_financial_summaries_give_the_live_figures(billing):  # noqa: F811
    # given: a claim of 3 days ago paid with coinsurance (line postings), one of 5 days ago
    # denied (CO-50), one of 12 days ago sent today and one of 20 days ago sent 15 days ago,
    # neither answered (over 90 days old for a page whose today is 80 days from now)
    paid, denied, waiting, old = (_sent(billing, d, s) for d, s in ((3, 0), (5, 0), (12, 0),
                                                                     (20, 15)))  # fmt: skip
    do_import_835(billing.actor, coinsurance_payment(paid.patient_control_number), file_name="a")
    do_import_835(billing.actor, denial(denied.patient_control_number, "50"), file_name="b")
    owner, therapist = billing.clinic.owner, billing.clinic.therapist
    denied.refresh_from_db()
    do_assign_denial(billing.actor, denied, billing.clinic.biller)  # the denial is worked
    year = {"start": (TODAY - dt.timedelta(days=364)).isoformat()}
    cases = [
        read_filters({}, owner, TODAY),
        read_filters(year, owner, TODAY),
        read_filters({**year, "payer": "MCR"}, owner, TODAY),
        read_filters({**year, "discipline": "PT"}, owner, TODAY),
        read_filters(year, therapist, TODAY),
        read_filters({**year, "end": TODAY.isoformat()}, owner, TODAY + dt.timedelta(days=80)),
    ]

    def figures():
        return [
            (
                financial.financial(f),
                financial.denials_by_carc(f),
                financial.reimbursement_by_code(f),
            )
            for f in cases
        ]

    def live_figures():
        """The figures counted live: the run is deleted, and put back after."""
        with transaction.atomic():
            ReportSummaryRun.objects.all().delete()
            counted = figures()
            transaction.set_rollback(True)
        return counted

    live = figures()
    (year_row,) = live[1][0]
    assert year_row.claims == 4
    # the denied claim is owed in full while its denial is worked (ADR 0732)
    assert year_row.ar_balance == waiting.total_charge + old.total_charge + denied.total_charge
    assert year_row.ar_over_90 == 0
    assert live[-1][0][0].ar_over_90 == old.total_charge
    assert live[1][1]
    assert live[1][2]

    # when: the summaries hold the days up to 5 days ago, the 3 days after counted live
    call_command("cleannote_report_summaries", today=TODAY - dt.timedelta(days=4))
    # then
    assert FinancialDay.objects.filter(day=TODAY - dt.timedelta(days=3)).count() == 0
    assert ReceivableDay.objects.exists()
    assert figures() == live
    # the next night's run holds every closed day
    call_command("cleannote_report_summaries", today=TODAY)
    assert ReportSummaryRun.objects.get().through == TODAY - dt.timedelta(days=1)
    assert figures() == live
    notes = " ".join(financial_page(cases[0]).notes)
    assert "read from the daily summaries" in notes
    assert "The A/R is as the daily summaries found it" in notes

    # when: the waiting claim of 12 days ago is paid, and a run recounts only the last day:
    # the claim's audit event has its day recounted, and the A/R snapshot is retaken
    do_import_835(billing.actor, full_payment(waiting.patient_control_number), file_name="c")
    assert figures() == live  # until the next run, the summaries hold the day as it was
    call_command("cleannote_report_summaries", today=TODAY, days=1)
    # then
    changed = live_figures()
    assert changed != live
    assert figures() == changed
    assert changed[1][0][0].payments == live[1][0][0].payments + Decimal("190.00")
