"""The demo clinic's calendar (web/demo_schedule.py, ADR 0651), loaded as `make run` loads it:
four weeks behind and two ahead for every clinician, each way a visit can end, copays taken at
check-in, series from plans of care, a waitlist, and the week view the front desk opens."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cleannote.apps.ledger.models import CheckIn, PatientPayment
from cleannote.apps.organisations.models import Staff
from cleannote.apps.scheduling.forward_flags import flags_for
from cleannote.apps.scheduling.models import (
    Appointment,
    AppointmentSeries,
    AppointmentStatus,
    CancelReason,
    WaitlistEntry,
)
from tests.e2e.conftest import DEMO_TODAY, load_demo


def test_the_demo_calendar_fills_every_clinicians_weeks(db, settings, tmp_path):
    # given the demo as `make run` loads it
    demo = load_demo(settings, tmp_path, patients=30)
    appointments = Appointment.objects.filter(organisation=demo.organisation)
    clinicians = Staff.objects.filter(organisation=demo.organisation).exclude(
        role__in=("front_desk", "biller")
    )
    past = appointments.filter(start__date__lt=DEMO_TODAY)
    ahead = appointments.filter(start__date__gt=DEMO_TODAY)
    # then every clinician has visits behind and ahead
    for clinician in clinicians:
        assert past.filter(staff=clinician).exists(), clinician.user.username
        assert ahead.filter(staff=clinician).exists(), clinician.user.username
    # each way a visit ends is there: checked out, no-show, and each cancel reason
    statuses = set(appointments.values_list("status", flat=True))
    assert {
        AppointmentStatus.COMPLETED,
        AppointmentStatus.NO_SHOW,
        AppointmentStatus.CANCELLED,
        AppointmentStatus.BOOKED,
    } <= statuses
    reasons = set(appointments.exclude(cancel_reason="").values_list("cancel_reason", flat=True))
    assert reasons == set(CancelReason.values)
    # nothing ahead is checked in; everything behind that was kept was
    assert not ahead.exclude(status__in=("booked", "cancelled")).exists()
    assert not past.filter(status=AppointmentStatus.BOOKED).exists()
    kept = past.filter(status=AppointmentStatus.COMPLETED)
    assert not kept.filter(arrived_at__isnull=True).exists()
    assert not kept.filter(checked_out_at__isnull=True).exists()
    last_week = kept.filter(start__date__gte=DEMO_TODAY - dt.timedelta(days=7))
    assert CheckIn.objects.filter(appointment__in=last_week).count() == last_week.count()
    # copays were taken at check-in, to the cent, each on the ledger
    payments = PatientPayment.objects.filter(organisation=demo.organisation)
    assert payments.count() >= 20
    assert set(payments.values_list("method", flat=True)) == {"cash", "check", "card"}
    assert all(p.ledger_entry.amount == -p.amount for p in payments)
    # series booked from plans of care, and a waitlist
    assert AppointmentSeries.objects.filter(plan_of_care__isnull=False).count() >= 10
    assert WaitlistEntry.objects.count() == 3
    # visits ahead raise the forward flags the chart's facts allow without claims (ADR 0651)
    flags = flags_for(demo.organisation, appointments, DEMO_TODAY)
    kinds = {flag.kind.value for row in flags.values() for flag in row}
    assert {"progress-report", "plan-ended", "authorization-visits", "referral-window"} <= kinds
    # lunch is kept free, and visits last 15 to 60 minutes
    for appointment in appointments:
        minutes = (appointment.end - appointment.start).total_seconds() / 60
        assert 15 <= minutes <= 60
        start, end = timezone.localtime(appointment.start), timezone.localtime(appointment.end)
        assert end.time() <= dt.time(12) or start.time() >= dt.time(13), appointment.pk
