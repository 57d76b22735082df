"""`manage.py cleannote_scale` grows a clinic with distinct, realistic rows (ADR 0832)."""

import datetime as dt
from collections import Counter

import pytest
from django.db.models import Count, Sum

from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.audit.selectors import verify_chain
from cleannote.apps.claims.models import Claim, ClaimAdjustment, ClaimLine, ClaimStatus
from cleannote.apps.notes.models import Note
from cleannote.apps.organisations.models import Staff
from cleannote.apps.patients.models import Patient
from cleannote.apps.remittance.models import ClaimPosting, EraFile, LinePosting
from cleannote.apps.reports.financial import financial
from cleannote.apps.reports.modifier59 import modifier_59
from cleannote.apps.reports.productivity import productivity
from cleannote.apps.reports.scope import ReportFilters
from cleannote.apps.scheduling.models import FREED, Appointment, AppointmentStatus
from cleannote.web.scale_database import ADJUDICATED, DENIAL_CARCS, grow
from tests.apps.claims.conftest import new_claim
from tests.personas import TODAY

pytestmark = pytest.mark.django_db


def test_growth_adds_distinct_patients_dates_and_amounts_in_proportion(billing):
    # given the clinic with a signed note and a claim to copy
    new_claim(billing)
    organisation = billing.clinic.organisation
    notes_before = Note.objects.count()
    claims_before = Claim.objects.count()

    # when 300 visits are added
    grown = grow(organisation, visits=300, today=TODAY, seed=7, chain="task")

    # then the proportions of a group practice: 20 patients, ~295 notes, ~197 claims
    assert grown.patients == 20
    assert Note.objects.count() - notes_before == grown.notes == 295
    assert Claim.objects.count() - claims_before == grown.claims
    assert 150 <= grown.claims <= 240
    added = Patient.objects.filter(chart_number__startswith="S")
    assert added.count() == 20
    assert len(set(added.values_list("last_name", flat=True))) == 20
    new_notes = Note.objects.order_by("-id")[: grown.notes]
    assert len({n.date_of_service for n in new_notes}) > 150
    amounts = Claim.objects.order_by("-id")[: grown.claims].values_list("total_charge", flat=True)
    assert len(set(amounts)) > grown.claims // 2
    # and every note's audit rows are linked into the organisation's chain, which verifies
    assert grown.audit_events >= 4 * grown.notes
    assert not AuditEvent.objects.filter(organisation=organisation, sequence__isnull=True).exists()
    assert verify_chain(organisation) is None


def test_growth_bills_lines_posts_remittances_and_books_appointments(billing):
    # given the clinic with a signed note and a claim to copy
    new_claim(billing)
    organisation = billing.clinic.organisation
    claims_before = set(Claim.objects.values_list("pk", flat=True))
    appointments_before = set(Appointment.objects.values_list("pk", flat=True))

    # when 900 visits are added, their audit events linked as they are written
    grown = grow(organisation, visits=900, today=TODAY, seed=11, chain="append")

    # then every claim has two to five lines with treatment codes, adding up to its charge
    claims = Claim.objects.exclude(pk__in=claims_before)
    lines = ClaimLine.objects.filter(claim__in=claims)
    assert lines.count() == grown.claim_lines
    per_claim = claims.annotate(n=Count("lines"), charged=Sum("lines__charge"))
    assert {c.n for c in per_claim} <= {2, 3, 4, 5}
    assert all(c.charged == c.total_charge for c in per_claim)
    assert {"97110", "97140", "97530", "97112"} <= set(lines.values_list("code", flat=True))
    # and some separable pairs carry 59 or XU, a small share of the lines
    separated = sum(1 for m in lines.values_list("modifiers", flat=True) if {"59", "XU"} & set(m))
    assert 0.005 < separated / grown.claim_lines < 0.15

    # and each adjudicated claim has one claim payment in a payer's weekly 835
    settled = claims.filter(status__in=ADJUDICATED)
    postings = ClaimPosting.objects.filter(claim__in=claims)
    assert postings.count() == settled.count() == grown.postings
    assert EraFile.objects.count() >= grown.remittance_files > 1
    assert LinePosting.objects.filter(claim_posting__in=postings).count() == (
        lines.filter(claim__in=settled).count()
    )
    # and paid plus adjustments balance each claim's charge; amounts are distinct
    adjusted = settled.annotate(adjusted=Sum("adjustments__amount"))
    assert all(c.paid_amount + c.adjusted == c.total_charge for c in adjusted)
    paid = settled.filter(status=ClaimStatus.PAID).values_list("paid_amount", flat=True)
    assert len(set(paid)) > len(paid) // 2 > 0
    assert ClaimAdjustment.objects.filter(claim__in=paid.values("pk"), group="CO", reason="45")
    # and denied claims are paid nothing, with a denial CARC on every line
    denied = settled.filter(status=ClaimStatus.DENIED)
    assert denied.exists()
    assert not denied.exclude(paid_amount=0).exists()
    carcs = set(
        ClaimAdjustment.objects.filter(claim__in=denied).values_list("group", "reason").distinct()
    )
    assert len(carcs) >= 3
    assert carcs <= {(g, r) for g, r, _ in DENIAL_CARCS}

    # and an appointment for every visit beside cancelled, not-attended and booked ones
    appointments = Appointment.objects.exclude(pk__in=appointments_before)
    assert appointments.count() == grown.appointments
    statuses = Counter(appointments.values_list("status", flat=True))
    visited = statuses[AppointmentStatus.COMPLETED] + statuses[AppointmentStatus.ARRIVED]
    assert visited == grown.notes
    assert 0.05 < statuses[AppointmentStatus.CANCELLED] / visited < 0.13
    assert 0.02 < statuses[AppointmentStatus.NO_SHOW] / visited < 0.06
    assert statuses[AppointmentStatus.BOOKED] > 0
    # and no clinician holds two at once (cancelled and missed ones gave their time back)
    starts = appointments.exclude(status__in=FREED).values_list("staff_id", "start")
    assert len(set(starts)) == len(starts)

    # and the audit events linked as written verify as the chaining task's would
    assert not AuditEvent.objects.filter(organisation=organisation, sequence__isnull=True).exists()
    assert verify_chain(organisation) is None

    # and the reports read them: payments, denials, modifier 59, cancellations and units
    filters = ReportFilters(
        organisation, start=TODAY - dt.timedelta(days=800), end=TODAY, today=TODAY
    )
    money = financial(filters)
    assert sum(p.payments for p in money) > 0
    assert sum(p.denied for p in money) > 0
    assert sum(r.lines_59 for r in modifier_59(filters)) > 0
    rows = productivity(filters, "clinician")
    assert sum(r.cancelled for r in rows) > 0
    assert sum(r.no_show for r in rows) > 0
    assert sum(r.units for r in rows) > grown.claims


def test_clinicians_grow_with_the_visits(billing):
    # given the clinic's one or two clinicians with notes
    new_claim(billing)
    organisation = billing.clinic.organisation
    before = Staff.objects.filter(organisation=organisation).count()

    # when visits are added at two a clinician's day (600 visits: 1.15 a working day)
    grown = grow(organisation, visits=600, today=TODAY, seed=3, visits_per_clinician_day=0.2)

    # then clinicians are added to see them, each with a distinct NPI and working hours
    added = Staff.objects.filter(organisation=organisation).count() - before
    assert added >= 3
    assert added == grown.clinicians
    new_staff = Staff.objects.filter(user__username__startswith="scale-clinician-")
    npis = list(new_staff.values_list("npi", flat=True))
    assert len(set(npis)) == len(npis) == added
