"""The demo's forward flags that the calendar alone cannot trip (ADR 0652).

The calendar (demo_schedule.py, ADR 0651) trips the flags that read only the chart. Three more
need facts the demo does not otherwise have, and are set up here after the calendar, through
the actions a person uses:

- `pip-limit`: the biller bills the signed notes of the open auto-accident (PIP/MedPay) case
  with a booked visit ahead (`do_create_claim_from_note`) and posts the carrier's payment in
  full on all but the newest (sent on paper, `do_record_adjudication`); the front desk records
  the insurer's limit as what is billed plus half a visit (`do_update_case`), so the first
  booked visit exhausts it (the case page shows the limit, paid and remaining, ADR 0770).
- `recertify`: the front desk records that a Medicare case began 84 days ago (care moved over
  from another clinic) and the therapist dates its plan, not yet signed by the physician, from
  that day for 120 days (`do_update_plan_of_care`), so a visit booked a week or more ahead
  falls on day 91+.
- `authorization-units`: the front desk records the insurer's authorization of units for the
  code a commercial, Medicaid or workers' comp case booked ahead bills most
  (`do_update_referral` with a code group) as the units its signed notes used plus two visits'
  worth, so the third booked visit passes it (ADR 0654). Like the demo's money by hand
  (demo_money.py), on demos of `MIN_PATIENTS` (20) or more only: in the small demos the
  end-to-end tests load, the authorization would refuse charges they count.

`kx-threshold` and `targeted-review` come from a Medicare course billed up to the KX amount
(demo_kx_course.py, ADR 0653).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from cleannote.apps.audit.actions import Actor
from cleannote.apps.claims.actions import (
    LineOutcome,
    do_change_claim_status,
    do_create_claim_from_note,
    do_mark_ready,
    do_record_adjudication,
)
from cleannote.apps.claims.errors import ClaimError, ClaimRefusedError
from cleannote.apps.claims.models import Claim, ClaimStatus
from cleannote.apps.notes.forward_facts import signed_visit_blocks, units_per_visit
from cleannote.apps.notes.models import Note
from cleannote.apps.organisations.models import Staff
from cleannote.apps.patients.chart_actions import do_update_case
from cleannote.apps.patients.clinical_actions import do_update_plan_of_care, do_update_referral
from cleannote.apps.patients.models import AuthorizedCodeGroup, Case, Coverage, Referral
from cleannote.apps.scheduling.models import Appointment, AppointmentStatus
from cleannote.rules.forward_view import expected_units
from cleannote.rules.payer_policy import default_policy
from cleannote.rules.visit import PayerKind, UnitMethod
from cleannote.web.demo_money import MIN_PATIENTS

RECERTIFY_OPENED_DAYS_AGO = 84
RECERTIFY_PLAN_DAYS = 120


def load_demo_flags(
    front_desk: Actor, staff: dict[str, Staff], today: dt.date, patients: int
) -> None:
    biller = Actor(user=staff["demo-biller"].user, organisation=front_desk.organisation)
    ahead = _cases_booked_ahead(front_desk, today)
    _pip_limit(front_desk, biller, ahead, today)
    _recertify(front_desk, ahead, today)
    if patients >= MIN_PATIENTS:
        _units_limit(front_desk, ahead, today)


def _cases_booked_ahead(actor: Actor, today: dt.date) -> list[Case]:
    """The open cases of patients with a booked visit in the next week, oldest first."""
    soon = Appointment.objects.filter(
        organisation=actor.organisation,
        status=AppointmentStatus.BOOKED,
        start__date__gt=today,
        start__date__lte=today + dt.timedelta(days=7),
    ).values("patient_id")
    return list(
        Case.objects.filter(
            patient__organisation=actor.organisation,
            patient_id__in=soon,
            closed_on__isnull=True,
        )
        .select_related("coverage")
        .order_by("pk")
    )


def _pip_limit(front_desk: Actor, biller: Actor, cases: list[Case], today: dt.date) -> None:
    pip = (PayerKind.AUTO_PIP.value, PayerKind.AUTO_MEDPAY.value)
    case = next((c for c in cases if c.coverage is not None and c.coverage.kind in pip), None)
    if case is None:
        return
    claims = []
    for note in Note.objects.filter(case=case, signed_at__isnull=False).order_by(
        "date_of_service", "pk"
    ):
        try:
            claims.append(do_create_claim_from_note(biller, note, as_of=today))
        except ClaimRefusedError:
            continue
    if not claims:
        return
    for claim in claims[:-1]:
        _paid_in_full(biller, claim, today)
    billed = sum((c.total_charge for c in claims), Decimal("0"))
    half_visit = (billed / len(claims) / 2).quantize(Decimal("0.01"))
    do_update_case(
        front_desk,
        case,
        reason="Insurer's PIP letter: the limit left on the policy",
        pip_medpay_limit=billed + half_visit,
    )


def _paid_in_full(biller: Actor, claim: Claim, today: dt.date) -> None:
    """The carrier's answer to a claim sent on paper: every line paid as billed."""
    try:
        do_mark_ready(biller, claim)
        do_change_claim_status(biller, claim, ClaimStatus.IN_BATCH, reason="sent on paper (demo)")
        do_record_adjudication(
            biller,
            claim,
            adjudicated_on=min(claim.date_of_service + dt.timedelta(days=14), today),
            payer_claim_number=f"RAI{claim.pk:08d}",
            lines={line.number: LineOutcome(paid=line.charge) for line in claim.lines.all()},
        )
    except ClaimError:
        return  # left unpaid: its charge still draws the limit


