"""Reads of eligibility checks, always within one organisation, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from cleannote.apps.eligibility.models import (
    CheckStatus,
    EligibilityCheck,
    EligibilityFile,
    HetsEnrollment,
    ManualVerification,
)
from cleannote.apps.organisations.models import Organisation
from cleannote.apps.scheduling.copay import (
    CopayDue,
    CopaySource,
    appointment_day,
    copay_from_coverage,
    paying_coverage,
)
from cleannote.apps.scheduling.coverage_badges import CoverageBadge
from cleannote.apps.scheduling.models import Appointment
from cleannote.edi.x12_270 import discipline_asked

_Row = TypeVar("_Row", EligibilityCheck, ManualVerification)


def checks_of(organisation: Organisation) -> QuerySet[EligibilityCheck]:
    return EligibilityCheck.objects.filter(organisation=organisation)


def check_detail(organisation: Organisation, check_id: int) -> EligibilityCheck | None:
    return (
        checks_of(organisation)
        .select_related("coverage", "patient", "request_file", "response_file", "created_by")
        .filter(pk=check_id)
        .first()
    )


def recent_checks(organisation: Organisation, limit: int = 100) -> list[EligibilityCheck]:
    return list(
        checks_of(organisation)
        .select_related("coverage", "patient")
        .order_by("-created_at", "-id")[:limit]
    )


@dataclass(frozen=True, slots=True)
class CoverageStatus:
    """The newest electronic check and the newest manual verification of one patient."""

    check: EligibilityCheck | None
    verification: ManualVerification | None


def _newest_per_patient(rows: Iterable[_Row]) -> dict[int, _Row]:
    """The first row of each patient from rows ordered newest first."""
    newest: dict[int, _Row] = {}
    for row in rows:
        newest.setdefault(row.patient_id, row)
    return newest


def latest_by_patient(
    organisation_id: int, patient_ids: Iterable[int]
) -> dict[int, CoverageStatus]:
    """Two queries whatever the number of patients; newest first, first one kept."""
    ids = set(patient_ids)
    checks = _newest_per_patient(
        EligibilityCheck.objects.filter(organisation_id=organisation_id, patient_id__in=ids)
        .select_related("coverage")
        .order_by("-created_at", "-id")
    )
    verifications = _newest_per_patient(
        ManualVerification.objects.filter(organisation_id=organisation_id, patient_id__in=ids)
        .select_related("checked_by")
        .order_by("-checked_at", "-id")
    )
    return {
        pid: CoverageStatus(checks.get(pid), verifications.get(pid))
        for pid in ids
        if pid in checks or pid in verifications
    }


def enrollments_of(organisation: Organisation) -> QuerySet[HetsEnrollment]:
    return HetsEnrollment.objects.filter(organisation=organisation)


def response_files_of(organisation: Organisation) -> QuerySet[EligibilityFile]:
    return EligibilityFile.objects.filter(organisation=organisation, kind="271")


def copay_due_for(appointment: Appointment) -> CopayDue:
    """The copay of the newest active answer about the paying coverage on or before the
    appointment's day, the one asked for this appointment first; else the coverage's own
    (answers `scheduling.copay.copay_due`, ADR 0632). Two queries at most."""
    coverage = paying_coverage(appointment)
    if coverage is None:
        return copay_from_coverage(appointment)
    answers = list(
        EligibilityCheck.objects.filter(
            organisation_id=appointment.organisation_id,
            coverage=coverage,
            status=CheckStatus.ACTIVE,
            responded_at__isnull=False,
            requested_for__lte=appointment_day(appointment),
        ).order_by("-responded_at", "-id")[:20]
    )
    answers.sort(key=lambda c: c.appointment_id != appointment.pk)  # stable: newest kept first
    newest = answers[0] if answers else None
    if newest is None or newest.copay is None or newest.responded_at is None:
        return copay_from_coverage(appointment)
    return CopayDue(
        newest.copay,
        CopaySource.ELIGIBILITY,
        coverage.pk,
        answered_on=timezone.localtime(newest.responded_at).date(),
        check_id=newest.pk,
    )


_TONES = {
    CheckStatus.ACTIVE: "good",
    CheckStatus.PENDING: "warn",
    CheckStatus.UNCLEAR: "warn",
    CheckStatus.SKIPPED: "warn",
}
# The schedule's short form of a skipped check's note; the check's page has it in full.
_SKIPPED_BADGE_NOTE = (
    "Auto or injury carrier: it does not answer eligibility requests; ask the adjuster."
)
# Appointment answers look this far back for a patient's newest check when none was asked for
# the appointment itself.
_BADGE_LOOKBACK_DAYS = 31


def _visits_of(service_type: str) -> str:
    """ "PT visits", "OT visits"...: what the visits left are of; "visits" for the plan."""
    discipline = discipline_asked(service_type)
    return f"{discipline.value} visits" if discipline else "visits"


def _badge(check: EligibilityCheck, for_this_visit: bool) -> CoverageBadge:
    other = next((p for p in check.other_payers if p.get("name")), None)
    note = _SKIPPED_BADGE_NOTE if check.status == CheckStatus.SKIPPED else ""
    if check.rejection_code:
        note = f"AAA {check.rejection_code}: {check.rejection_meaning}"
    return CoverageBadge(
        label=check.get_status_display(),
        tone=_TONES.get(CheckStatus(check.status), "bad"),
        url=reverse("eligibility:detail", args=[check.pk]),
        visits_left=check.visits_remaining,
        service=_visits_of(check.service_type),
        copay=check.copay,
        authorization_required=check.authorization_required,
        other_payer=other["name"] if other else "",
        medicare_advantage=check.medicare_advantage,
        note=note,
        for_this_visit=for_this_visit,
    )


def badges_for_appointments(
    organisation_id: int, appointments: Iterable[tuple[int, int]]
) -> dict[int, CoverageBadge]:
    """The answer to show on each (appointment id, patient id): the check asked for that
    appointment (an asked one before a skipped one), else the patient's newest asked check
    of the last month. One query whatever the number of appointments (answers
    `scheduling.coverage_badges.coverage_badges`)."""
    pairs = list(appointments)
    if not pairs:
        return {}
    since = timezone.now() - dt.timedelta(days=_BADGE_LOOKBACK_DAYS)
    rows = (
        EligibilityCheck.objects.filter(organisation_id=organisation_id)
        .filter(
            Q(appointment_id__any_of={a for a, _ in pairs})
            | Q(patient_id__any_of={p for _, p in pairs}, created_at__gte=since)
        )
        .exclude(status=CheckStatus.SKIPPED, appointment_id__isnull=True)
        .order_by("-created_at", "-id")
    )
    own: dict[int, EligibilityCheck] = {}
    newest: dict[int, EligibilityCheck] = {}
    for check in rows:
        if check.appointment_id is not None:
            held = own.get(check.appointment_id)
            asked_over_skipped = (
                held is not None
                and held.status == CheckStatus.SKIPPED
                and check.status != CheckStatus.SKIPPED
            )
            if held is None or asked_over_skipped:
                own[check.appointment_id] = check
        if check.status != CheckStatus.SKIPPED:
            newest.setdefault(check.patient_id, check)
    badges: dict[int, CoverageBadge] = {}
    for appointment_id, patient_id in pairs:
        if appointment_id in own:
            badges[appointment_id] = _badge(own[appointment_id], True)
        elif patient_id in newest:
            badges[appointment_id] = _badge(newest[patient_id], False)
    return badges
