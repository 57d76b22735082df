"""The demo clinic's calendar (web/demo_schedule.py, ADR 0651), loaded as `make run` loads it:
four weeks behind and two ahead for every clinician, each way a visit can end, copays taken at
check-in, series from plans of care, a waitlist, and the week view the front desk opens."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from cleannote.apps.ledger.models import CheckIn, PatientPayment
from cleannote.apps.organisations.models import Staff
from cleannote.apps.scheduling.forward_flags import attention_groups, flags_for
from cleannote.apps.scheduling.models import (
    Appointment,
    AppointmentSeries,
    AppointmentStatus,
    CancelReason,
    WaitlistEntry,
)
from cleannote.rules.forward_view import FlagKind
from tests.e2e.conftest import DEMO_TODAY, Demo
from tests.personas import client_for


def test_the_demo_calendar_fills_every_clinicians_weeks(standard_demo: Demo):
    # given the demo as `make run` loads it
    demo = standard_demo
    appointments = Appointment.objects.filter(organisation=demo.organisation)
    # a clinician is who the calendar gives a column: staff with a credential (not the front
    # desk, a biller or a location manager)
    clinicians = Staff.objects.filter(organisation=demo.organisation).exclude(credential="")
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
    # visits ahead raise the forward flags: the chart's (ADR 0651), and a PIP case billed up
    # to its limit and a plan past day 90 (ADR 0652), a Medicare course billed up to KX (0653)
    flags = flags_for(demo.organisation, appointments, DEMO_TODAY)
    kinds = {flag.kind.value for row in flags.values() for flag in row}
    assert {
        "progress-report",
        "plan-ended",
        "authorization-visits",
        "referral-window",
        "pip-limit",
        "recertify",
        "kx-threshold",
        "targeted-review",
    } <= kinds
    # lunch is kept free, and visits last 15 to 60 minutes
    for appointment in appointments:
        minutes = (appointment.end - appointment.start).total_seconds() / 60
        assert 15 <= minutes <= 60
        start, end = timezone.localtime(appointment.start), timezone.localtime(appointment.end)
        assert end.time() <= dt.time(12) or start.time() >= dt.time(13), appointment.pk
    # and the front desk's week view of last week shows five clinicians' appointments
    _front_desk_sees_five_clinicians_in_a_week(demo)
    # and every kind of forward flag is on its calendar, with its fix (ADR 0653)
    _every_forward_flag_on_the_calendar(demo)


def _every_forward_flag_on_the_calendar(demo: Demo) -> None:
    # given every visit the standard demo's (30 patients) calendar has booked ahead
    ahead = list(
        Appointment.objects.filter(
            organisation=demo.organisation, start__date__gte=DEMO_TODAY
        ).select_related("patient", "staff__user", "appointment_type")
    )
    # when the forward view flags them and groups them as the Needs attention list does
    flags = flags_for(demo.organisation, ahead, DEMO_TODAY)
    groups = attention_groups(ahead, flags)
    # then every kind of flag has a group, each row with its text and the link that fixes it
    assert {group.kind for group in groups} == set(FlagKind)
    for group in groups:
        for row in group.rows:
            assert row.flag.message, row
            assert row.fix.url.startswith("/"), row
    # the KX course crosses $2,480 on its first booked visit and $3,000 on a later one
    brandt = sorted((a for a in ahead if a.patient.last_name == "Brandt"), key=lambda a: a.start)
    kinds = [{f.kind for f in flags.get(a.pk, ())} for a in brandt]
    assert FlagKind.KX_THRESHOLD in kinds[0]
    assert FlagKind.TARGETED_REVIEW in set().union(*kinds[1:])
    kx = next(f for f in flags[brandt[0].pk] if f.kind is FlagKind.KX_THRESHOLD)
    assert "2026 KX threshold of $2,480.00" in kx.message


def _front_desk_sees_five_clinicians_in_a_week(demo) -> None:
    front_desk = Staff.objects.get(user__username="demo-frontdesk")
    last_week = DEMO_TODAY - dt.timedelta(days=7)
    # when they open last week's calendar
    response = client_for(front_desk).get(f"/schedule/week/?day={last_week:%Y-%m-%d}")
    # then it shows appointments of at least five clinicians, each under its clinician's row
    assert response.status_code == 200
    page = response.content.decode()
    shown = {int(pk) for pk in re.findall(r'data-appointment="(\d+)"', page)}
    week = Appointment.objects.filter(organisation=demo.organisation, pk__in=shown)
    clinicians = Staff.objects.filter(pk__in=week.values("staff"))
    assert len(shown) >= 50
    assert clinicians.count() >= 5
    for clinician in clinicians:
        assert clinician.display_name in page
    monday = last_week - dt.timedelta(days=last_week.weekday())
    assert all(
        monday <= timezone.localtime(a.start).date() < monday + dt.timedelta(days=7) for a in week
    )