def _recertify(front_desk: Actor, cases: list[Case], today: dt.date) -> None:
    medicare = (PayerKind.MEDICARE.value,)
    for case in cases:
        if case.coverage is None or case.coverage.kind not in medicare:
            continue
        # A plan whose signature has not come back: dating it earlier makes nothing late.
        plan = case.plans_of_care.filter(
            certification_kind="", signature_received_on__isnull=True
        ).first()
        note = Note.objects.filter(case=case).select_related("therapist__user").first()
        if plan is None or note is None or case.plans_of_care.count() != 1:
            continue
        began = today - dt.timedelta(days=RECERTIFY_OPENED_DAYS_AGO)
        changes: dict[str, object] = {"opened_on": began}
        if case.onset_date is not None and case.onset_date > began:
            changes["onset_date"] = began
        do_update_case(
            front_desk,
            case,
            reason="Care began at our sister clinic; the chart moved over",
            **changes,
        )
        plan.start_date = began
        plan.certified_through = began + dt.timedelta(days=RECERTIFY_PLAN_DAYS - 1)
        therapist = Actor(user=note.therapist.user, organisation=front_desk.organisation)
        do_update_plan_of_care(
            therapist,
            plan,
            list(plan.goals.all()),
            reason="Dated from the first visit at the sister clinic",
        )
        return


_UNIT_KINDS = (PayerKind.COMMERCIAL.value, PayerKind.MEDICAID.value, PayerKind.WORKERS_COMP.value)


def _units_limit(front_desk: Actor, cases: list[Case], today: dt.date) -> None:
    """The first commercial, Medicaid or workers' comp case with three visits booked ahead gets
    the insurer's authorization of units for the code its recent signed visits bill most (all
    codes when none recurs): what is used plus two visits' worth."""
    for case in cases:
        if case.coverage is None or case.coverage.kind not in _UNIT_KINDS:
            continue
        referral = case.referrals.order_by("-referral_date", "-pk").first()
        booked = Appointment.objects.filter(
            patient_id=case.patient_id, status=AppointmentStatus.BOOKED, start__date__gt=today
        ).count()
        if referral is None or referral.code_groups.exists() or booked < 3:
            continue
        codes, per_visit = _most_billed(case, referral)
        each, _basis = expected_units(per_visit)
        if each == 0:
            continue
        do_update_referral(
            front_desk,
            referral,
            [AuthorizedCodeGroup(codes=codes, units=sum(per_visit) + 2 * each)],
            reason="Insurer's authorization letter: units per code",
        )
        return


def _most_billed(case: Case, referral: Referral) -> tuple[list[str], list[int]]:
    """The code the case's signed visits under `referral` bill most units of a visit (the
    median, `expected_units`), else every code; with its units on each visit."""
    assert case.coverage is not None
    visits = signed_visit_blocks([case.pk]).get(case.pk, [])
    method = _unit_method(case.coverage)

    def units_of(codes: list[str]) -> list[int]:
        return units_per_visit(
            visits, start=referral.referral_date, end=referral.expires_on, method=method,
            codes=codes,
        )  # fmt: skip

    billed = sorted({code for _day, blocks in visits for code, _m in blocks})
    ranked = sorted(billed, key=lambda code: (-expected_units(units_of([code]))[0], code))
    if ranked and expected_units(units_of(ranked[:1]))[0]:
        return ranked[:1], units_of(ranked[:1])
    return [], units_of([])


def _unit_method(coverage: Coverage) -> UnitMethod:
    """The payer's unit method, as the chart's authorization usage counts units."""
    if coverage.payer_record is not None:
        return coverage.payer_record.policy.unit_method
    return default_policy(PayerKind(coverage.kind)).unit_method
