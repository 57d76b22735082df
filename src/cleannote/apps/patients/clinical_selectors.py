"""Reads for the chart's clinical screens (ADR 0521), always within one organisation.

Each screen's rows are built in a fixed number of queries: a referral's used visits and units
are one query per referral with code groups (the list is short: a case has a handful). Those
counts read signed notes, which only the notes app knows: it answers `referral_usage` at
start-up (ADR 0401).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from django.db.models import Prefetch

from cleannote.apps.organisations.models import Organisation
from cleannote.apps.patients.models import (
    AuthorizedCodeGroup,
    Case,
    CaseDiagnosis,
    Goal,
    PlanOfCare,
    Referral,
)
from cleannote.apps.patients.selectors import with_visits_used
from cleannote.platform.hooks import Hook
from cleannote.rules.icd10 import check as icd_check
from cleannote.rules.payer_policy import policy_for
from cleannote.rules.scrub.checks_chart import CERTIFY_WITHIN_DAYS
from cleannote.rules.visit import Payer, PayerKind, UnitMethod


class GroupUsage(Protocol):
    """A code group's use by signed notes (the notes app's `authorization_usage.GroupUsage`)."""

    @property
    def group(self) -> AuthorizedCodeGroup: ...
    @property
    def visits_used(self) -> int: ...
    @property
    def units_used(self) -> int: ...
    @property
    def used_up(self) -> bool: ...


# Each code group's visits and units used by signed notes (the notes app's `usage`).
referral_usage: Hook[[Referral, list[AuthorizedCodeGroup], UnitMethod], Sequence[GroupUsage]] = (
    Hook("patients.referral_usage", lambda referral, groups, method: [])
)


def case_of(organisation: Organisation, patient_id: int, case_id: int) -> Case | None:
    return (
        Case.objects.select_related("patient", "coverage")
        .filter(pk=case_id, patient_id=patient_id, patient__organisation=organisation)
        .first()
    )


# --- referrals -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReferralRow:
    referral: Referral
    groups: Sequence[GroupUsage]
    status: str  # "in force", "used up", "expired", "not yet valid", "renewed"
    renewed_by: Referral | None

    @property
    def blocked(self) -> bool:
        return self.status in ("used up", "expired")


def _unit_method(case: Case) -> UnitMethod:
    coverage = case.coverage
    if coverage is None:
        return UnitMethod.CMS
    payer = Payer(
        name=coverage.payer_name, payer_id=coverage.payer_id, kind=PayerKind(coverage.kind)
    )
    return policy_for(payer).unit_method


def referral_rows(case: Case, today: dt.date) -> list[ReferralRow]:
    referrals = list(
        with_visits_used(Referral.objects.filter(case=case))
        .select_related("renewal")
        .prefetch_related("code_groups")
        .order_by("-referral_date", "-id")
    )
    method = _unit_method(case)
    rows = []
    for referral in referrals:
        groups = referral_usage(referral, list(referral.code_groups.all()), method)
        renewal = getattr(referral, "renewal", None)
        used = referral.visits_used  # type: ignore[attr-defined]
        if renewal is not None:
            status = "renewed"
        elif referral.expires_on is not None and referral.expires_on < today:
            status = "expired"
        elif any(g.used_up for g in groups) or (
            referral.authorized_visits is not None and used >= referral.authorized_visits
        ):
            status = "used up"
        elif referral.referral_date > today:
            status = "not yet valid"
        else:
            status = "in force"
        rows.append(ReferralRow(referral, groups, status, renewal))
    return rows


def referrer_name(case: Case) -> str:
    referral = case.referrals.order_by("-referral_date", "-id").first()
    if referral is None:
        return ""
    return f"{referral.provider_first_name} {referral.provider_last_name}".strip()


# --- diagnoses -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CodeAdvice:
    """The command line's check of one code (`cleannote icd check`), with replacements to
    choose from, each with its description."""

    code: str
    valid: bool
    description: str | None
    problem: str | None
    advice: str | None
    replacements: list[tuple[str, str]] = field(default_factory=list)


def code_advice(code: str) -> CodeAdvice:
    result = icd_check(code.strip())
    return CodeAdvice(
        code=result.code,
        valid=result.valid,
        description=result.description,
        problem=result.problem,
        advice=result.advice,
        replacements=[(r, icd_check(r).description or "") for r in result.replacements],
    )


@dataclass(frozen=True, slots=True)
class DiagnosisRow:
    row: CaseDiagnosis
    advice: CodeAdvice


def diagnosis_rows(case: Case) -> list[DiagnosisRow]:
    return [
        DiagnosisRow(row, code_advice(row.code))
        for row in CaseDiagnosis.objects.filter(case=case).order_by("position", "id")
    ]


# --- plans of care ---------------------------------------------------------------------------


def plans_of(case: Case) -> list[PlanOfCare]:
    """The case's plans, newest first, with goals and deliveries."""
    return list(
        PlanOfCare.objects.filter(case=case)
        .select_related("revises")
        .prefetch_related(
            Prefetch("goals", queryset=Goal.objects.order_by("order", "id")), "deliveries"
        )
        .order_by("-start_date", "-id")
    )


@dataclass(frozen=True, slots=True)
class CertificationStatus:
    certified: bool
    label: str
    due_by: dt.date | None
    """The last day to certify within 30 days of the plan's start (uncertified plans)."""
    recertify_by: dt.date
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def certification_status(plan: PlanOfCare, today: dt.date) -> CertificationStatus:
    recertify_by = plan.recertify_by
    if plan.is_certified:
        kind = plan.certification
        label = {
            "signed": f"signed by the physician/NPP on {plan.signature_received_on}",
            "signed_order": f"signed order of {plan.order_signed_on}, plan sent",
            "delayed": f"delayed certification signed on {plan.signature_received_on}",
        }[kind]
        return CertificationStatus(True, label, None, recertify_by, (recertify_by - today).days)
    due = plan.start_date + dt.timedelta(days=CERTIFY_WITHIN_DAYS)
    return CertificationStatus(
        False, "awaiting the physician's signature", due, recertify_by, (due - today).days
    )
